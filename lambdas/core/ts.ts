import { decodeTime, encodeTime, incrementBase32, ulid } from 'ulid';

/**
 * A message's ts is a ULID. Within a channel each new ts must be greater than the channel's head
 * (the newest committed ts), whatever this machine's clock says: a sender whose clock is behind
 * continues from the head instead of going back in time.
 */
export function nextTs(head: string | undefined, now = Date.now()): string {
  if (!head) return ulid(now);
  const headTime = decodeTime(head);
  return now > headTime ? ulid(now) : incrementBase32(head);
}

/** A ts as we issue them: 26 upper-case Crockford characters within the ULID range. */
const TS_SHAPE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const isTs = (value: string): boolean => TS_SHAPE.test(value);

/** The smallest ULID at a time: everything written from then on sorts at or above it. */
export const floorTsAt = (millis: number): string => encodeTime(Math.max(0, Math.floor(millis)), 10) + '0'.repeat(16);
/** The greatest ULID at a time. */
export const ceilTsAt = (millis: number): string => encodeTime(Math.max(0, Math.floor(millis)), 10) + 'Z'.repeat(16);

/**
 * Slack clients pass `oldest`/`latest` either as our ts or as epoch seconds ("1700000000.000100").
 * Returns the ts bound, or undefined when the value is neither.
 */
export function tsBound(value: string, side: 'floor' | 'ceil'): string | undefined {
  if (isTs(value)) return value;
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(value)) return undefined;
  const millis = Number(value) * 1000;
  if (!Number.isFinite(millis) || millis > 281474976710655) return undefined;
  return side === 'floor' ? floorTsAt(millis) : ceilTsAt(millis);
}
