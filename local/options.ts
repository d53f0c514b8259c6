import { resolve } from 'node:path';
import { parseFunctionEnv } from './functions/env-resolver';
import { parseFaults, type FaultConfig } from './dev/faults';

/** The local cloud's settings: ports (0 = pick a free one), data dir, gateway limits. From env and argv. */
export interface LocalCloudOptions {
  dataDir: string;
  cdkOut: string;
  ports: { http: number; ws: number; media: number; s3: number; dynamodb: number; web: number };
  /** API Gateway's idle timeout (600 s) and maximum connection age (7200 s); shorter for tests. */
  wsIdleSeconds: number;
  wsMaxAgeSeconds: number;
  /** How often each open shard is polled (Lambda: 4 times a second). */
  streamPollMs: number;
  /** LOCAL_SCHEDULE_SECONDS: run every scheduled rule this often instead of at its own rate (0: its rate). */
  scheduleSeconds: number;
  /** LOCAL_FUNCTION_ENV: merged over every function's environment (local only; printed at start). */
  functionEnv: Record<string, string>;
  /** LOCAL_MAX_INSTANCES: concurrent instances per function (default 16). */
  maxInstances: number;
  /** LOCAL_DYNAMODB_METER=1: functions reach DynamoDB through a counting proxy (local/dev/capacity-meter.ts; for benchmarks). */
  meterCapacity?: boolean;
  /**
   * LOCAL_DYNAMODB_IN_MEMORY=1: DynamoDB Local keeps the table in memory, so nothing survives a stop.
   * For benchmarks: on disk its SQLite store serializes writes (a batch of 10 takes ~30 ms against
   * ~10 ms in memory here), which caps the whole local cloud near 25 messages/s, a limit AWS does not have.
   */
  dynamoDbInMemory?: boolean;
  /** LOCAL_FAULTS: fault injection (local/dev/faults.ts); off when unset. */
  faults?: FaultConfig;
  log: (line: string) => void;
}

export const DEFAULT_PORTS = { http: 3000, ws: 3001, media: 3002, s3: 4569, dynamodb: 8000, web: 3003 };

const ENV_PORTS = {
  http: 'LOCAL_HTTP_PORT',
  ws: 'LOCAL_WS_PORT',
  media: 'LOCAL_MEDIA_PORT',
  s3: 'LOCAL_S3_PORT',
  dynamodb: 'LOCAL_DYNAMODB_PORT',
  web: 'LOCAL_WEB_PORT',
} as const;

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

export function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): LocalCloudOptions & { synth: boolean } {
  const dataDirFlag = argv.indexOf('--data-dir');
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(ENV_PORTS) as (keyof typeof ENV_PORTS)[]) ports[key] = intEnv(env, ENV_PORTS[key], DEFAULT_PORTS[key]);
  return {
    synth: !argv.includes('--no-synth'),
    dataDir: resolve(dataDirFlag >= 0 && argv[dataDirFlag + 1] ? argv[dataDirFlag + 1] : '.local'),
    cdkOut: resolve('cdk.out'),
    ports,
    wsIdleSeconds: intEnv(env, 'LOCAL_WS_IDLE_SECONDS', 600),
    wsMaxAgeSeconds: intEnv(env, 'LOCAL_WS_MAX_AGE_SECONDS', 7200),
    streamPollMs: intEnv(env, 'LOCAL_STREAM_POLL_MS', 250),
    scheduleSeconds: intEnv(env, 'LOCAL_SCHEDULE_SECONDS', 0),
    functionEnv: parseFunctionEnv(env.LOCAL_FUNCTION_ENV),
    maxInstances: intEnv(env, 'LOCAL_MAX_INSTANCES', 16) || 16,
    meterCapacity: env.LOCAL_DYNAMODB_METER === '1',
    dynamoDbInMemory: env.LOCAL_DYNAMODB_IN_MEMORY === '1',
    faults: parseFaults(env.LOCAL_FAULTS),
    log: (line) => process.stdout.write(`${line}\n`),
  };
}
