import type { DynamoDBRecord } from 'aws-lambda';
import { dispatchFilterPatterns } from '../../lib/dispatch';
import { matchesAnyPattern } from '../../local/streams/filter-pattern';
import { requestsOf } from '../../lambdas/adapters/search-indexing';
import { dispatch, takesForApps, takesForPush, takesForSearch, type DispatchPart } from '../../lambdas/stream/dispatch';

const record = (seq: number, pk: string, sk: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT', created = 1_000): DynamoDBRecord => ({
  eventID: `e${seq}`,
  eventName,
  dynamodb: { SequenceNumber: String(seq), ApproximateCreationDateTime: created, Keys: { pk: { S: pk }, sk: { S: sk } } },
});

const message = (seq: number, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT', created?: number) => record(seq, 'CH#C1', `MSG#0${seq}`, eventName, created);
const membership = (seq: number) => record(seq, 'CH#C1', 'MEM#U1');
const appConnection = (seq: number) => record(seq, 'APPCONN#A1', 'conn1');

/** A part that records what it was given and fails (or throws) as told. */
function part(name: string, takes: DispatchPart['takes'], outcome: { failAt?: number; throws?: boolean } = {}, maxAgeSeconds?: number) {
  const given: string[][] = [];
  const p: DispatchPart = {
    name,
    takes,
    maxAgeSeconds,
    run: async (records) => {
      given.push(records.map((r) => r.dynamodb!.SequenceNumber!));
      if (outcome.throws) throw new Error(`${name} is down`);
      return outcome.failAt;
    },
  };
  return { p, given };
}

describe('the dispatcher (the stream\'s second reader)', () => {
  const batch = [membership(1), message(2), message(3, 'MODIFY'), appConnection(4), message(5)];

  test('each part gets only its own records, in stream order', async () => {
    const apps = part('apps', takesForApps);
    const push = part('push', takesForPush);
    const search = part('search', takesForSearch);
    expect(await dispatch(batch, [apps.p, push.p, search.p], 1_000)).toBeUndefined();
    expect(apps.given).toEqual([['1', '2', '3', '4', '5']]);
    expect(push.given).toEqual([['2', '5']]);
    expect(search.given).toEqual([['2', '3', '5']]);
  });

  test('the batch reports the lowest record any part failed, as its position in the batch', async () => {
    const push = part('push', takesForPush, { failAt: 1 }); // its second record: message 5, batch position 4
    const search = part('search', takesForSearch, { failAt: 1 }); // message 3, batch position 2
    expect(await dispatch(batch, [push.p, search.p], 1_000)).toBe(2);
    expect(await dispatch(batch, [push.p], 1_000)).toBe(4);
  });

  test('a part that throws fails from its first record; the other parts still ran', async () => {
    const apps = part('apps', takesForApps);
    const search = part('search', takesForSearch, { throws: true });
    expect(await dispatch(batch, [apps.p, search.p], 1_000)).toBe(1);
    expect(apps.given).toHaveLength(1);
  });

  test('a part with nothing to do is not run, and records past its age limit are left out of it', async () => {
    const push = part('push', takesForPush, {}, 15 * 60);
    const search = part('search', takesForSearch);
    const old = [membership(1), message(2, 'INSERT', 0), message(3, 'INSERT', 3_000)];
    expect(await dispatch(old, [push.p, search.p], 3_000)).toBeUndefined();
    expect(push.given).toEqual([['3']]);
    expect(search.given).toEqual([['2', '3']]);
    const none = part('push', takesForPush);
    expect(await dispatch([membership(1)], [none.p], 1_000)).toBeUndefined();
    expect(none.given).toEqual([]);
  });

  test("the mapping's filter passes exactly the records some part takes", () => {
    const samples = [
      ...batch, message(6, 'REMOVE'), record(7, 'CH#C1', 'META'), record(8, 'CH#C1', 'PIN#1'), record(9, 'CH#C1', 'EPH#1'),
      record(10, 'U#U1', 'INBOX#1'), record(11, 'CONN#x', 'CONN'), record(12, 'APPCONN#A1', 'conn1', 'REMOVE'), record(13, 'RL#U1', 'RATE#msg', 'MODIFY'),
    ];
    for (const r of samples) {
      const taken = takesForApps(r) || takesForPush(r) || takesForSearch(r);
      expect([r.dynamodb!.SequenceNumber, matchesAnyPattern(r, dispatchFilterPatterns())]).toEqual([r.dynamodb!.SequenceNumber, taken]);
    }
  });
});

describe('search indexing requests', () => {
  test('records go in runs under the byte limit, in order; a record over it goes alone', () => {
    const small = (seq: number) => ({ ...message(seq), dynamodb: { ...message(seq).dynamodb, NewImage: { text: { S: 'x'.repeat(300) } } } });
    const big = { ...message(9), dynamodb: { ...message(9).dynamodb, NewImage: { text: { S: 'y'.repeat(3_000) } } } };
    const runs = requestsOf([small(1), small(2), small(3), big, small(4)], 1_000);
    expect(runs.map((run) => run.records.map((r) => r.dynamodb!.SequenceNumber))).toEqual([['1', '2'], ['3'], ['9'], ['4']]);
    for (const run of runs.filter((r) => r.records.length > 1)) expect(Buffer.byteLength(JSON.stringify(run.records))).toBeLessThanOrEqual(1_000);
    // Each request's body is the stream event the indexer takes, with exactly its records.
    for (const run of runs) expect(JSON.parse(run.body)).toEqual({ Records: run.records });
  });
});
