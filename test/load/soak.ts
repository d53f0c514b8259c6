import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WsClient } from '../clients/ws-client';
import { startLocalProcess, stopLocalProcess, synth, type LocalProcess } from '../e2e/harness/local-process';

/*
 * `npm run soak`: a bounded load and soak run against a PRIVATE local cloud (not part of npm test).
 * Holds SOAK_CONNECTIONS WebSocket connections (default 2000: SOAK_USERS users × their devices) in
 * SOAK_CHANNELS channels, sends SOAK_RATE messages per second (HTTP chat.postMessage, random member)
 * for SOAK_MINUTES minutes, and reports messages per second, send→receive latency percentiles per
 * recipient connection, errors, and the RSS of the local cloud, DynamoDB Local and this generator at
 * start and end. SOAK_SKIP_SYNTH=1 uses the last cdk.out. Report: test-results/soak.json.
 */

const ROOT = resolve(__dirname, '../..');
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTIONS = num('SOAK_CONNECTIONS', 2000);
const USERS = num('SOAK_USERS', 200);
const CHANNELS = num('SOAK_CHANNELS', 100);
const RATE = num('SOAK_RATE', 20);
const MINUTES = num('SOAK_MINUTES', 3);
const CONNECT_CONCURRENCY = num('SOAK_CONNECT_CONCURRENCY', 50);
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Memory {
  localCloudMb: number;
  dynamoDbLocalMb: number;
  generatorMb: number;
}

