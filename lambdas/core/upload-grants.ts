import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Slack's upload URL carries its own credential, as files.slack.com's does: a random secret minted
 * per file by files.getUploadURLExternal. Only its SHA-256 is stored (on the file record, beside
 * the declared length, type and key it is bound to), so the table never holds a usable URL.
 */

/** 256 random bits, URL-safe. */
export const newUploadSecret = (): string => randomBytes(32).toString('base64url');

export const uploadSecretHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Whether a presented secret is the one whose hash was stored (constant time). */
export function uploadSecretMatches(presented: string, storedHash: string | undefined): boolean {
  if (!storedHash || presented === '') return false;
  const given = Buffer.from(uploadSecretHash(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
