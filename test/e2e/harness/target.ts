import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { teamIdFor, userIdFor } from '../../../lambdas/edge/identity';

/*
 * What the e2e tests talk to, from an outputs file in `cdk deploy --outputs-file` format
 * (E2E_OUTPUTS_FILE; global setup sets it for the local cloud).
 */

export interface Target {
  httpApiUrl: string;
  webSocketUrl: string;
  mediaUrl: string;
  /** Local cloud only: direct access to the table and store, for tests that write below the API. */
  local?: { dynamoDbEndpoint: string; tableName: string; s3Endpoint: string; bucket: string };
}

export const targetName = () => process.env.E2E_TARGET ?? 'local';
export const isLocal = () => targetName() === 'local';

/** Read on every call: the local cloud may have been restarted. */
export function target(): Target {
  const file = process.env.E2E_OUTPUTS_FILE;
  if (!file || !existsSync(file)) throw new Error('E2E_OUTPUTS_FILE is not set or missing; run through `jest --selectProjects e2e`');
  const outputs = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>).TeamChat;
  if (!outputs) throw new Error(`${file} has no TeamChat stack outputs`);
  const t: Target = { httpApiUrl: outputs.HttpApiUrl.replace(/\/$/, ''), webSocketUrl: outputs.WebSocketUrl, mediaUrl: outputs.MediaUrl };
  const localFile = join(dirname(file), 'local-endpoints.json');
  if (isLocal() && existsSync(localFile)) {
    const l = JSON.parse(readFileSync(localFile, 'utf8')) as { DynamoDbEndpoint: string; TableName: string; S3Endpoint: string; Bucket: string };
    t.local = { dynamoDbEndpoint: l.DynamoDbEndpoint, tableName: l.TableName, s3Endpoint: l.S3Endpoint, bucket: l.Bucket };
  }
  return t;
}

export interface Session {
  token: string;
  userId: string;
  teamId: string;
}

/** Claims to set over the local issuer's, or with null to remove (local cloud only). */
export type ClaimOverrides = Record<string, string | number | boolean | string[] | null>;

/**
 * A signed-in user. Local: the local issuer's POST /dev/token (any user, any team; a negative
 * `expiresIn` gives an expired token; `claims` sets or removes claims, for tokens that must be
 * refused). AWS/LocalStack: tokens must come from Cognito test users, provided as
 * E2E_TOKENS='{"alice":"<id token>", ...}'; ids are derived from the token's claims.
 */
export async function signIn(user: string, team?: string, opts: { expiresIn?: number; claims?: ClaimOverrides } = {}): Promise<Session> {
  if (!isLocal()) {
    if (opts.claims) throw new Error('signIn: claims can only be set on the local issuer');
    return process.env.E2E_TOKEN_BROKER ? tokenFromBroker(process.env.E2E_TOKEN_BROKER, user, team) : tokenFromEnvironment(user);
  }
  const response = await fetch(`${target().httpApiUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user,
      ...(team ? { team } : {}),
      ...(opts.expiresIn !== undefined ? { expires_in: opts.expiresIn } : {}),
      ...(opts.claims ? { claims: opts.claims } : {}),
    }),
  });
  const body = (await response.json()) as { ok: boolean; token: string; user_id: string; team_id: string };
  if (!body.ok) throw new Error(`/dev/token failed for ${user}: ${JSON.stringify(body)}`);
  return { token: body.token, userId: body.user_id, teamId: body.team_id };
}

/**
 * The emulator target's broker (test/e2e/targets/emulator/token-broker.ts) makes a Cognito user per
 * (user, team) with the admin API and returns its ID token, so each test's workspaces stay its own.
 */
async function tokenFromBroker(broker: string, user: string, team: string | undefined): Promise<Session> {
  const response = await fetch(`${broker}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, team: team ?? process.env.E2E_DEFAULT_TEAM ?? 'default' }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(`token broker: no token for "${user}": ${body.error ?? response.status}`);
  return sessionOf(body.token);
}

function tokenFromEnvironment(user: string): Session {
  const tokens = JSON.parse(process.env.E2E_TOKENS ?? '{}') as Record<string, string>;
  const token = tokens[user];
  if (!token) throw new Error(`E2E_TARGET=${targetName()}: no token for "${user}"; create Cognito test users and pass their ID tokens as E2E_TOKENS='{"${user}":"<jwt>"}'`);
  return sessionOf(token);
}

function sessionOf(token: string): Session {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>;
  const teamId = teamIdFor(claims.team ?? claims['custom:team'] ?? process.env.E2E_DEFAULT_TEAM ?? 'default');
  return { token, userId: userIdFor(teamId, claims.sub), teamId };
}

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response fields
  body: any;
  headers: Headers;
}

/** Calls `/api/<method>`: JSON POST by default, a form POST with `form`, or GET with query arguments with `get`. */
export async function api(token: string | undefined, method: string, args: Record<string, unknown> = {}, opts: { form?: boolean; get?: boolean } = {}): Promise<ApiResponse> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const strings = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const url = `${target().httpApiUrl}/api/${method}`;
  const response = opts.get
    ? await fetch(`${url}?${new URLSearchParams(strings)}`, { headers: auth })
    : await fetch(url, {
        method: 'POST',
        headers: { ...auth, 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: opts.form ? new URLSearchParams(strings).toString() : JSON.stringify(args),
      });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}
