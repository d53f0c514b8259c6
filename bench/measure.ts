import type { DevStats } from './client';
import { gbSeconds } from './cost';
import type { FunctionInfo } from './functions';

/*
 * What happened between two /dev/stats snapshots: invocations and GB-seconds per function, read and
 * write units per caller (functions by logical id; the bench's own callers by name), WebSocket frames
 * in and out, @connections calls.
 */

export interface Usage {
  invocations: Record<string, number>;
  durationMs: Record<string, number>;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  readUnits: number;
  writeUnits: number;
  units: Record<string, { read: number; write: number }>;
  framesIn: number;
  framesOut: number;
  posts: number;
  gone: number;
}

export function usageBetween(before: DevStats, after: DevStats, functions: readonly FunctionInfo[], callers?: (name: string) => boolean): Usage {
  const byId = new Map(functions.map((f) => [f.logicalId, f]));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const usage: Usage = { invocations: {}, durationMs: {}, lambdaRequests: 0, lambdaGbSeconds: 0, readUnits: 0, writeUnits: 0, units: {}, framesIn: 0, framesOut: 0, posts: 0, gone: 0 };
  for (const [id, f] of Object.entries(after.functions)) {
    const b = before.functions[id] ?? { invocations: 0, durationMs: 0 };
    const calls = f.invocations - b.invocations;
    if (calls <= 0) continue;
    const ms = (f.durationMs ?? 0) - (b.durationMs ?? 0);
    usage.invocations[nameOf(id)] = calls;
    usage.durationMs[nameOf(id)] = Math.round(ms);
    usage.lambdaRequests += calls;
    usage.lambdaGbSeconds += gbSeconds(ms, byId.get(id)?.memoryMb ?? 128);
  }
  for (const [caller, c] of Object.entries(after.capacity ?? {})) {
    const name = caller.length >= 50 ? (functions.find((f) => f.logicalId.startsWith(caller))?.name ?? caller) : nameOf(caller);
    if (callers && !callers(name)) continue;
    const b = before.capacity?.[caller] ?? { readUnits: 0, writeUnits: 0 };
    const read = c.readUnits - b.readUnits;
    const write = c.writeUnits - b.writeUnits;
    if (read === 0 && write === 0) continue;
    usage.units[name] = { read, write };
    usage.readUnits += read;
    usage.writeUnits += write;
  }
  usage.framesIn = after.gateway.framesIn - before.gateway.framesIn;
  usage.framesOut = after.gateway.framesOut - before.gateway.framesOut;
  usage.posts = after.gateway.connectionsApi.post - before.gateway.connectionsApi.post;
  usage.gone = after.gateway.connectionsApi.gone - before.gateway.connectionsApi.gone;
  return usage;
}
