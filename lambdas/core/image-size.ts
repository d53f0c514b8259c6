/*
 * Pixel dimensions of PNG, JPEG and GIF images from their first bytes (no image library). Callers
 * pass the head of the object (a ranged GET of ~64 KB); anything unrecognised or truncated gives
 * undefined rather than a guess.
 */

export interface ImageSize {
  type: 'png' | 'jpeg' | 'gif';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const positive = (size: ImageSize): ImageSize | undefined => (size.width > 0 && size.height > 0 ? size : undefined);

function png(b: Buffer): ImageSize | undefined {
  // Signature, then the IHDR chunk first: length (4), "IHDR" (4), width (4), height (4).
  if (b.length < 24 || !startsWith(b, PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return positive({ type: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) });
}

function gif(b: Buffer): ImageSize | undefined {
  const magic = b.toString('latin1', 0, 6);
  if (b.length < 10 || (magic !== 'GIF87a' && magic !== 'GIF89a')) return undefined;
  // The logical screen descriptor: width and height, little-endian.
  return positive({ type: 'gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) });
}

/** Start-of-frame markers carry the size: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpeg(b: Buffer): ImageSize | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1];
    // Fill bytes, and markers without a length (TEM, RST0–7, SOI).
    if (marker === 0xff) { offset += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { offset += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, or scan data before any frame header
    const length = b.readUInt16BE(offset + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      // Segment: length (2), precision (1), height (2), width (2).
      if (offset + 9 > b.length) return undefined;
      return positive({ type: 'jpeg', height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) });
    }
    offset += 2 + length;
  }
  return undefined;
}

export function imageSize(head: Uint8Array): ImageSize | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return png(b) ?? jpeg(b) ?? gif(b);
}

/** The mime types whose dimensions are read at completion. */
export const SIZED_IMAGE_TYPES: Record<string, ImageSize['type']> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/gif': 'gif',
};
