import { createServer, type IncomingHttpHeaders } from 'node:http';

/*
 * A local HTTP server on 127.0.0.1 that records every request and answers each with the next of
 * `answers` (then `fallback`): the other side of the hand-signed AWS calls' unit tests.
 */

export interface Recorded { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }
export interface Answer { status: number; body?: string; headers?: Record<string, string> }

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  seen: Recorded[];
  answers: Answer[];
  fallback: Answer;
  /** Forgets what was seen and queued (fallback: 200, empty). */
  reset(): void;
  close(): Promise<void>;
}

export async function recordingServer(): Promise<RecordingServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      self.seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = self.answers.shift() ?? self.fallback;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const self: RecordingServer = {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen: [],
    answers: [],
    fallback: { status: 200 },
    reset() {
      // In place: tests hold these arrays.
      self.seen.length = 0;
      self.answers.length = 0;
      self.fallback = { status: 200 };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return self;
}
