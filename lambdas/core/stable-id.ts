import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, stable, upper-case id from some text: the same input always names the same thing. */
export function stableId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = prefix;
  for (let i = 0; i < 10; i++) out += CROCKFORD[digest[i] % 32];
  return out;
}
