import { decodeTime, ulid } from 'ulid';
import { ceilTsAt, floorTsAt, isTs, nextTs, tsBound } from '../../lambdas/core/ts';

const T0 = 1_700_000_000_000;

describe('nextTs', () => {
  it('starts from the current time when there is no head', () => {
    const ts = nextTs(undefined, T0);
    expect(isTs(ts)).toBe(true);
    expect(decodeTime(ts)).toBe(T0);
  });

  it('uses the current time when the clock is ahead of the head', () => {
    const head = ulid(T0);
    const ts = nextTs(head, T0 + 5);
    expect(decodeTime(ts)).toBe(T0 + 5);
    expect(ts > head).toBe(true);
  });

  it('is strictly greater than the head in the same millisecond', () => {
    const time = floorTsAt(T0).slice(0, 10);
    for (const head of [ulid(T0), time + '0'.repeat(16), time + 'Z'.repeat(15) + 'Y', time + 'ZZZZZZZZZZZZZZZ0']) {
      const ts = nextTs(head, T0);
      expect(ts > head).toBe(true);
      expect(decodeTime(ts)).toBe(T0);
      expect(isTs(ts)).toBe(true);
    }
    expect(nextTs(time + 'Z'.repeat(15) + 'Y', T0)).toBe(time + 'Z'.repeat(16));
  });

  it('continues from the head when the clock is behind it', () => {
    const head = ulid(T0 + 60_000);
    const ts = nextTs(head, T0);
    expect(ts > head).toBe(true);
    expect(decodeTime(ts)).toBe(T0 + 60_000);
  });

  it('stays strictly increasing over many sends with a stuck clock', () => {
    let head = ulid(T0);
    for (let i = 0; i < 200; i++) {
      const next = nextTs(head, T0 - 1000);
      expect(next > head).toBe(true);
      expect(next).toHaveLength(26);
      head = next;
    }
  });

  it('carries past a head whose random part is all Z', () => {
    const head = floorTsAt(T0).slice(0, 10) + 'Z'.repeat(16);
    const ts = nextTs(head, T0);
    expect(ts > head).toBe(true);
    expect(ts).toBe(floorTsAt(T0 + 1));
  });
});

describe('isTs', () => {
  it('accepts a ULID', () => {
    expect(isTs(ulid(T0))).toBe(true);
  });

  it.each(['', 'abc', '1700000000.000100', ulid(T0).slice(0, 25), ulid(T0) + '0', '01ARZ3NDEKTSV4RRFFQ69G5FAU!', '01ARZ3NDEKTSV4RRFFQ69G5FUI'])(
    'rejects %p',
    (value) => {
      expect(isTs(value)).toBe(false);
    },
  );
});

describe('tsBound', () => {
  it('passes a ULID through unchanged on either side', () => {
    const ts = ulid(T0);
    expect(tsBound(ts, 'floor')).toBe(ts);
    expect(tsBound(ts, 'ceil')).toBe(ts);
  });

  it('maps epoch seconds with microseconds to the millisecond bounds', () => {
    const floor = tsBound('1700000000.000100', 'floor');
    const ceil = tsBound('1700000000.000100', 'ceil');
    expect(floor).toBe(floorTsAt(T0));
    expect(ceil).toBe(ceilTsAt(T0));
    expect(floor).toMatch(/^[0-9A-Z]{10}0{16}$/);
    expect(ceil).toMatch(/^[0-9A-Z]{10}Z{16}$/);
    expect(decodeTime(floor!)).toBe(T0);
  });

  it('maps whole seconds and fractional milliseconds', () => {
    expect(decodeTime(tsBound('1700000000', 'floor')!)).toBe(T0);
    expect(decodeTime(tsBound('1700000000.123456', 'ceil')!)).toBe(T0 + 123);
    expect(decodeTime(tsBound('1700000000.999', 'floor')!)).toBe(T0 + 999);
  });

  it('orders a message written at the time between its floor and ceil bounds', () => {
    const message = ulid(T0);
    expect(tsBound('1700000000', 'floor')! <= message).toBe(true);
    expect(tsBound('1700000000', 'ceil')! >= message).toBe(true);
    expect(tsBound('1699999999.999', 'ceil')! < message).toBe(true);
    expect(tsBound('1700000000.001', 'floor')! > message).toBe(true);
  });

  it('treats "0" as the beginning of time', () => {
    expect(tsBound('0', 'floor')).toBe('0'.repeat(26));
  });

  it.each(['', 'garbage', '-1', '1e9', '1700000000.', '.5', '1700000000.1234567', '1234567890123', ' 1700000000', '999999999999', 'NaN'])(
    'returns undefined for %p',
    (value) => {
      expect(tsBound(value, 'floor')).toBeUndefined();
      expect(tsBound(value, 'ceil')).toBeUndefined();
    },
  );
});
