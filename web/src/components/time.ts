/** A ULID's first 10 characters are its millisecond time. */
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function timeOf(ts: string): Date {
  if (/^[0-9A-HJKMNP-TV-Z]{26}$/.test(ts)) {
    let ms = 0;
    for (const ch of ts.slice(0, 10)) ms = ms * 32 + B32.indexOf(ch);
    return new Date(ms);
  }
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
}
