import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalQueue, type LocalQueue } from '../../local/queues/sqs-local';
import { QueuePoller } from '../../local/queues/sqs-poller';
import type { QueueSpec } from '../../local/template';

/*
 * The local SQS stand-in, as strict as SQS where the app's retry queue relies on it: DelaySeconds
 * 0–900, a message invisible until its delay passed, deleted after a successful invocation but for
 * the reported batch item failures, and moved to the dead-letter file past maxReceiveCount.
 */

const spec: QueueSpec = { logicalId: 'RetryQueue', delaySeconds: 0, visibilityTimeoutSeconds: 1, messageRetentionSeconds: 3600, deadLetterQueueId: 'RetryDLQ', maxReceiveCount: 2 };
let queue: LocalQueue;
let file: string;
let sqs: SQSClient;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'sqs-local-')), 'failures.jsonl');
  queue = await startLocalQueue({ port: 0, file, log: () => undefined, queues: [spec] });
  sqs = new SQSClient({ endpoint: queue.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  sqs.destroy();
  await queue.close();
});

describe('local SQS: the template queues', () => {
  it('takes DelaySeconds 0–900 through the SDK and refuses 901 as SQS does', async () => {
    const url = queue.urlOf('RetryQueue');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', DelaySeconds: 900 }))).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', DelaySeconds: 901 }))).rejects.toThrow(/DelaySeconds/);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queue.urlOf('NoSuchQueue'), MessageBody: 'c' }))).rejects.toThrow(/does not exist/);
    // The 900-second one is not visible now.
    expect(queue.queue('RetryQueue')?.receive(10)).toEqual([]);
  });

  it('a message is invisible for its delay; the poller deletes what succeeded and keeps the reported failures', async () => {
    const memory = queue.queue('RetryQueue')!;
    const now = Date.now();
    memory.send('later', 2, now);
    expect(memory.receive(10, now + 1000).map((m) => m.body)).toEqual([]);
    const due = memory.receive(10, now + 2000);
    expect(due.map((m) => m.body)).toEqual(['later']);
    memory.delete(due[0].receiptHandle ?? '');

    const events: Array<{ Records: Array<{ body: string; messageId: string; eventSource: string }> }> = [];
    memory.send('ok', 0);
    memory.send('fails', 0);
    const poller = new QueuePoller({
      source: { logicalId: 'Mapping', functionId: 'Fn', queueId: 'RetryQueue', batchSize: 10, reportBatchItemFailures: true },
      queue: memory,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:RetryQueue',
      region: 'us-east-1',
      pollMs: 20,
      log: () => undefined,
      invoke: async (_fn, event) => {
        const e = event as (typeof events)[number];
        events.push(e);
        return { ok: true, result: { batchItemFailures: e.Records.filter((r) => r.body === 'fails').map((r) => ({ itemIdentifier: r.messageId })) } };
      },
    });
    poller.start();
    try {
      // 'fails' comes back after the visibility timeout (1 s), then goes to the dead-letter file after 2 receives.
      const deadline = Date.now() + 6000;
      while (!readFileSync(file, { flag: 'a+' }).toString().includes('MaxReceiveCountExceeded') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await poller.stop();
    }
    const bodies = events.flatMap((e) => e.Records.map((r) => r.body));
    expect(bodies.filter((b) => b === 'ok')).toHaveLength(1);
    expect(bodies.filter((b) => b === 'fails')).toHaveLength(2);
    expect(events[0].Records[0].eventSource).toBe('aws:sqs');
    expect(JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!)).toMatchObject({ condition: 'MaxReceiveCountExceeded', queue: 'RetryDLQ', receiveCount: 2 });
    // Only the 900-second message is left.
    expect(memory.size).toBe(1);
  });
});
