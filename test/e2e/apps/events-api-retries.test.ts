import { createHmac } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startLocalProcess, stopLocalProcess, type LocalProcess } from '../harness/local-process';
import { isLocal } from '../harness/target';
import { call, eventually, newTeam, person, sleep, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';
import type { InstalledApp } from '../../../lambdas/core/apps';

/*
 * Slack's later Events API tries and its disabling of failing apps, on a PRIVATE local cloud whose
 * functions get short retry delays and a small minimum volume (LOCAL_FUNCTION_ENV): the delayed
 * tries go through the template's SQS retry queue (DelaySeconds) and its event source, as deployed.
 * The apps are bare servers on 127.0.0.1 that check every request's signature by Slack's recipe.
 */

const DELAYS = [1, 2, 3];
const MIN_ATTEMPTS = 8;
const FUNCTION_ENV = {
  APP_RETRY_1_DELAY_SECONDS: String(DELAYS[0]),
  APP_RETRY_2_DELAY_SECONDS: String(DELAYS[1]),
  APP_RETRY_3_DELAY_SECONDS: String(DELAYS[2]),
  APP_DISABLE_MIN_ATTEMPTS: String(MIN_ATTEMPTS),
};
const localOnly = isLocal() ? describe : describe.skip;

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
  signed: boolean;
}

/** A bare Events API app: answers the challenge, records every signed event, and answers events with `respond`. */
async function startApp(secret: () => string, respond: (r: Received, res: ServerResponse) => void): Promise<{ server: Server; url: string; events: Received[] }> {
  const events: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-slack-request-timestamp']);
      const expected = `v0=${createHmac('sha256', secret()).update(`v0:${ts}:${raw}`).digest('hex')}`;
      const body = JSON.parse(raw) as Record<string, any>;
      const r: Received = { at: Date.now(), headers: req.headers, body, signed: req.headers['x-slack-signature'] === expected };
      if (body.type === 'url_verification') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body.challenge }));
      events.push(r);
      respond(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, events };
}

const close = (server: Server) => new Promise((r) => {
  server.closeAllConnections();
  server.close(r);
});

