import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { HOST, listen, readBody, type Listening } from '../net';
import type { QueueSpec } from '../template';

/*
 * Stands in for SQS: SendMessage over the AWS JSON 1.0 protocol (what @aws-sdk/client-sqs speaks),
 * with SQS's limits (1 MiB messages, DelaySeconds 0–900, whole seconds). Two kinds of queue:
 * - the fan-out's dead-letter queue: each message appended to the same JSON-lines file as the
 *   event source's on-failure records, so one file holds everything the queue would;
 * - the template's queues, by logical id, held in memory with their delays and visibility, for the
 *   SQS event source (./sqs-poller.ts). A message received more than its redrive policy's
 *   maxReceiveCount goes to its dead-letter queue, which is the failures file too.
 * Any other action is refused as SQS refuses an unknown one.
 */

const MESSAGE_LIMIT = 1024 * 1024;
const MAX_DELAY_SECONDS = 900;
export const LOCAL_DEAD_LETTER_QUEUE = 'fanout-dead-letters';

export interface QueuedMessage {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  /** Epoch ms from which it may be received (its delay, then its visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

/** A template queue held in memory. */
export class MemoryQueue {
  private messages: QueuedMessage[] = [];
  constructor(readonly spec: QueueSpec, private readonly deadLetter: (m: QueuedMessage, queue: string) => void) {}

  send(body: string, delaySeconds: number, now = Date.now()): QueuedMessage {
    const message: QueuedMessage = { messageId: randomUUID(), body, md5: createHash('md5').update(body).digest('hex'), sentAt: now, visibleAt: now + delaySeconds * 1000, receiveCount: 0 };
    this.messages.push(message);
    return message;
  }

  /** Up to `max` visible messages, now invisible for the visibility timeout (ReceiveMessage). */
  receive(max: number, now = Date.now()): QueuedMessage[] {
    this.messages = this.messages.filter((m) => now - m.sentAt < this.spec.messageRetentionSeconds * 1000);
    const out: QueuedMessage[] = [];
    for (const m of this.messages) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      if (this.spec.maxReceiveCount !== undefined && m.receiveCount >= this.spec.maxReceiveCount) {
        this.delete(m.receiptHandle ?? '', m);
        this.deadLetter(m, this.spec.deadLetterQueueId ?? this.spec.logicalId);
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receiptHandle = randomUUID();
      m.visibleAt = now + this.spec.visibilityTimeoutSeconds * 1000;
      out.push(m);
    }
    return out;
  }

  /** DeleteMessage by receipt handle (a stale handle deletes nothing, as SQS). */
  delete(receiptHandle: string, exact?: QueuedMessage): void {
    this.messages = this.messages.filter((m) => (exact ? m !== exact : m.receiptHandle !== receiptHandle));
  }

  get size(): number {
    return this.messages.length;
  }
}

export interface LocalQueue extends Listening {
  endpoint: string;
  /** The fan-out's dead-letter queue. */
  queueUrl: string;
  /** A template queue's URL, by logical id. */
  urlOf(logicalId: string): string;
  /** A template queue, by logical id. */
  queue(logicalId: string): MemoryQueue | undefined;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}

const invalid = (res: ServerResponse, message: string) => answer(res, 400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message });

export async function startLocalQueue(options: { port: number; file: string; log: (line: string) => void; queues?: QueueSpec[] }): Promise<LocalQueue> {
  let base = '';
  const deadLetter = (m: QueuedMessage, queue: string) => {
    appendFileSync(options.file, `${JSON.stringify({ condition: 'MaxReceiveCountExceeded', queue, messageId: m.messageId, receiveCount: m.receiveCount, sentAt: new Date(m.sentAt).toISOString() })}\n`);
    options.log(`[sqs] ${queue}: message ${m.messageId} moved to the dead-letter queue after ${m.receiveCount} receives, written to ${options.file}`);
  };
  const memory = new Map((options.queues ?? []).map((spec) => [spec.logicalId, new MemoryQueue(spec, deadLetter)]));
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, MESSAGE_LIMIT + 64 * 1024);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AmazonSQS.SendMessage') {
        return answer(res, 400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `${target || req.method} is not served by the local queue` });
      }
      if (body === undefined) return invalid(res, 'request too large');
      const input = JSON.parse(body.toString('utf8')) as { QueueUrl?: string; MessageBody?: string; DelaySeconds?: number };
      const name = (input.QueueUrl ?? '').startsWith(`${base}/`) ? (input.QueueUrl ?? '').slice(base.length + 1) : '';
      const queue = memory.get(name);
      if (name !== LOCAL_DEAD_LETTER_QUEUE && !queue) return answer(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
      const message = input.MessageBody ?? '';
      if (message === '') return invalid(res, 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(message) > MESSAGE_LIMIT) return invalid(res, `message must be shorter than ${MESSAGE_LIMIT} bytes`);
      const delay = input.DelaySeconds ?? queue?.spec.delaySeconds ?? 0;
      if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
        return invalid(res, `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
      }
      if (queue) {
        const sent = queue.send(message, delay);
        return answer(res, 200, { MessageId: sent.messageId, MD5OfMessageBody: sent.md5 });
      }
      appendFileSync(options.file, `${message}\n`);
      options.log(`[sqs] ${LOCAL_DEAD_LETTER_QUEUE}: message set aside by a function, written to ${options.file}`);
      answer(res, 200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(message).digest('hex') });
    })().catch((error: Error) => answer(res, 500, { __type: 'com.amazonaws.sqs#InternalError', message: error.message }));
  });
  const listening = await listen(server, options.port);
  const endpoint = `http://${HOST}:${listening.port}`;
  base = `${endpoint}/000000000000`;
  return { ...listening, endpoint, queueUrl: `${base}/${LOCAL_DEAD_LETTER_QUEUE}`, urlOf: (id) => `${base}/${id}`, queue: (id) => memory.get(id) };
}
