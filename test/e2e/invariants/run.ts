import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { restartLocalProcess, startLocalProcess, stopLocalProcess, type LocalProcess } from '../harness/local-process';
import { waitForStreamDrain } from '../harness/stream-drain';
import { ChaosDevice, seeded, sleep, type Endpoints, type SendRecord } from './chaos-client';
import { check, type Figures, type HistoryMessage, type Violation } from './checker';

/*
 * One chaos run against a PRIVATE local cloud: users × devices in a few channels send concurrently
 * while faults are injected (and, optionally, the cloud is killed and restarted half-way); then
 * faults go off, the stream drains, every device syncs once more, history is read, and the
 * checker (./checker.ts) judges what every client recorded. Figures go to the log and to
 * test-results/invariants-<mode>.json.
 */

export interface ChaosSettings {
  mode: string;
  users: number;
  devicesPerUser: number;
  channels: number;
  /** Traffic time, not counting setup, restart and the final checks. */
  seconds: number;
  seed: number;
  /** Kill (SIGKILL) and restart the cloud once, half-way. */
  restart: boolean;
  /** Fault rates during traffic (local/dev/faults.ts). clockSkewMs applies to every function instance for the whole run. */
  faults: Record<string, number>;
  /** Each device waits this long (uniform, ms) between its sends. */
  pauseMs: [number, number];
  /** Share of send attempts that go over HTTP instead of the WebSocket. */
  httpShare: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  settings: Omit<ChaosSettings, 'log'>;
  figures: Figures;
  faultsInjected: Record<string, number>;
  eventSource: { received: number; delivered: number; discarded: number; fanoutErrors: number; fanoutInvocations: number };
  devices: { reconnects: number; syncPasses: number; syncErrors: number };
  durationSeconds: number;
  violations: Violation[];
}

const ROOT = resolve(__dirname, '../../..');

