import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { HOST, listen, type Listening } from '../net';

/*
 * Fault injection for the local cloud, off unless LOCAL_FAULTS is set (printed at start; counters
 * in /dev/stats under `faults`; POST /dev/faults replaces the rates at run time, `{}` turns them off).
 *
 *   LOCAL_FAULTS='{"connectionsPostFail":0.1,"connectionsPostStall":0.05,"connectionsPostStallMs":2000,
 *                  "fanoutCrash":0.1,"fanoutTimeout":0.05,"dynamoThrottle":0.05,"dynamoError":0.02,
 *                  "clockSkewMs":30000,"dropWsMidDelivery":0.02,"seed":42}'
 *
 * Rates are probabilities per event (one @connections POST, one fan-out invocation, one DynamoDB
 * request from a function). Where each is injected:
 *   - connectionsPost*: the WebSocket gateway's @connections POST answers 500, or waits first;
 *   - dropWsMidDelivery: the gateway terminates the socket right after (or instead of) the frame;
 *   - fanoutCrash / fanoutTimeout: the function runtime kills the event-source function's instance
 *     at a random point of the invocation (Runtime.ExitError / Sandbox.Timedout), so the batch stops
 *     part-way and the poller retries it as Lambda would;
 *   - dynamoThrottle / dynamoError: a proxy in front of DynamoDB Local (functions only; the stream
 *     poller reads directly) answers ProvisionedThroughputExceededException or ThrottlingException
 *     (400) or InternalServerError (500) without forwarding, so the request had no effect;
 *   - clockSkewMs: every function instance gets a fixed offset in [-clockSkewMs, +clockSkewMs] on
 *     Date (local/functions/worker.ts);
 *   - a killed and restarted local cloud is the harness's job (test/e2e/harness/local-process.ts).
 */

export interface FaultConfig {
  connectionsPostFail?: number;
  connectionsPostStall?: number;
  connectionsPostStallMs?: number;
  dropWsMidDelivery?: number;
  fanoutCrash?: number;
  fanoutTimeout?: number;
  dynamoThrottle?: number;
  dynamoError?: number;
  clockSkewMs?: number;
  seed?: number;
}

export type FaultKind =
  | 'connectionsPostFail'
  | 'connectionsPostStall'
  | 'dropWsMidDelivery'
  | 'fanoutCrash'
  | 'fanoutTimeout'
  | 'dynamoThrottle'
  | 'dynamoError'
  | 'clockSkew';

const RATES = ['connectionsPostFail', 'connectionsPostStall', 'dropWsMidDelivery', 'fanoutCrash', 'fanoutTimeout', 'dynamoThrottle', 'dynamoError'] as const;
const NUMBERS = ['connectionsPostStallMs', 'clockSkewMs', 'seed'] as const;

/** LOCAL_FAULTS as a config; undefined when unset. Unknown keys and out-of-range values are refused. */
export function parseFaults(raw: string | undefined): FaultConfig | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`LOCAL_FAULTS is not JSON: ${raw}`);
  }
  return checkFaults(parsed);
}

export function checkFaults(parsed: unknown): FaultConfig {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('LOCAL_FAULTS must be a JSON object');
  const out: FaultConfig = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`LOCAL_FAULTS.${name} must be a non-negative number`);
    if ((RATES as readonly string[]).includes(name)) {
      if (value > 1) throw new Error(`LOCAL_FAULTS.${name} is a probability (0..1), got ${value}`);
    } else if (!(NUMBERS as readonly string[]).includes(name)) {
      throw new Error(`LOCAL_FAULTS: unknown fault ${name} (known: ${[...RATES, ...NUMBERS].join(', ')})`);
    }
    out[name as keyof FaultConfig] = value;
  }
  return out;
}

/** mulberry32: a small seeded generator, so a run's fault pattern (and a test's client schedule) repeats for a given seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The switch board: decides each fault from the seeded generator and counts what it injected. */
export class Faults {
  readonly counts: Record<FaultKind, number> = {
    connectionsPostFail: 0, connectionsPostStall: 0, dropWsMidDelivery: 0, fanoutCrash: 0, fanoutTimeout: 0, dynamoThrottle: 0, dynamoError: 0, clockSkew: 0,
  };
  private random: () => number;

  constructor(private config: FaultConfig = {}) {
    this.random = seeded(config.seed ?? 1);
  }

  get enabled(): boolean {
    return RATES.some((r) => (this.config[r] ?? 0) > 0) || (this.config.clockSkewMs ?? 0) > 0;
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  /** Replaces the rates (POST /dev/faults); `{}` turns injection off. Counters are kept. */
  set(config: FaultConfig): void {
    this.config = config;
    if (config.seed !== undefined) this.random = seeded(config.seed);
  }

  /** True with the configured probability of `kind`; counted unless the caller counts it when it takes effect. */
  roll(kind: (typeof RATES)[number], count = true): boolean {
    const p = this.config[kind] ?? 0;
    if (p <= 0 || this.random() >= p) return false;
    if (count) this.counts[kind]++;
    return true;
  }

  count(kind: FaultKind): void {
    this.counts[kind]++;
  }

  /**
   * Whether to cut an event-source invocation short, and when: a crash within the first 200 ms, or a
   * timeout within the first 500 ms (the instance is killed either way; counted when it happens).
   */
  cutShort(): { kind: 'fanoutCrash' | 'fanoutTimeout'; afterMs: number } | undefined {
    if (this.roll('fanoutCrash', false)) return { kind: 'fanoutCrash', afterMs: Math.floor(this.random() * 200) };
    if (this.roll('fanoutTimeout', false)) return { kind: 'fanoutTimeout', afterMs: Math.floor(this.random() * 500) };
    return undefined;
  }

  /** A uniform number in [0, 1) from the run's generator. */
  next(): number {
    return this.random();
  }

  stallMs(): number {
    return this.config.connectionsPostStallMs ?? 2000;
  }

  /** A new function instance's clock offset (0 without clockSkewMs). */
  clockOffset(): number {
    const max = this.config.clockSkewMs ?? 0;
    if (max <= 0) return 0;
    this.counts.clockSkew++;
    return Math.round((this.random() * 2 - 1) * max);
  }

  describe(): string {
    return Object.entries(this.config).map(([k, v]) => `${k}=${v}`).join(' ');
  }

  stats(): { config: FaultConfig; injected: Record<FaultKind, number> } {
    return { config: this.current, injected: { ...this.counts } };
  }
}

const THROTTLES = [
  { type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.' },
  { type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
];

/**
 * The DynamoDB fault proxy: forwards every request to `target` byte for byte, except the ones the
 * dice pick, which get DynamoDB's own throttling or internal-error answer without being forwarded.
 */
export async function startDynamoFaultProxy(options: { target: string; faults: Faults; log: (line: string) => void }): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const { faults } = options;
  const answer = (res: ServerResponse, status: number, body: object) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID(), 'content-length': String(Buffer.byteLength(text)) }).end(text);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (faults.roll('dynamoThrottle')) {
        const t = THROTTLES[Math.floor(faults.next() * THROTTLES.length)];
        return answer(res, 400, { __type: t.type, message: t.message });
      }
      if (faults.roll('dynamoError')) return answer(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = httpRequest({ agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', (error) => {
        options.log(`[faults] dynamodb proxy: ${error.message}`);
        if (!res.headersSent) res.writeHead(502).end();
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  const listening: Listening = await listen(server, 0);
  return {
    endpoint: `http://${HOST}:${listening.port}`,
    stop: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
