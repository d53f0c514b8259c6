import { ClientError } from './errors';

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

/** A check on one field of a decoded position. */
export type FieldCheck = (value: string) => boolean;

/** Our ids (users, channels): a capital prefix and upper-case Crockford characters. */
export const isIdPosition: FieldCheck = (value) => /^[A-Z][0-9A-Z]{1,63}$/.test(value);

/**
 * A cursor that belongs to one listing: the position is stored with the scope it was issued for
 * (the partition the listing reads, such as `CH#<channel>`), and each field must pass its check.
 * So a cursor copied from another conversation or workspace, or forged, is `invalid_cursor`; the
 * query's partition always comes from the request, never from the cursor.
 */
export function encodeScopedCursor(scope: string, position: Record<string, string>): string {
  return encodeCursor({ ...position, in: scope });
}

export function decodeScopedCursor<F extends string>(cursor: string, scope: string, checks: Record<F, FieldCheck>): Record<F, string> {
  const fields = Object.keys(checks) as F[];
  const { in: issuedFor, ...position } = decodeCursor(cursor, [...fields, 'in']);
  if (issuedFor !== scope || !fields.every((field) => checks[field](position[field]))) throw new ClientError('invalid_cursor');
  return position as Record<F, string>;
}
