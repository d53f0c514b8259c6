import { formatBytes, previewBox } from '../chat/file-display';
import type { FileInfo } from '../chat/types';
import { Icon, ICONS } from './Icon';

const PREVIEW_MAX = { width: 360, height: 260 };

/**
 * A file in a message: an image as a preview (its box sized from the server's dimensions, so it
 * holds its place while loading lazily), anything else as a download link with its size.
 */
export function FileItem({ file }: { file: FileInfo }) {
  const name = file.title ?? file.name ?? 'file';
  if (file.mimetype?.startsWith('image/') && file.url_private) {
    const box = file.original_w && file.original_h ? previewBox(file.original_w, file.original_h, PREVIEW_MAX) : undefined;
    return (
      <div className="file">
        <a href={file.url_private} target="_blank" rel="noopener noreferrer">
          <img src={file.url_private} alt={file.title ?? file.name ?? 'image'} loading="lazy" decoding="async" width={box?.width} height={box?.height} />
        </a>
      </div>
    );
  }
  return (
    <div className="file">
      <a href={file.url_private} target="_blank" rel="noopener noreferrer" download={file.name}>
        <Icon d={ICONS.attach} /> {name}
        {file.size !== undefined && <span className="file-size"> ({formatBytes(file.size)})</span>}
      </a>
    </div>
  );
}