/** RSS of the cloud's node process and its java child (the process group of the child), and ours. */
function memory(local: LocalProcess): Memory {
  const rows = execFileSync('ps', ['-o', 'rss=,args=', '-g', String(local.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => ({ rssKb: Number(l.split(/\s+/)[0]), args: l.replace(/^\d+\s+/, '') }));
  const sum = (pred: (a: string) => boolean) => Math.round(rows.filter((r) => pred(r.args)).reduce((n, r) => n + r.rssKb, 0) / 1024);
  return {
    localCloudMb: sum((a) => a.includes('local/start.ts') && !a.startsWith('npm') && !a.startsWith('sh ')),
    dynamoDbLocalMb: sum((a) => a.startsWith('java')),
    generatorMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
async function post(url: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return response.json();
}

/** Waits until the stream poller has nothing new and the fan-out is idle (three quiet polls). */
async function drained(http: string, maxMs: number): Promise<void> {
  let last = '';
  let quiet = 0;
  for (const deadline = Date.now() + maxMs; quiet < 3 && Date.now() < deadline; ) {
    await sleep(2000);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON
    const s = (await (await fetch(`${http}/dev/stats`)).json()) as any;
    const es = s.eventSources?.[0] ?? {};
    const now = `${es.received}/${es.delivered}`;
    quiet = now === last && Number(s.functions?.[es.functionId]?.inFlight ?? 0) === 0 ? quiet + 1 : 0;
    last = now;
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function main(): Promise<void> {
  if (process.env.SOAK_SKIP_SYNTH !== '1') synth();
  const devicesPerUser = Math.ceil(CONNECTIONS / USERS);
  const local = await startLocalProcess({
    env: {
      LOCAL_FUNCTION_ENV: JSON.stringify({ MAX_CONNECTIONS_PER_USER: String(devicesPerUser + 5), RATE_MESSAGE_PER_SECOND: '100', RATE_MESSAGE_BURST: '500', RATE_API_PER_SECOND: '500', RATE_API_BURST: '1000' }),
      LOCAL_MAX_INSTANCES: process.env.LOCAL_MAX_INSTANCES ?? '16',
    },
  });
  const outputs = (JSON.parse(readFileSync(local.outputsFile, 'utf8')) as { TeamChat: { HttpApiUrl: string; WebSocketUrl: string } }).TeamChat;
  const http = outputs.HttpApiUrl;
  const sockets: WsClient[] = [];
  const errors = { handshake: 0, unexpectedClose: 0, sendFailed: 0, sendTimeout: 0 };
  try {
    log(`soak: private local cloud ${local.dataDir}; ${CONNECTIONS} connections (${USERS} users × ${devicesPerUser}), ${CHANNELS} channels, ${RATE} msg/s for ${MINUTES} min`);
    const team = `soak-${Date.now().toString(36)}`;
    const users: { name: string; token: string; channel: string }[] = [];
    await inParallel(Array.from({ length: USERS }, (_, i) => i), 20, async (i) => {
      const signed = await post(`${http}/dev/token`, { user: `soak${i}`, team, expires_in: 6 * 3600 });
      await post(`${http}/api/auth.test`, {}, signed.token);
      users[i] = { name: `soak${i}`, token: signed.token, channel: '' };
    });
    const channels: string[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const created = await post(`${http}/api/conversations.create`, { name: `soak-${c}` }, users[c % USERS].token);
      if (!created.ok) throw new Error(`conversations.create: ${JSON.stringify(created)}`);
      channels.push(created.channel.id);
    }
    // Each user in one channel (users spread evenly), so a message reaches USERS/CHANNELS users' devices.
    await inParallel(users.map((u, i) => ({ u, i })), 20, async ({ u, i }) => {
      u.channel = channels[i % CHANNELS];
      if (i >= CHANNELS) {
        const joined = await post(`${http}/api/conversations.join`, { channel: u.channel }, u.token);
        if (!joined.ok) throw new Error(`conversations.join: ${JSON.stringify(joined)}`);
      }
    });

    const latencies: number[] = [];
    const sentAt = new Map<string, number>();
    let received = 0;
    let frames = 0;
    const connectStarted = Date.now();
    const targets = users.flatMap((u) => Array.from({ length: devicesPerUser }, (_, d) => ({ u, d }))).slice(0, CONNECTIONS);
    await inParallel(targets, CONNECT_CONCURRENCY, async ({ u, d }) => {
      const client = await WsClient.open(`${outputs.WebSocketUrl}?${new URLSearchParams({ token: u.token, device_id: `${u.name}-${d}` })}`, {
        keepEvents: false,
        onEvent: (frame) => {
          frames++;
          if (frame.type !== 'message' || frame.subtype || !frame.client_msg_id) return;
          const at = sentAt.get(String(frame.client_msg_id));
          if (at === undefined) return;
          received++;
          latencies.push(Date.now() - at);
        },
      }).catch(() => void errors.handshake++);
      if (!client) return;
      sockets.push(client);
      void client.closed.then(() => {
        if (!closing) errors.unexpectedClose++;
      });
    });
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    log(`soak: ${sockets.length} connections open in ${connectSeconds.toFixed(1)} s (${errors.handshake} handshake failures)`);
    // The joins' events are still fanning out: start the steady rate once the fan-out is idle.
    await drained(http, 300_000);
    const memStart = memory(local);

    // Steady rate: one send every 1/RATE s, each from a random user to their channel; not waiting for the previous.
    const endAt = Date.now() + MINUTES * 60_000;
    const sendStarted = Date.now();
    let sent = 0;
    let acked = 0;
    const expectedPerMessage = new Map(channels.map((c) => [c, 0]));
    const inFlight: Promise<void>[] = [];
    for (let i = 0; Date.now() < endAt; i++) {
      const due = sendStarted + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const u = users[Math.floor(Math.random() * users.length)];
      const id = `soak-${i}`;
      sentAt.set(id, Date.now());
      sent++;
      expectedPerMessage.set(u.channel, (expectedPerMessage.get(u.channel) ?? 0) + 1);
      inFlight.push(
        post(`${http}/api/chat.postMessage`, { channel: u.channel, text: `soak ${i}`, client_msg_id: id }, u.token).then(
          (body) => (body.ok ? void acked++ : void errors.sendFailed++),
          () => void errors.sendTimeout++,
        ),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    // The last deliveries: until nothing more arrives for 5 s (at most 2 minutes).
    const drainStarted = Date.now();
    for (let before = -1; received !== before && Date.now() - drainStarted < 120_000; ) {
      before = received;
      await sleep(5000);
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const memEnd = memory(local);
    // Expected deliveries: every message to every open connection of its channel's members.
    const socketsPerChannel = new Map<string, number>();
    targets.forEach((t, i) => i < sockets.length && socketsPerChannel.set(t.u.channel, (socketsPerChannel.get(t.u.channel) ?? 0) + 1));
    const expected = [...expectedPerMessage].reduce((n, [c, m]) => n + m * (socketsPerChannel.get(c) ?? 0), 0);
    const stats = (await (await fetch(`${http}/dev/stats`)).json()) as Record<string, unknown>;
    latencies.sort((a, b) => a - b);
    const report = {
      settings: { connections: CONNECTIONS, users: USERS, devicesPerUser, channels: CHANNELS, rate: RATE, minutes: MINUTES },
      connectionsOpen: sockets.length,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      sent,
      acked,
      messagesPerSecond: Number((acked / sendSeconds).toFixed(1)),
      deliveriesExpected: expected,
      deliveriesReceived: received,
      framesReceived: frames,
      deliveriesPerSecond: Number((received / (sendSeconds + drainSeconds)).toFixed(0)),
      drainSecondsAfterLastSend: Number(drainSeconds.toFixed(1)),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN },
      errors,
      memory: { start: memStart, end: memEnd },
      gateway: stats.gateway,
    };
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results', 'soak.json'), JSON.stringify(report, null, 2));
    log(`soak: ${JSON.stringify(report, null, 2)}`);
  } finally {
    closing = true;
    for (const client of sockets) client.terminate();
    await stopLocalProcess(local);
  }
}

let closing = false;
main().catch((error: Error) => {
  process.stderr.write(`soak failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
