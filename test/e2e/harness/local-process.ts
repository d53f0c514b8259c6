import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * The local cloud as a child process for the e2e suite: started once by global setup on a temp data
 * dir with free ports, restartable on the same data dir and ports (the restart test), and killed
 * (whole process group) by global teardown. Its pid and data dir live in a small state file so any
 * jest worker can restart it and teardown finds the current one.
 */

const ROOT = resolve(__dirname, '../../..');
/** Per run (global setup sets E2E_RUN_ID for the workers), so parallel runs do not share state. */
const stateFile = () => join(tmpdir(), `teamchat-e2e-${process.env.E2E_RUN_ID ?? 'default'}.json`);
const START_TIMEOUT_MS = 120_000;

interface State {
  pid: number;
  dataDir: string;
}

interface LocalPorts {
  http: number;
  ws: number;
  media: number;
  s3: number;
  dynamodb: number;
  web?: number;
}

const readState = (): State | undefined => (existsSync(stateFile()) ? (JSON.parse(readFileSync(stateFile(), 'utf8')) as State) : undefined);

/**
 * Context for the suite's synth. The per-user message bucket (production: bursts of 5 per channel)
 * and the Web API bucket are raised so tests that send bursts on purpose are not throttled; the
 * rate-limit tests send until they are refused, so they hold at any setting.
 */
export const E2E_CONTEXT = ['-c', 'messageBurst=50', '-c', 'apiBurst=500'];

export function synth(): void {
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', ...E2E_CONTEXT], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('cdk synth failed');
}

const isAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitForFile(path: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(path)) {
    if (!isAlive(pid)) throw new Error(`the local cloud exited while starting:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`the local cloud did not start within ${START_TIMEOUT_MS / 1000} s; log: ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One running local cloud child process. */
export interface LocalProcess {
  pid: number;
  dataDir: string;
  outputsFile: string;
  /** Extra environment the child was started with (kept across restarts). */
  env?: Record<string, string>;
}

/** Starts the local cloud on `dataDir` (ports 0 = free ones, or the given ones) and waits for its outputs file. */
async function launch(dataDir: string, ports?: LocalPorts, extraEnv: Record<string, string> = {}): Promise<LocalProcess> {
  const outputsFile = join(dataDir, 'outputs.json');
  rmSync(outputsFile, { force: true });
  const logFile = join(dataDir, 'local-cloud.log');
  const out = openSync(logFile, 'a');
  const child = spawn('npx', ['tsx', 'local/start.ts', '--no-synth', '--data-dir', dataDir], {
    cwd: ROOT,
    detached: true, // its own process group, so stopping it stops npx, node and java together
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      LOCAL_HTTP_PORT: String(ports?.http ?? 0),
      LOCAL_WS_PORT: String(ports?.ws ?? 0),
      LOCAL_MEDIA_PORT: String(ports?.media ?? 0),
      LOCAL_S3_PORT: String(ports?.s3 ?? 0),
      LOCAL_DYNAMODB_PORT: String(ports?.dynamodb ?? 0),
      LOCAL_WEB_PORT: String(ports?.web ?? 0),
      ...extraEnv,
    },
  });
  child.unref();
  const pid = child.pid ?? 0;
  await waitForFile(outputsFile, pid, logFile);
  return { pid, dataDir, outputsFile, env: extraEnv };
}

/**
 * Starts a local cloud on a fresh temp data dir. `env` is added to the child's environment, for
 * example `{ LOCAL_FUNCTION_ENV: '{"HOT_CHANNEL_THRESHOLD":"3"}' }` for a private instance with
 * settings the shared one must not have.
 */
export const startLocalProcess = (opts: { env?: Record<string, string> } = {}) => launch(mkdtempSync(join(tmpdir(), 'teamchat-e2e-')), undefined, opts.env);

/** The processes of a process group, by /proc (Linux): pid and command name. */
function groupMembers(pgid: number): Array<{ pid: number; comm: string }> {
  const out: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
      const close = stat.lastIndexOf(')');
      const pgrp = Number(stat.slice(close + 2).split(' ')[2]);
      if (pgrp === pgid) out.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Stops a local cloud (SIGTERM to its process group, SIGKILL after 15 s) and waits until it is gone.
 * `kill: true` is a crash (the chaos test's restart): every process of the cloud but DynamoDB Local
 * gets SIGKILL at once, with no clean shutdown; DynamoDB Local then stops as the rest would. AWS's
 * DynamoDB never loses a write it acknowledged, and DynamoDB Local keeps that promise only when it
 * shuts down: killed with the rest, it was seen to lose a transaction it had acknowledged (the
 * chaos check's `acked_missing_from_history`, no trace of the message, its client_msg_id record or
 * its stream record in the data dir), which tests the emulator, not this system.
 */
export async function stopLocalProcess(local: Pick<LocalProcess, 'pid'>, opts: { kill?: boolean } = {}): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-local.pid, s);
    } catch {
      // already gone
    }
  };
  if (opts.kill) {
    for (const member of groupMembers(local.pid)) {
      if (member.comm === 'java') continue;
      try {
        process.kill(member.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  signal('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(local.pid)) {
    if (Date.now() > deadline) signal('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Restarts a local cloud on the same data dir and the same ports (so URLs and issued tokens stay valid). */
export async function restartLocalProcess(local: LocalProcess, opts: { kill?: boolean } = {}): Promise<LocalProcess> {
  const ports = (JSON.parse(readFileSync(join(local.dataDir, 'local-endpoints.json'), 'utf8')) as { ports: LocalPorts }).ports;
  await stopLocalProcess(local, opts);
  return launch(local.dataDir, ports, local.env);
}

/* The suite's shared local cloud, recorded in the state file (global setup starts it, teardown stops it). */

export async function startLocal(): Promise<string> {
  const local = await startLocalProcess();
  writeFileSync(stateFile(), JSON.stringify({ pid: local.pid, dataDir: local.dataDir } satisfies State));
  return local.outputsFile;
}

/** Restarts the shared local cloud in place. Other test files running at the same time see a short outage. */
export async function restartLocal(): Promise<void> {
  const state = readState();
  if (!state) throw new Error('no local cloud to restart');
  const local = await restartLocalProcess({ ...state, outputsFile: join(state.dataDir, 'outputs.json') });
  writeFileSync(stateFile(), JSON.stringify({ pid: local.pid, dataDir: local.dataDir } satisfies State));
}

export async function stopLocal(): Promise<void> {
  const state = readState();
  if (state) await stopLocalProcess(state);
}

/** The shared local cloud's log (every function's output and the gateways'), if it runs. */
export function sharedLogFile(): string | undefined {
  const state = readState();
  return state && join(state.dataDir, 'local-cloud.log');
}

/** Keeps the shared cloud's log (its functions' output) in test-results/, where CI shows its errors. */
export function keepLog(): void {
  const state = readState();
  const log = state && join(state.dataDir, 'local-cloud.log');
  if (!log || !existsSync(log)) return;
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  copyFileSync(log, join(ROOT, 'test-results', 'local-cloud.log'));
}

export function cleanUp(): void {
  const state = readState();
  if (state) rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(stateFile(), { force: true });
}
