import { checkFaults, Faults, parseFaults } from '../../local/dev/faults';

describe('local fault injection config (LOCAL_FAULTS)', () => {
  test('off unless set', () => {
    expect(parseFaults(undefined)).toBeUndefined();
    expect(parseFaults('')).toBeUndefined();
    expect(new Faults({}).enabled).toBe(false);
  });

  test('takes the documented shape', () => {
    const raw = '{"connectionsPostFail":0.1,"connectionsPostStallMs":2000,"fanoutCrash":0.1,"fanoutTimeout":0.05,"dynamoThrottle":0.05,"dynamoError":0.02,"clockSkewMs":30000,"dropWsMidDelivery":0.02,"seed":42}';
    expect(parseFaults(raw)).toMatchObject({ connectionsPostFail: 0.1, clockSkewMs: 30000, seed: 42 });
  });

  test('refuses unknown faults, probabilities above 1 and non-numbers', () => {
    expect(() => parseFaults('{"connectionPostFail":0.1}')).toThrow(/unknown fault/);
    expect(() => parseFaults('{"fanoutCrash":2}')).toThrow(/probability/);
    expect(() => checkFaults({ dynamoError: '0.1' })).toThrow(/non-negative number/);
    expect(() => parseFaults('not json')).toThrow(/not JSON/);
  });

  test('the same seed gives the same faults, at about the configured rate, counted', () => {
    const pattern = (seed: number) => {
      const f = new Faults({ dynamoThrottle: 0.2, seed });
      return Array.from({ length: 1000 }, () => f.roll('dynamoThrottle'));
    };
    expect(pattern(7)).toEqual(pattern(7));
    const hits = pattern(7).filter(Boolean).length;
    expect(hits).toBeGreaterThan(150);
    expect(hits).toBeLessThan(250);
    const f = new Faults({ dynamoThrottle: 1 });
    f.roll('dynamoThrottle');
    expect(f.stats().injected.dynamoThrottle).toBe(1);
  });

  test('clock offsets stay within ±clockSkewMs; none without it', () => {
    const f = new Faults({ clockSkewMs: 1000, seed: 3 });
    for (let i = 0; i < 200; i++) expect(Math.abs(f.clockOffset())).toBeLessThanOrEqual(1000);
    expect(new Faults({}).clockOffset()).toBe(0);
  });

  test('POST /dev/faults with {} turns injection off', () => {
    const f = new Faults({ fanoutCrash: 1 });
    expect(f.cutShort()).toBeDefined();
    f.set({});
    expect(f.cutShort()).toBeUndefined();
    expect(f.enabled).toBe(false);
  });
});
