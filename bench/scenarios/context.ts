import type { Deliveries, Endpoints } from '../client';
import type { FunctionInfo } from '../functions';
import type { Table } from '../seed';

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

let counter = 0;
/** A unique tag for a benchmark message; texts start with `bench:<tag>`. */
export const newTag = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
/** A realistic short chat message (~100 characters) carrying its tag. */
export const textFor = (tag: string) => `bench:${tag} the deploy went out fine, can someone check the dashboard numbers after lunch? thanks`;
