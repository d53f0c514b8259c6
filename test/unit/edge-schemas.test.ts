import * as z from 'zod/mini';
import { cursor, flag, id, idList, limit, parseArgs } from '../../lambdas/edge/schemas';
import { ClientError } from '../../lambdas/core/errors';

function errorOf(fn: () => unknown): ClientError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    return error as ClientError;
  }
  throw new Error('expected a ClientError');
}

describe('limit', () => {
  const page = limit(200, 100);

  it.each([
    [undefined, 100],
    [0, 100],
    ['0', 100],
    [1, 1],
    ['15', 15],
    [200, 200],
    [201, 200],
    ['999999999', 200],
  ])('maps %p to %p', (input, expected) => {
    expect(page.parse(input)).toBe(expected);
  });

  it.each([-1, 1.5, '-1', 'ten', '', '1e3', '1234567890', null])('refuses %p', (input) => {
    expect(page.safeParse(input).success).toBe(false);
  });
});

describe('flag', () => {
  it.each([
    [true, true],
    ['true', true],
    ['1', true],
    [false, false],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('reads %p as %p', (input, expected) => {
    expect(flag.parse(input)).toBe(expected);
  });

  it.each(['yes', 'TRUE', 2, 'on'])('refuses %p', (input) => {
    expect(flag.safeParse(input).success).toBe(false);
  });
});

describe('idList', () => {
  it('splits a comma list, trimming and dropping empties', () => {
    expect(idList.parse('U1,U2')).toEqual(['U1', 'U2']);
    expect(idList.parse(' U1 , ,U2,')).toEqual(['U1', 'U2']);
    expect(idList.parse('')).toEqual([]);
  });

  it('takes an array as is', () => {
    expect(idList.parse(['U1', 'U2'])).toEqual(['U1', 'U2']);
  });

  it('refuses bad arrays and non-lists', () => {
    expect(idList.safeParse(['U1', '']).success).toBe(false);
    expect(idList.safeParse(['x'.repeat(65)]).success).toBe(false);
    expect(idList.safeParse(Array.from({ length: 101 }, (_, i) => `U${i}`)).success).toBe(false);
    expect(idList.safeParse(5).success).toBe(false);
    expect(idList.safeParse('U'.repeat(2001)).success).toBe(false);
  });
});

describe('id and cursor', () => {
  it('bounds ids and cursors', () => {
    expect(id.safeParse('C1').success).toBe(true);
    expect(id.safeParse('').success).toBe(false);
    expect(id.safeParse('x'.repeat(65)).success).toBe(false);
    expect(cursor.safeParse(undefined).success).toBe(true);
    expect(cursor.safeParse('x'.repeat(2049)).success).toBe(false);
  });
});

describe('parseArgs', () => {
  const schema = z.object({ channel: id, limit: limit(1000, 100), inclusive: flag, users: z.optional(idList) });

  it('returns the parsed arguments', () => {
    expect(parseArgs(schema, { channel: 'C1', limit: '5', inclusive: '1', users: 'U1,U2' })).toEqual({ channel: 'C1', limit: 5, inclusive: true, users: ['U1', 'U2'] });
  });

  it('throws invalid_arguments naming a bad field', () => {
    const error = errorOf(() => parseArgs(schema, { channel: 'C1', limit: 'many' }));
    expect(error.code).toBe('invalid_arguments');
    expect(error.detail).toBe('limit');
  });

  it('names a missing field', () => {
    const error = errorOf(() => parseArgs(schema, {}));
    expect(error.code).toBe('invalid_arguments');
    expect(error.detail).toBe('channel');
  });

  it('names nested fields with dots', () => {
    const nested = z.object({ file: z.object({ name: z.string() }) });
    expect(errorOf(() => parseArgs(nested, { file: { name: 1 } })).detail).toBe('file.name');
  });

  it('says "arguments" when the whole input is wrong', () => {
    const error = errorOf(() => parseArgs(schema, 'nope'));
    expect(error.code).toBe('invalid_arguments');
    expect(error.detail).toBe('arguments');
  });
});
