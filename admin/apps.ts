import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postToApp } from '../lambdas/adapters/app-http';
import { createWebhook, enableAppEvents, installApp, listApps, parseManifest, rotateToken, setInteractivityUrl, setRequestUrl, uninstallApp } from '../lambdas/core/apps';
import { table } from '../lambdas/core/ports';

import { stableId } from '../lambdas/core/stable-id';
import { teamIdFor } from '../lambdas/edge/identity';

/*
 * The administrator's tool for apps: whoever holds write access to the table is an administrator
 * (an IAM principal in AWS; anyone on the machine for the local cloud). It talks to the table
 * directly, through the same named access patterns as the functions.
 *
 *   npm run app -- create --team acme --manifest app.json     install; prints the tokens once (JSON)
 *   npm run app -- list   --team acme                         apps, scopes, events, token kinds
 *   npm run app -- set-url --team acme --app A… --url https://…  the Events API URL, once it answers url_verification
 *   npm run app -- set-interactivity-url --team acme --app A… --url https://…  where block actions are POSTed
 *   npm run app -- webhook --team acme --app A… --channel C… [--api-url {HttpApiUrl}]  an incoming webhook URL (shown once)
 *   npm run app -- rotate --team acme --app A… --kind bot|app a new token; the old one stops working
 *   npm run app -- revoke --team acme --app A…                every token revoked, the app removed
 *   npm run app -- enable --team acme --app A…                event delivery on again after it was disabled for failing
 *
 * The table: TABLE_NAME (and the AWS SDK's own settings: AWS_REGION, credentials,
 * AWS_ENDPOINT_URL_DYNAMODB), or else the local cloud's, from `--data-dir` (default .local).
 * `--team` is a workspace name (a token's `team` claim) or a `T…` id.
 */

type Flags = Record<string, string>;

function parseFlags(argv: string[]): { command: string; flags: Flags } {
  const [command = 'help', ...rest] = argv;
  const flags: Flags = {};
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) throw new Error(`unexpected argument ${rest[i]}`);
    flags[rest[i].slice(2)] = rest[i + 1] ?? '';
    i++;
  }
  return { command, flags };
}

/** Points the data-access layer at the table: the environment's, else the local cloud's. */
function useTable(flags: Flags): void {
  if (process.env.TABLE_NAME) return;
  const file = join(resolve(flags['data-dir'] ?? '.local'), 'local-endpoints.json');
  if (!existsSync(file)) throw new Error(`TABLE_NAME is not set and ${file} does not exist (is the local cloud running?)`);
  const local = JSON.parse(readFileSync(file, 'utf8')) as { DynamoDbEndpoint: string; TableName: string };
  Object.assign(process.env, {
    TABLE_NAME: local.TableName,
    AWS_ENDPOINT_URL_DYNAMODB: local.DynamoDbEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER',
    // The local cloud's apps listen on this machine.
    APP_URL_ALLOWED_ADDRESSES: process.env.APP_URL_ALLOWED_ADDRESSES ?? '127.0.0.1',
  });
}

/** The local cloud's HttpApiUrl, from its outputs file (a deployment's comes with --api-url). */
function localApiUrl(flags: Flags): string {
  const file = join(resolve(flags['data-dir'] ?? '.local'), 'outputs.json');
  if (!existsSync(file)) throw new Error('--api-url is required (no local cloud outputs found)');
  return (JSON.parse(readFileSync(file, 'utf8')) as { TeamChat: { HttpApiUrl: string } }).TeamChat.HttpApiUrl;
}

const teamOf = (flags: Flags): string => {
  const team = flags.team;
  if (!team) throw new Error('--team is required');
  return /^T[0-9A-Z]{10}$/.test(team) ? team : teamIdFor(team);
};

const required = (flags: Flags, name: string): string => {
  if (!flags[name]) throw new Error(`--${name} is required`);
  return flags[name];
};

/** Slack's URL verification: the app must echo the challenge (Bolt's receivers do), signed like every event. */
async function verifyRequestUrl(url: string, signingSecret: string, appId: string): Promise<void> {
  const challenge = randomBytes(24).toString('base64url');
  const body = JSON.stringify({ token: stableId('V', 'verification', appId), challenge, type: 'url_verification' });
  const answer = await postToApp(url, signingSecret, body);
  let echoed = answer.text;
  try {
    const parsed = JSON.parse(answer.text) as { challenge?: unknown };
    if (typeof parsed.challenge === 'string') echoed = parsed.challenge;
  } catch {
    // A plain-text answer is the challenge itself.
  }
  if (echoed.trim() !== challenge) throw new Error(`request URL did not answer the url_verification challenge (status ${answer.status})`);
}

export async function runAppCommand(argv: string[]): Promise<unknown> {
  const { command, flags } = parseFlags(argv);
  if (command === 'help') return { usage: 'create|list|set-url|webhook|rotate|revoke|enable --team <name or T…> [--manifest file] [--app A…] [--kind bot|app]' };
  useTable(flags);
  const teamId = teamOf(flags);
  switch (command) {
    case 'create': {
      const manifest = parseManifest(JSON.parse(readFileSync(required(flags, 'manifest'), 'utf8')));
      const installed = await installApp(teamId, manifest);
      if (manifest.requestUrl) {
        try {
          await verifyRequestUrl(manifest.requestUrl, installed.signing_secret, installed.app_id);
        } catch (error) {
          await uninstallApp(teamId, installed.app_id);
          throw error;
        }
      }
      return installed;
    }
    case 'set-url': {
      const appId = required(flags, 'app');
      const app = await table().apps.get(teamId, appId);
      if (!app) throw new Error(`no app ${appId} in workspace ${teamId}`);
      const url = required(flags, 'url');
      await verifyRequestUrl(url, app.signingSecret, appId);
      await setRequestUrl(teamId, appId, url);
      return { request_url: url };
    }
    case 'set-interactivity-url': {
      const url = required(flags, 'url');
      await setInteractivityUrl(teamId, required(flags, 'app'), url);
      return { interactivity: { is_enabled: true, request_url: url } };
    }
    case 'webhook':
      return createWebhook(teamId, required(flags, 'app'), required(flags, 'channel'), flags['api-url'] ?? localApiUrl(flags));
    case 'list':
      return { apps: await listApps(teamId) };
    case 'rotate': {
      const kind = required(flags, 'kind');
      if (kind !== 'bot' && kind !== 'app') throw new Error('--kind is bot or app');
      return { token: await rotateToken(teamId, required(flags, 'app'), kind) };
    }
    case 'enable':
      return { enabled: true, ...(await enableAppEvents(teamId, required(flags, 'app'))) };
    case 'revoke':
      await uninstallApp(teamId, required(flags, 'app'));
      return { revoked: true };
    default:
      throw new Error(`unknown command ${command}`);
  }
}

if (require.main === module) {
  runAppCommand(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ ok: true, ...(result as object) }, null, 2)}\n`);
    },
    (error: Error) => {
      process.stderr.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
      process.exitCode = 1;
    },
  );
}