localOnly('apps: Events API retries spread over time, and a failing app disabled (private local cloud)', () => {
  let own: LocalProcess;
  const shared = process.env.E2E_OUTPUTS_FILE;
  let alice: Person;
  let channel: string;
  const team = newTeam();

  beforeAll(async () => {
    own = await startLocalProcess({ env: { LOCAL_FUNCTION_ENV: JSON.stringify(FUNCTION_ENV), LOCAL_MAX_INSTANCES: '4' } });
    process.env.E2E_OUTPUTS_FILE = own.outputsFile;
    const log = readFileSync(join(own.dataDir, 'local-cloud.log'), 'utf8');
    expect(log).toMatch(/queue \S*Retries\S* → \S*RetryHandler/);
    alice = await person('alice', team);
    channel = (await call(alice.token, 'conversations.create', { name: `retries-${Date.now()}` })).channel.id;
  }, 180_000);

  afterAll(async () => {
    process.env.E2E_OUTPUTS_FILE = shared;
    if (own) {
      await stopLocalProcess(own);
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  async function install(name: string, url: string): Promise<InstalledApp> {
    const installed = await installTestApp(team, manifest(name, { scopes: ['chat:write', 'channels:history'], events: ['message.channels'] }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    await adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', url]);
    return installed;
  }

  it('a failed delivery is tried again with X-Slack-Retry-Num 1, 2, 3 after the configured delays, the same event, signed each time', async () => {
    let installed: InstalledApp | undefined;
    const app = await startApp(() => installed?.signing_secret ?? '', (r, res) => {
      // The first try and the first two retries fail; the third retry succeeds.
      if (r.headers['x-slack-retry-num'] === '3') return void res.writeHead(200).end();
      res.writeHead(500).end();
    });
    try {
      installed = await install('retrybot', app.url);
      const text = `retry me ${Date.now()}`;
      await call(alice.token, 'chat.postMessage', { channel, text });
      const ofMessage = () => app.events.filter((r) => r.body.event?.text === text);
      await eventually(async () => (ofMessage().length >= 4 ? true : undefined), 30_000);
      await sleep(DELAYS[0] * 1000 + 1500);
      const tries = ofMessage();
      expect(tries).toHaveLength(4);
      expect(tries.map((t) => t.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2', '3']);
      expect(tries.slice(1).map((t) => t.headers['x-slack-retry-reason'])).toEqual(['http_error', 'http_error', 'http_error']);
      expect(tries.every((t) => t.signed)).toBe(true);
      expect(new Set(tries.map((t) => t.body.event_id)).size).toBe(1);
      // Each retry waits its delay (SQS DelaySeconds) after the failure before it.
      for (let i = 1; i < 4; i++) expect(tries[i].at - tries[i - 1].at).toBeGreaterThanOrEqual(DELAYS[i - 1] * 1000 - 100);
      // 3 of its 4 tries failed: 75%, not disabled.
      const listed = (await adminCommand(['list', '--team', team])) as { apps: Array<Record<string, unknown>> };
      expect(listed.apps.find((a) => a.app_id === installed?.app_id)?.events_disabled_at).toBeUndefined();
    } finally {
      await close(app.server);
    }
  }, 60_000);

  it('an app that answers X-Slack-No-Retry: 1 gets no retry', async () => {
    let installed: InstalledApp | undefined;
    const app = await startApp(() => installed?.signing_secret ?? '', (_r, res) => void res.writeHead(503, { 'x-slack-no-retry': '1' }).end());
    try {
      installed = await install('noretry', app.url);
      const text = `no retry ${Date.now()}`;
      await call(alice.token, 'chat.postMessage', { channel, text });
      const ofMessage = () => app.events.filter((r) => r.body.event?.text === text);
      await eventually(async () => (ofMessage().length >= 1 ? true : undefined), 20_000);
      // Past the first two retries' delays: none came.
      await sleep((DELAYS[0] + DELAYS[1]) * 1000 + 2000);
      expect(ofMessage()).toHaveLength(1);
      expect(ofMessage()[0].signed).toBe(true);
    } finally {
      await close(app.server);
    }
  }, 60_000);

  it('an app failing every delivery is disabled past the minimum volume and gets no more events; `enable` brings them back', async () => {
    let installed: InstalledApp | undefined;
    let failing = true;
    const app = await startApp(() => installed?.signing_secret ?? '', (_r, res) => void res.writeHead(failing ? 500 : 200).end());
    const isDisabled = async () => {
      const listed = (await adminCommand(['list', '--team', team])) as { apps: Array<Record<string, unknown>> };
      return listed.apps.find((a) => a.app_id === installed?.app_id)?.events_disabled_at !== undefined;
    };
    try {
      installed = await install('failing', app.url);
      // Two messages: 2 × (1 try + 3 retries) = 8 failed tries, the minimum volume.
      await call(alice.token, 'chat.postMessage', { channel, text: `fail 1 ${Date.now()}` });
      await call(alice.token, 'chat.postMessage', { channel, text: `fail 2 ${Date.now()}` });
      await eventually(async () => ((await isDisabled()) ? true : undefined), 40_000, 500);
      expect(app.events.length).toBeGreaterThanOrEqual(MIN_ATTEMPTS);

      // Disabled: a new event is not sent at all.
      failing = false;
      const skipped = `while disabled ${Date.now()}`;
      await call(alice.token, 'chat.postMessage', { channel, text: skipped });
      await sleep(4000);
      expect(app.events.filter((r) => r.body.event?.text === skipped)).toEqual([]);

      expect(await adminCommand(['enable', '--team', team, '--app', installed.app_id])).toEqual({ enabled: true, was_disabled: true });
      expect(await isDisabled()).toBe(false);
      const back = `enabled again ${Date.now()}`;
      await call(alice.token, 'chat.postMessage', { channel, text: back });
      const delivered = await eventually(async () => app.events.find((r) => r.body.event?.text === back), 20_000);
      expect(delivered.signed).toBe(true);
      expect(delivered.headers['x-slack-retry-num']).toBeUndefined();
    } finally {
      await close(app.server);
    }
  }, 90_000);
});
