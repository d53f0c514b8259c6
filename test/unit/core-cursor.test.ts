import { decodeCursor, decodeScopedCursor, encodeCursor, encodeScopedCursor, isIdPosition } from '../../lambdas/core/cursor';
import { ClientError } from '../../lambdas/core/errors';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function expectInvalid(cursor: string, fields: readonly string[] = ['ts']) {
  let caught: unknown;
  try {
    decodeCursor(cursor, fields);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ClientError);
  expect((caught as ClientError).code).toBe('invalid_cursor');
}

describe('cursors', () => {
  it('round-trips a position', () => {
    const position = { ts: '01HF0000000000000000000000', channelId: 'C123' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['ts', 'channelId'])).toEqual(position);
  });

  it('round-trips non-ASCII values', () => {
    const position = { name: 'café-☕' };
    expect(decodeCursor(encodeCursor(position), ['name'])).toEqual(position);
  });

  it('returns only the requested fields', () => {
    const cursor = encodeCursor({ ts: 'a', extra: 'b' });
    expect(decodeCursor(cursor, ['ts'])).toEqual({ ts: 'a' });
  });

  it('rejects garbage', () => {
    expectInvalid('!!!not base64!!!');
    expectInvalid('');
    expectInvalid(b64('not json'));
  });

  it.each([
    ['null', null],
    ['an array', ['ts']],
    ['a number', 42],
    ['a string', 'ts'],
    ['a missing field', { other: 'x' }],
    ['a non-string field', { ts: 5 }],
    ['an empty field', { ts: '' }],
    ['a field over 512 characters', { ts: 'x'.repeat(513) }],
  ])('rejects %s', (_label, value) => {
    expectInvalid(b64(value));
  });

  it('accepts a field of exactly 512 characters', () => {
    expect(decodeCursor(b64({ ts: 'x'.repeat(512) }), ['ts'])).toEqual({ ts: 'x'.repeat(512) });
  });

  it('rejects cursors longer than 2048 characters even when well formed', () => {
    const cursor = b64({ ts: 'a', pad: 'p'.repeat(2000) });
    expect(cursor.length).toBeGreaterThan(2048);
    expectInvalid(cursor);
  });
});

describe('scoped cursors', () => {
  const scope = 'CH#C0123456789';
  const checks = { u: isIdPosition };

  function invalid(cursor: string, asked = scope) {
    let caught: unknown;
    try {
      decodeScopedCursor(cursor, asked, checks);
    } catch (error) {
      caught = error;
    }
    expect((caught as ClientError).code).toBe('invalid_cursor');
  }

  it('round-trips a position within the scope it was issued for', () => {
    const cursor = encodeScopedCursor(scope, { u: 'U0123456789' });
    expect(decodeScopedCursor(cursor, scope, checks)).toEqual({ u: 'U0123456789' });
  });

  it("refuses another listing's cursor", () => {
    invalid(encodeScopedCursor('CH#C9999999999', { u: 'U0123456789' }));
    invalid(encodeScopedCursor(scope, { u: 'U0123456789' }), 'T#T0123456789');
  });

  it.each([
    ['no scope', { u: 'U0123456789' }],
    ['a field failing its check', { u: 'U1\uffff', in: scope }],
    ['a key-shaped field', { u: 'U1#MSG#x', in: scope }],
    ['a lower-case id', { u: 'u0123456789', in: scope }],
    ['a non-string field', { u: ['U0123456789'], in: scope }],
    ['a non-string scope', { u: 'U0123456789', in: { scope } }],
  ])('refuses %s', (_label, value) => {
    invalid(b64(value));
  });
});
