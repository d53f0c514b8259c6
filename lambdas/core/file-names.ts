/*
 * File names as clients send them, made safe: a display name (the client's, minus paths and
 * control characters) and an object-key segment (a conservative alphabet, bounded length), plus
 * the mime type a name implies when the client names none.
 */

const MAX_DISPLAY_NAME = 255;
const MAX_KEY_NAME = 100;
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The last path segment of a client's file name, without control characters; '' if nothing is left. */
export function displayName(filename: string): string {
  return [...lastSegment(filename)].slice(0, MAX_DISPLAY_NAME).join('');
}

const lastSegment = (filename: string) => (filename.replace(CONTROL, '').split(/[\\/]/).pop() ?? '').trim();

/**
 * One object-key segment for a file name: only [A-Za-z0-9._-], no leading dots (no '.' or '..'),
 * at most 100 characters with the extension kept, and never empty. The server builds the rest of
 * the key, so a client's name can never pick its place in the bucket.
 */
export function keySafeName(filename: string): string {
  const base = lastSegment(filename).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+/g, '_').replace(/^[._]+/, '').replace(/\.{2,}/g, '.');
  if (safe.length > MAX_KEY_NAME) {
    const dot = safe.lastIndexOf('.');
    const ext = dot > 0 && safe.length - dot <= 10 ? safe.slice(dot) : '';
    safe = safe.slice(0, MAX_KEY_NAME - ext.length) + ext;
  }
  safe = safe.replace(/\.+$/, '');
  return safe.length > 0 && safe !== '_' ? safe : 'file';
}

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic',
  svg: 'image/svg+xml', bmp: 'image/bmp', ico: 'image/x-icon', tif: 'image/tiff', tiff: 'image/tiff',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', json: 'application/json',
  txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', html: 'text/html', htm: 'text/html', xml: 'application/xml',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav', ogg: 'audio/ogg',
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export const DEFAULT_MIME_TYPE = 'application/octet-stream';

export function mimeTypeFor(filename: string): string {
  const name = displayName(filename);
  const dot = name.lastIndexOf('.');
  return (dot >= 0 && BY_EXTENSION[name.slice(dot + 1).toLowerCase()]) || DEFAULT_MIME_TYPE;
}

/** `type/subtype` with RFC 6838's restricted name characters; lower-cased. undefined if malformed. */
export function normalizeMimeType(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(v) ? v : undefined;
}
