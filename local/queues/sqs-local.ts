import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { HOST, listen, readBody, type Listening } from '../net';

/*
 * Stands in for the fan-out's SQS dead-letter queue: SendMessage over the AWS JSON 1.0 protocol
 * (what @aws-sdk/client-sqs speaks), with SQS's 1 MiB message limit. Each message is appended to
 * the same JSON-lines file as the event source's on-failure records, so one file holds everything
 * the queue would. Any other action is refused as SQS refuses an unknown one.
 */

const MESSAGE_LIMIT = 1024 * 1024;
export const LOCAL_DEAD_LETTER_QUEUE = 'fanout-dead-letters';

export interface LocalQueue extends Listening {
  endpoint: string;
  queueUrl: string;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}

export async function startLocalQueue(options: { port: number; file: string; log: (line: string) => void }): Promise<LocalQueue> {
  let queueUrl = '';
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, MESSAGE_LIMIT + 64 * 1024);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AmazonSQS.SendMessage') {
        return answer(res, 400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `${target || req.method} is not served by the local queue` });
      }
      if (body === undefined) return answer(res, 400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'request too large' });
      const input = JSON.parse(body.toString('utf8')) as { QueueUrl?: string; MessageBody?: string };
      if (input.QueueUrl !== queueUrl) return answer(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
      const message = input.MessageBody ?? '';
      if (Buffer.byteLength(message) > MESSAGE_LIMIT) {
        return answer(res, 400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: `message must be shorter than ${MESSAGE_LIMIT} bytes` });
      }
      appendFileSync(options.file, `${message}\n`);
      options.log(`[sqs] ${LOCAL_DEAD_LETTER_QUEUE}: message set aside by a function, written to ${options.file}`);
      answer(res, 200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(message).digest('hex') });
    })().catch((error: Error) => answer(res, 500, { __type: 'com.amazonaws.sqs#InternalError', message: error.message }));
  });
  const listening = await listen(server, options.port);
  const endpoint = `http://${HOST}:${listening.port}`;
  queueUrl = `${endpoint}/000000000000/${LOCAL_DEAD_LETTER_QUEUE}`;
  return { ...listening, endpoint, queueUrl };
}
