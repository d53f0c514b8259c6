import { ClientError } from '../shared/errors';

/**
 * Opaque pagination cursors: a small JSON position, base64url-encoded. A cursor that does not
 * decode to the expected shape is `invalid_cursor`, never a 500.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string, fields: readonly string[]): Record<string, string> {
  try {
    if (cursor.length > 2048) throw new Error('too long');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    const out: Record<string, string> = {};
    for (const field of fields) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value !== 'string' || value.length === 0 || value.length > 512) throw new Error('bad field');
      out[field] = value;
    }
    return out;
  } catch {
    throw new ClientError('invalid_cursor');
  }
}
