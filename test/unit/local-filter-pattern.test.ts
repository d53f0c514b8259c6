import { matchesAnyPattern, matchesPattern } from '../../local/streams/filter-pattern';

const record = (sk: string, extra: Record<string, unknown> = {}) => ({
  eventName: 'INSERT',
  dynamodb: { Keys: { pk: { S: 'C1' }, sk: { S: sk } }, NewImage: { n: 5, tags: ['a', 'b'], ...extra } },
});
// The template's fan-out filter.
const fanout = { dynamodb: { Keys: { sk: { S: [{ prefix: 'MSG#' }, { prefix: 'MEM#' }, 'META'] } } } };

describe('filter patterns', () => {
  it('matches exact values and prefixes', () => {
    expect(matchesPattern(record('MSG#01H'), fanout)).toBe(true);
    expect(matchesPattern(record('MEM#U1'), fanout)).toBe(true);
    expect(matchesPattern(record('META'), fanout)).toBe(true);
    expect(matchesPattern(record('METADATA'), fanout)).toBe(false);
    expect(matchesPattern(record('CONN#x'), fanout)).toBe(false);
    expect(matchesPattern(record('MSG#1'), { eventName: ['INSERT'] })).toBe(true);
    expect(matchesPattern(record('MSG#1'), { eventName: ['REMOVE'] })).toBe(false);
  });

  it('supports exists, anything-but, suffix, numeric and $or', () => {
    expect(matchesPattern(record('x'), { dynamodb: { NewImage: { n: [{ exists: true }] } } })).toBe(true);
    expect(matchesPattern(record('x'), { dynamodb: { NewImage: { missing: [{ exists: false }] } } })).toBe(true);
    expect(matchesPattern(record('x'), { dynamodb: { NewImage: { missing: [{ exists: true }] } } })).toBe(false);
    expect(matchesPattern(record('x'), { eventName: [{ 'anything-but': ['REMOVE', 'MODIFY'] }] })).toBe(true);
    expect(matchesPattern(record('x'), { eventName: [{ 'anything-but': 'INSERT' }] })).toBe(false);
    expect(matchesPattern(record('CONN#1'), { dynamodb: { Keys: { sk: { S: [{ 'anything-but': { prefix: 'CONN#' } }] } } } })).toBe(false);
    expect(matchesPattern(record('x#end'), { dynamodb: { Keys: { sk: { S: [{ suffix: '#end' }] } } } })).toBe(true);
    expect(matchesPattern(record('x'), { dynamodb: { NewImage: { n: [{ numeric: ['>', 1, '<=', 5] }] } } })).toBe(true);
    expect(matchesPattern(record('x'), { dynamodb: { NewImage: { tags: ['b'] } } })).toBe(true);
    expect(matchesPattern(record('x'), { $or: [{ eventName: ['REMOVE'] }, { dynamodb: { Keys: { sk: { S: ['x'] } } } }] })).toBe(true);
  });

  it('passes everything without filters, and a record that matches any of several', () => {
    expect(matchesAnyPattern(record('anything'), [])).toBe(true);
    expect(matchesAnyPattern(record('CONN#1'), [{ eventName: ['REMOVE'] }, fanout])).toBe(false);
    expect(matchesAnyPattern(record('MSG#1'), [{ eventName: ['REMOVE'] }, fanout])).toBe(true);
  });

  it('rejects rules it does not understand instead of guessing', () => {
    expect(() => matchesPattern(record('x'), { eventName: [{ wildcard: '*' }] })).toThrow(/unsupported/);
  });
});