function endpointsOf(local: LocalProcess): Endpoints {
  const outputs = (JSON.parse(readFileSync(local.outputsFile, 'utf8')) as { TeamChat: { HttpApiUrl: string; WebSocketUrl: string } }).TeamChat;
  return { httpApiUrl: outputs.HttpApiUrl, webSocketUrl: outputs.WebSocketUrl };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
async function post(url: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return response.json();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
async function stats(e: Endpoints): Promise<any> {
  return (await fetch(`${e.httpApiUrl}/dev/stats`)).json();
}

/** The fan-out's event source in /dev/stats (the table's stream has two readers; the figures are the fan-out's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
const fanoutSource = (s: any): { functionId?: string; received?: number; delivered?: number; discarded?: number } =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers
  (s.eventSources ?? []).find((e: any) => String(e.functionId ?? '').startsWith('FanoutHandler')) ?? {};

const addCounts = (into: Record<string, number>, from: Record<string, number> = {}) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

export async function runChaos(settings: ChaosSettings): Promise<ChaosReport> {
  const { log } = settings;
  const started = Date.now();
  const random = seeded(settings.seed);
  const skewOnly = { seed: settings.seed, ...(settings.faults.clockSkewMs ? { clockSkewMs: settings.faults.clockSkewMs } : {}) };
  // Started with the clock skew only (instances get theirs at start); the rates go on after setup.
  let local = await startLocalProcess({
    env: {
      LOCAL_FAULTS: JSON.stringify(skewOnly),
      // The clients send faster than a person: the per-user message bucket is not what is tested here.
      LOCAL_FUNCTION_ENV: JSON.stringify({ RATE_MESSAGE_PER_SECOND: '50', RATE_MESSAGE_BURST: '200', RATE_API_PER_SECOND: '200', RATE_API_BURST: '500' }),
    },
  });
  let endpoints = endpointsOf(local);
  log(`chaos: private local cloud ${local.dataDir} (pid ${local.pid}), ${settings.users} users × ${settings.devicesPerUser} devices, ${settings.channels} channels, ${settings.seconds} s, seed ${settings.seed}`);
  const faultsInjected: Record<string, number> = {};
  const eventSourceBefore = { received: 0, delivered: 0, discarded: 0, fanoutErrors: 0, fanoutInvocations: 0 };
  const devices: ChaosDevice[] = [];
  try {
    const team = `chaos-${settings.seed}-${Date.now().toString(36)}`;
    const users = await Promise.all(
      Array.from({ length: settings.users }, async (_, i) => {
        const signed = await post(`${endpoints.httpApiUrl}/dev/token`, { user: `user${i}`, team, expires_in: 6 * 3600 });
        await post(`${endpoints.httpApiUrl}/api/auth.test`, {}, signed.token);
        return { name: `user${i}`, token: String(signed.token), userId: String(signed.user_id) };
      }),
    );
    const members = new Map<string, string[]>();
    for (let c = 0; c < settings.channels; c++) {
      const creator = users[c % users.length];
      const created = await post(`${endpoints.httpApiUrl}/api/conversations.create`, { name: `chaos-${c}` }, creator.token);
      if (!created.ok) throw new Error(`conversations.create: ${JSON.stringify(created)}`);
      const channel = String(created.channel.id);
      const joined = [creator.name];
      for (const u of users) {
        if (u === creator || random() > 0.75) continue;
        const join = await post(`${endpoints.httpApiUrl}/api/conversations.join`, { channel }, u.token);
        if (!join.ok) throw new Error(`conversations.join: ${JSON.stringify(join)}`);
        joined.push(u.name);
      }
      members.set(channel, joined);
    }
    for (const u of users) for (let d = 0; d < settings.devicesPerUser; d++) devices.push(new ChaosDevice(u.name, `${u.name}-d${d}`, u.token, () => endpoints));
    await Promise.all(devices.map((d) => d.start()));
    log(`chaos: ${devices.length} devices online; channels ${[...members].map(([c, m]) => `${c}(${m.length})`).join(' ')}`);

    const setRates = async () => {
      const answer = await post(`${endpoints.httpApiUrl}/dev/faults`, { ...settings.faults, seed: settings.seed });
      if (!answer.ok) throw new Error(`/dev/faults: ${JSON.stringify(answer)}`);
    };
    await setRates();

    // Traffic: every device sends, one message at a time, until the end; retries are the device's.
    const sends: SendRecord[] = [];
    const endAt = Date.now() + settings.seconds * 1000;
    let counter = 0;
    const traffic = devices.map(async (device) => {
      const mine = [...members].filter(([, m]) => m.includes(device.user)).map(([c]) => c);
      if (mine.length === 0) return;
      const rnd = seeded(settings.seed + devices.indexOf(device) + 1);
      while (Date.now() < endAt) {
        const record: SendRecord = { user: device.user, device: device.deviceId, channel: mine[Math.floor(rnd() * mine.length)], clientMsgId: `${device.deviceId}-${++counter}-${settings.seed}`, attempts: 0, errors: {}, gaveUp: false };
        sends.push(record);
        await device.send(record, `chaos ${record.clientMsgId}`, Date.now() + 60_000, () => rnd() < settings.httpShare);
        await sleep(settings.pauseMs[0] + rnd() * (settings.pauseMs[1] - settings.pauseMs[0]));
      }
    });

    if (settings.restart) {
      await sleep((settings.seconds * 1000) / 2);
      const before = await stats(endpoints);
      addCounts(faultsInjected, before.faults?.injected);
      const es = fanoutSource(before);
      const fn = Object.entries(before.functions ?? {}).find(([id]) => id === es.functionId)?.[1] as { errors?: number; invocations?: number } | undefined;
      addCounts(eventSourceBefore, { received: es.received ?? 0, delivered: es.delivered ?? 0, discarded: es.discarded ?? 0, fanoutErrors: fn?.errors ?? 0, fanoutInvocations: fn?.invocations ?? 0 });
      log('chaos: killing the local cloud (SIGKILL; DynamoDB Local stops cleanly) and restarting it on the same data dir');
      const down = Date.now();
      local = await restartLocalProcess(local, { kill: true });
      endpoints = endpointsOf(local);
      await setRates();
      faultsInjected.restart = (faultsInjected.restart ?? 0) + 1;
      log(`chaos: back after ${((Date.now() - down) / 1000).toFixed(1)} s`);
    }
    await Promise.all(traffic);
    log(`chaos: traffic done (${sends.length} sends); faults off, reconciling, draining`);

    // Faults off (instances keep their clock offsets), then what the run left open is finished.
    await post(`${endpoints.httpApiUrl}/dev/faults`, {});
    await Promise.all(
      sends.filter((s) => !s.ackTs).map((s) => {
        const device = devices.find((d) => d.deviceId === s.device) as ChaosDevice;
        s.gaveUp = false;
        return device.send(s, `chaos ${s.clientMsgId}`, Date.now() + 180_000, () => false);
      }),
    );
    await waitForStreamDrain(endpoints.httpApiUrl);
    // Then wait out the sync settle window (5 s).
    await sleep(6000);
    await Promise.all(devices.map((d) => d.finalSync()));

    // History of every channel, all pages, read by a member.
    const history = new Map<string, HistoryMessage[]>();
    for (const [channel, names] of members) {
      const reader = users.find((u) => u.name === names[0]) as (typeof users)[number];
      const messages: HistoryMessage[] = [];
      let cursor = '';
      for (let page = 0; page < 1000; page++) {
        const body = await post(`${endpoints.httpApiUrl}/api/conversations.history`, { channel, limit: 999, ...(cursor ? { cursor } : {}) }, reader.token);
        if (!body.ok) throw new Error(`conversations.history: ${JSON.stringify(body)}`);
        messages.push(...(body.messages as HistoryMessage[]));
        cursor = body.response_metadata?.next_cursor ?? '';
        if (!body.has_more || !cursor) break;
      }
      history.set(channel, messages);
    }

    const after = await stats(endpoints);
    addCounts(faultsInjected, after.faults?.injected);
    const es = fanoutSource(after);
    const fn = Object.entries(after.functions ?? {}).find(([id]) => id === es.functionId)?.[1] as { errors?: number; invocations?: number } | undefined;
    const eventSource = {
      received: eventSourceBefore.received + (es.received ?? 0),
      delivered: eventSourceBefore.delivered + (es.delivered ?? 0),
      discarded: eventSourceBefore.discarded + (es.discarded ?? 0),
      fanoutErrors: eventSourceBefore.fanoutErrors + (fn?.errors ?? 0),
      fanoutInvocations: eventSourceBefore.fanoutInvocations + (fn?.invocations ?? 0),
    };

    const userOf = new Map(users.map((u) => [u.name, u]));
    const { figures, violations } = check({
      sends,
      devices: devices.map((d) => ({ user: d.user, deviceId: d.deviceId, recorded: d.recorded })),
      members: new Map([...members].map(([c, names]) => [c, names.map((n) => (userOf.get(n) as (typeof users)[number]).name)])),
      history,
    });
    const { log: _log, ...plain } = settings;
    const report: ChaosReport = {
      settings: plain,
      figures,
      faultsInjected,
      eventSource,
      devices: {
        reconnects: devices.reduce((n, d) => n + d.reconnects, 0),
        syncPasses: devices.reduce((n, d) => n + d.passes, 0),
        syncErrors: devices.reduce((n, d) => n + d.syncErrors, 0),
      },
      durationSeconds: Math.round((Date.now() - started) / 1000),
      violations: violations.slice(0, 200),
    };
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    const file = join(ROOT, 'test-results', `invariants-${settings.mode}.json`);
    writeFileSync(file, JSON.stringify({ ...report, violationCount: violations.length }, null, 2));
    log(`chaos: figures ${JSON.stringify(figures)}`);
    log(`chaos: faults injected ${JSON.stringify(faultsInjected)}; event source ${JSON.stringify(eventSource)}; devices ${JSON.stringify(report.devices)}`);
    log(`chaos: ${violations.length} violation(s)${violations.length ? `, first: ${violations.slice(0, 10).map((v) => `${v.kind}: ${v.detail}`).join(' | ')}` : ''}; report in ${file}`);
    return report;
  } finally {
    await Promise.all(devices.map((d) => d.stop()));
    await stopLocalProcess(local);
    if (process.env.CHAOS_KEEP !== '1') rmSync(local.dataDir, { recursive: true, force: true });
    else log(`chaos: data dir kept: ${local.dataDir} (fanout-failures.jsonl, local-cloud.log)`);
  }
}
