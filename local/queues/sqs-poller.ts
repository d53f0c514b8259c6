import type { InvokeResult } from '../functions/protocol';
import type { QueueSourceSpec } from '../template';
import type { MemoryQueue, QueuedMessage } from './sqs-local';

/*
 * Lambda's SQS poller for one event source mapping: receives up to the batch size of visible
 * messages, invokes the function with an SQS event, deletes the batch on success (all but the
 * reported `batchItemFailures` with ReportBatchItemFailures). A failed invocation deletes nothing:
 * its messages come back after the queue's visibility timeout, and past the redrive policy's
 * maxReceiveCount go to the dead-letter queue (./sqs-local.ts).
 */

export interface QueuePollerOptions {
  source: QueueSourceSpec;
  queue: MemoryQueue;
  queueArn: string;
  region: string;
  invoke: (functionId: string, event: unknown) => Promise<InvokeResult>;
  pollMs: number;
  log: (line: string) => void;
}

const recordOf = (m: QueuedMessage, o: QueuePollerOptions) => ({
  messageId: m.messageId,
  receiptHandle: m.receiptHandle,
  body: m.body,
  attributes: {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: '000000000000',
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? Date.now()),
  },
  messageAttributes: {},
  md5OfBody: m.md5,
  eventSource: 'aws:sqs',
  eventSourceARN: o.queueArn,
  awsRegion: o.region,
});

export class QueuePoller {
  readonly stats = { received: 0, deleted: 0, failedInvocations: 0 };
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopped = false;

  constructor(private readonly o: QueuePollerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      for (;;) {
        const batch = this.o.queue.receive(this.o.source.batchSize);
        if (batch.length === 0 || this.stopped) return;
        this.stats.received += batch.length;
        const result = await this.o.invoke(this.o.source.functionId, { Records: batch.map((m) => recordOf(m, this.o)) });
        if (!result.ok) {
          this.stats.failedInvocations++;
          this.o.log(`! ${this.o.source.functionId} failed on ${batch.length} queue messages (${result.error.errorMessage}); they return after the visibility timeout`);
          continue;
        }
        const failed = new Set(
          this.o.source.reportBatchItemFailures
            ? ((result.result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null)?.batchItemFailures ?? []).map((f) => f.itemIdentifier)
            : [],
        );
        for (const m of batch) {
          if (failed.has(m.messageId)) continue;
          this.o.queue.delete(m.receiptHandle ?? '');
          this.stats.deleted++;
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
