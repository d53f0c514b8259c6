import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pid file in the data dir: one local cloud per data dir, and `reset` refuses while it runs. */

export const lockPath = (dataDir: string) => join(dataDir, 'local-cloud.pid');

/** The pid of a live local cloud using this data dir, if any (a stale file is ignored). */
export function runningPid(dataDir: string): number | undefined {
  const path = lockPath(dataDir);
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function acquireLock(dataDir: string): () => void {
  const other = runningPid(dataDir);
  if (other !== undefined && other !== process.pid) throw new Error(`a local cloud (pid ${other}) is already using ${dataDir}`);
  writeFileSync(lockPath(dataDir), String(process.pid));
  return () => rmSync(lockPath(dataDir), { force: true });
}
