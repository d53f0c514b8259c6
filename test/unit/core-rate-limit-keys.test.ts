import { matchesPattern } from '../../local/streams/filter-pattern';
import { fanoutFilterPattern } from '../../lib/fanout';
import { PRESENCE_KEYS, RATE_LIMIT_KEYS } from '../../lambdas/model/keys';
import { retryAfterSeconds } from '../../lambdas/core/rate-limit';
import { liveLeases } from '../../lambdas/model/presence';

const record = (pk: string, sk: string) => ({ eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } } });

describe('rate-limit and presence items stay out of fan-out', () => {
  it('their sort keys do not pass the stream filter', () => {
    const pattern = fanoutFilterPattern();
    for (const scope of ['api', 'chat#C123', 'chat#MSG#x']) {
      expect(matchesPattern(record(`${RATE_LIMIT_KEYS.partitionPrefix}U1`, `${RATE_LIMIT_KEYS.sortPrefix}${scope}`), pattern)).toBe(false);
    }
    expect(matchesPattern(record(`${PRESENCE_KEYS.partitionPrefix}U1`, PRESENCE_KEYS.sort), pattern)).toBe(false);
    expect(matchesPattern(record(`${PRESENCE_KEYS.subscriptionPrefix}U1`, 'Zm9vYmFyPQ='), pattern)).toBe(false);
    expect(matchesPattern(record('CONN#Zm9v', PRESENCE_KEYS.watchListSort), pattern)).toBe(false);
    // and the filter still lets messages through
    expect(matchesPattern(record('CH#C1', 'MSG#01H'), pattern)).toBe(true);
  });
});

describe('token bucket arithmetic', () => {
  const settings = { perSecond: 1, burst: 5 };
  it('Retry-After is a whole number of seconds, at least 1, until the next token', () => {
    const now = 1_000_000;
    // Bucket just emptied: tat = now + burst·interval; a token frees at tat − (burst−1)·interval = now + 1 s.
    expect(retryAfterSeconds(now + 5000, now, settings)).toBe(1);
    expect(retryAfterSeconds(now + 5001, now, settings)).toBe(2);
    expect(retryAfterSeconds(now + 4100, now, settings)).toBe(1);
    expect(retryAfterSeconds(now + 9000, now, { perSecond: 0.5, burst: 3 })).toBe(5);
  });
});

describe('presence leases', () => {
  it('counts only live lease attributes', () => {
    const now = 100;
    const leases = liveLeases({ pk: 'PRES#U1', sk: 'PRES', userId: 'U1', expiresAt: 9999, 'L#a': 101, 'L#b': 100, 'L#c': 50, 'L#d': 'x' }, now);
    expect([...leases.keys()]).toEqual(['a']);
    expect(liveLeases(undefined, now).size).toBe(0);
  });
});
