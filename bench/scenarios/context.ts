import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Deliveries, type Endpoints } from '../client';
import type { FunctionInfo } from '../functions';
import { openTable, type Table } from '../seed';
import { BASELINE_CALLER } from './baseline';

/**
 * The local cloud a benchmark runs on: DynamoDB Local in memory (on disk its SQLite store serializes
 * writes and caps the local cloud near 25 messages/s, which would be measured instead of this system;
 * local/options.ts) and the capacity meter on.
 */
export const BENCH_CLOUD_ENV = { LOCAL_DYNAMODB_METER: '1', LOCAL_DYNAMODB_IN_MEMORY: '1' };

/** What every scenario gets: the endpoints, the receipt tracker, the functions, direct and metered table access. */
export interface BenchContext {
  ep: Endpoints;
  deliveries: Deliveries;
  functions: FunctionInfo[];
  /** Straight to DynamoDB Local (set-up, not measured). */
  table: Table;
  /** Through the capacity meter (the scan baseline; counted like the functions). */
  meteredTable: Table;
  /** The @connections endpoint (http form of the WebSocket URL). */
  callbackUrl: string;
  team: string;
  runId: string;
  log: (line: string) => void;
}

/** The context for the local cloud whose outputs file is `outputsFile` (its local-endpoints.json beside it). */
export function benchContext(outputsFile: string, functions: FunctionInfo[], log: (line: string) => void): BenchContext {
  const outputs = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { TeamChat: { HttpApiUrl: string; WebSocketUrl: string } }).TeamChat;
  const local = JSON.parse(readFileSync(join(dirname(outputsFile), 'local-endpoints.json'), 'utf8')) as { DynamoDbEndpoint: string; DynamoDbMeteredEndpoint?: string; TableName: string };
  if (!local.DynamoDbMeteredEndpoint) log('! this local cloud runs without the capacity meter (LOCAL_DYNAMODB_METER=1): read and write units read 0');
  return {
    ep: { httpUrl: outputs.HttpApiUrl, wsUrl: outputs.WebSocketUrl },
    deliveries: new Deliveries(),
    functions,
    table: openTable(local.DynamoDbEndpoint, local.TableName),
    meteredTable: openTable(local.DynamoDbMeteredEndpoint ?? local.DynamoDbEndpoint, local.TableName, BASELINE_CALLER),
    callbackUrl: outputs.WebSocketUrl.replace(/^ws/, 'http'),
    team: 'bench',
    runId: Date.now().toString(36).slice(-5),
    log,
  };
}

let counter = 0;
/** A unique tag for a benchmark message; texts start with `bench:<tag>`. */
export const newTag = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
/** A realistic short chat message (~100 characters) carrying its tag. */
export const textFor = (tag: string) => `bench:${tag} the deploy went out fine, can someone check the dashboard numbers after lunch? thanks`;
