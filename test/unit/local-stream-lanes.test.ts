import { lanesOf } from '../../local/streams/lanes';
import type { LambdaStreamRecord } from '../../local/streams/records';

const record = (pk: string, seq: number) =>
  ({ eventID: `${pk}-${seq}`, dynamodb: { Keys: { pk: { S: pk }, sk: { S: `MSG#${seq}` } }, SequenceNumber: String(seq) } }) as unknown as LambdaStreamRecord;

const pkOf = (r: LambdaStreamRecord) => (r.dynamodb.Keys?.pk as { S?: string } | undefined)?.S;

describe('ParallelizationFactor lanes (local/streams/lanes.ts)', () => {
  const records = Array.from({ length: 200 }, (_, i) => record(`CH#${i % 23}`, i));

  it('a factor of 1 keeps one lane: the whole page in stream order', () => {
    expect(lanesOf(records, 1, 'pk')).toEqual([records]);
    expect(lanesOf([], 1, 'pk')).toEqual([]);
  });

  it('every record lands in exactly one lane, each partition key in one lane only, in stream order', () => {
    const lanes = lanesOf(records, 10, 'pk');
    expect(lanes.length).toBeGreaterThan(1);
    expect(lanes.length).toBeLessThanOrEqual(10);
    expect(lanes.flat().map((r) => r.eventID).sort()).toEqual(records.map((r) => r.eventID).sort());
    const laneOfKey = new Map<string, number>();
    lanes.forEach((lane, i) => {
      for (const r of lane) {
        const key = String(pkOf(r));
        expect(laneOfKey.get(key) ?? i).toBe(i);
        laneOfKey.set(key, i);
      }
      const seqs = lane.map((r) => Number(r.dynamodb.SequenceNumber));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });
  });

  it('a key keeps its lane from one page to the next, and the factor is held to 1–10', () => {
    const laneIndex = (rs: LambdaStreamRecord[], key: string) => lanesOf(rs, 10, 'pk').findIndex((lane) => lane.some((r) => pkOf(r) === key));
    const page1 = [record('CH#a', 1), record('CH#b', 2), record('CH#c', 3)];
    const page2 = [record('CH#c', 4), record('CH#a', 5), record('CH#b', 6)];
    const keysIn = (rs: LambdaStreamRecord[], i: number) => lanesOf(rs, 10, 'pk')[i]?.map(pkOf).sort();
    for (const key of ['CH#a', 'CH#b', 'CH#c']) expect(keysIn(page1, laneIndex(page1, key))).toEqual(keysIn(page2, laneIndex(page2, key)));
    expect(lanesOf(records, 50, 'pk').length).toBeLessThanOrEqual(10);
    expect(lanesOf(records, 0, 'pk')).toEqual([records]);
  });
});
