import { ApiError, type Api } from '../api';
import type { Upload } from './types';

/*
 * File uploads: ask for an upload target (files.getUploadURLExternal), send the file to storage with
 * progress, then post it (files.completeUploadExternal). Each upload shows in the conversation
 * until it is done; a failed one shows its error for a few seconds.
 */

const FAILED_UPLOAD_SHOWN_MS = 8000;

export interface UploadsDeps {
  api: Api;
  /** Replaces the list of uploads in progress. */
  update(change: (uploads: Upload[]) => Upload[]): void;
  newId(): string;
}

export class Uploads {
  constructor(private readonly deps: UploadsDeps) {}

  async upload(channel: string, file: File, threadTs?: string): Promise<void> {
    const { api, update } = this.deps;
    const id = this.deps.newId();
    const patch = (change: Partial<Upload>) => update((uploads) => uploads.map((u) => (u.id === id ? { ...u, ...change } : u)));
    const remove = () => update((uploads) => uploads.filter((u) => u.id !== id));
    update((uploads) => [...uploads, { id, channel, name: file.name, progress: 0 }]);
    try {
      const target = await api.call('files.getUploadURLExternal', { filename: file.name, length: file.size, content_type: file.type || 'application/octet-stream' });
      await sendToStorage(String(target.upload_url), target.upload_fields as Record<string, string> | undefined, file, (progress) => patch({ progress }));
      await api.call('files.completeUploadExternal', { files: [{ id: target.file_id, title: file.name }], channel_id: channel, ...(threadTs ? { thread_ts: threadTs } : {}) });
      remove();
    } catch (error) {
      const code = error instanceof ApiError ? error.code : (error as Error).message;
      patch({ error: code === 'unknown_method' ? 'File uploads are not available on this server yet' : `Upload failed: ${code}` });
      setTimeout(remove, FAILED_UPLOAD_SHOWN_MS);
    }
  }
}

/** POSTs a presigned form (fields first, the file last), or PUTs to a presigned URL; reports progress 0..1. */
function sendToStorage(url: string, fields: Record<string, string> | undefined, file: File, progress: (p: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    for (const [k, v] of Object.entries(fields ?? {})) form.append(k, v);
    form.append('file', file);
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? (progress(1), resolve()) : reject(new Error(`storage answered HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('network error'));
    if (fields) {
      xhr.open('POST', url);
      xhr.send(form);
    } else {
      xhr.open('PUT', url);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.send(file);
    }
  });
}
