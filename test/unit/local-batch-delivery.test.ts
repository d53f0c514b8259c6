import { deliverBatch, type DeliveryHooks } from '../../local/streams/batch-delivery';
import type { InvokeResult } from '../../local/functions/protocol';
import type { LambdaStreamRecord } from '../../local/streams/records';

const rec = (n: number, createdSeconds = 1_000): LambdaStreamRecord => ({
  eventID: String(n), eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: 'arn',
  dynamodb: { SequenceNumber: String(n), ApproximateCreationDateTime: createdSeconds },
});
const settings = { bisectBatchOnFunctionError: false, maximumRetryAttempts: 2, maximumRecordAgeInSeconds: -1, reportBatchItemFailures: true };

function harness(respond: (seqs: string[]) => InvokeResult) {
  const calls: string[][] = [];
  const discarded: { seqs: string[]; condition: string }[] = [];
  const hooks: DeliveryHooks = {
    invoke: async ({ Records }) => {
      const seqs = Records.map((r) => r.dynamodb.SequenceNumber);
      calls.push(seqs);
      return respond(seqs);
    },
    discard: async (records, condition) => void discarded.push({ seqs: records.map((r) => r.dynamodb.SequenceNumber), condition }),
    sleep: async () => undefined,
    now: () => 1_000_000,
  };
  return { calls, discarded, hooks };
}
const fail: InvokeResult = { ok: false, error: { errorType: 'Error', errorMessage: 'boom' } };

describe('deliverBatch (Lambda event-source semantics)', () => {
  it('retries from the first reported item failure', async () => {
    let first = true;
    const h = harness(() => (first ? ((first = false), { ok: true, result: { batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] } }) : { ok: true, result: {} }));
    await deliverBatch([rec(1), rec(2), rec(3)], settings, h.hooks);
    expect(h.calls).toEqual([['1', '2', '3'], ['2', '3']]);
    expect(h.discarded).toEqual([]);
  });

  it('gives up after MaximumRetryAttempts and sends the batch to the on-failure destination', async () => {
    const h = harness(() => fail);
    await deliverBatch([rec(1), rec(2)], settings, h.hooks);
    expect(h.calls).toHaveLength(3);
    expect(h.discarded).toEqual([{ seqs: ['1', '2'], condition: 'RetryAttemptsExhausted' }]);
  });

  it('bisects a failing batch to isolate the bad record', async () => {
    const h = harness((seqs) => (seqs.includes('3') ? fail : { ok: true, result: null }));
    await deliverBatch([rec(1), rec(2), rec(3), rec(4)], { ...settings, bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }, h.hooks);
    expect(h.discarded).toEqual([{ seqs: ['3'], condition: 'RetryAttemptsExhausted' }]);
    expect(h.calls).toContainEqual(['4']);
  });

  it('drops records older than MaximumRecordAgeInSeconds without invoking', async () => {
    const h = harness(() => ({ ok: true, result: null }));
    await deliverBatch([rec(1, 1), rec(2, 999)], { ...settings, maximumRecordAgeInSeconds: 60 }, h.hooks);
    expect(h.discarded).toEqual([{ seqs: ['1'], condition: 'RecordAgeExceeded' }]);
    expect(h.calls).toEqual([['2']]);
  });
});
