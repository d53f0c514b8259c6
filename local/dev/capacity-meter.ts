import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { HOST, listen, type Listening } from '../net';

/*
 * A counting proxy in front of DynamoDB Local (LOCAL_DYNAMODB_METER=1, for benchmarks): every
 * request gets `ReturnConsumedCapacity: "INDEXES"` added, and the ConsumedCapacity of every answer
 * is summed per caller (the SDK's `app/<id>` user-agent token: the local cloud sets
 * AWS_SDK_UA_APP_ID to the function's logical id) and per operation. Answers go back to the caller
 * byte for byte (the SDK checks their CRC32). Read or write units are told apart by operation, as
 * DynamoDB bills them. Not in the path of the stream poller (stream reads by Lambda are free).
 */

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface CallerCapacity {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Per operation: requests and units. */
  operations: Record<string, { requests: number; units: number }>;
}

export interface CapacityMeter {
  endpoint: string;
  port: number;
  /** Per caller (`app/<id>` of the SDK's user agent, or "other"), cumulative since start. */
  stats(): Record<string, CallerCapacity>;
  stop(): Promise<void>;
}

interface Consumed {
  CapacityUnits?: number;
}

/** The `app/<id>` token of an SDK user agent (x-amz-user-agent or user-agent). */
export function callerOf(headers: IncomingMessage['headers']): string {
  const agents = `${headers['x-amz-user-agent'] ?? ''} ${headers['user-agent'] ?? ''}`;
  return /(?:^|\s)app\/([^\s]+)/.exec(agents)?.[1] ?? 'other';
}

/** The units an answer reports (one ConsumedCapacity or a list of them, one per table). */
export function unitsOf(answer: unknown): number {
  const consumed = (answer as { ConsumedCapacity?: Consumed | Consumed[] } | null)?.ConsumedCapacity;
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (Number(c.CapacityUnits) || 0), 0);
}

/**
 * DynamoDB bills a transaction's items at twice the single-item rate (and reports it so);
 * DynamoDB Local reports them at the single-item rate (an e2e test pins that), so the meter doubles them.
 */
const TRANSACTIONS = new Set(['TransactWriteItems', 'TransactGetItems']);
export const billedUnits = (operation: string, reported: number) => (TRANSACTIONS.has(operation) ? 2 * reported : reported);

/** The request with ReturnConsumedCapacity asked for (callers asking for it already keep their choice). */
export function withCapacityRequested(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || parsed.ReturnConsumedCapacity) return body;
    return JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' });
  } catch {
    return body;
  }
}

export async function startCapacityMeter(options: { target: string; port?: number; log: (line: string) => void }): Promise<CapacityMeter> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const callers = new Map<string, CallerCapacity>();
  const record = (caller: string, operation: string, units: number) => {
    let entry = callers.get(caller);
    if (!entry) callers.set(caller, (entry = { requests: 0, readUnits: 0, writeUnits: 0, operations: {} }));
    entry.requests++;
    if (READ_OPERATIONS.has(operation)) entry.readUnits += units;
    else if (WRITE_OPERATIONS.has(operation)) entry.writeUnits += units;
    const op = (entry.operations[operation] ??= { requests: 0, units: 0 });
    op.requests++;
    op.units += units;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const metered = READ_OPERATIONS.has(operation) || WRITE_OPERATIONS.has(operation);
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = Buffer.from(metered ? withCapacityRequested(raw) : raw);
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = httpRequest({ agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const payload = Buffer.concat(parts);
          if (metered) {
            let units = 0;
            try {
              units = billedUnits(operation, unitsOf(JSON.parse(payload.toString('utf8'))));
            } catch {
              // not JSON: nothing to count
            }
            record(callerOf(req.headers), operation, units);
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(payload);
        });
      });
      upstream.on('error', (error) => {
        options.log(`[capacity-meter] ${error.message}`);
        if (!res.headersSent) res.writeHead(502).end();
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  const listening: Listening = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://${HOST}:${listening.port}`,
    port: listening.port,
    stats: () => Object.fromEntries([...callers].map(([k, v]) => [k, { ...v, operations: structuredClone(v.operations) }])),
    stop: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
