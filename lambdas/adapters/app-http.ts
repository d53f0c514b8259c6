import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { optionalVariable } from '../config/env';
import { BINDINGS } from '../config/settings';

/*
 * Requests to apps' own URLs (the Events API, URL verification): signed as Slack signs them, bounded
 * (3 s, Slack's timeout; at most 64 KiB of answer read; no redirects followed), and refused for
 * addresses inside the deployment's network (private, loopback, link-local, unique-local, the
 * metadata service) unless the deployment allows them: the local cloud allows 127.0.0.1 only.
 */

export const APP_REQUEST_TIMEOUT_MS = 3000;
const MAX_ANSWER_BYTES = 64 * 1024;

/** Slack's request signature: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const allowedAddresses = (): Set<string> =>
  new Set((optionalVariable(BINDINGS.appUrlAllowedAddresses) ?? '').split(',').map((a) => a.trim()).filter(Boolean));

/** Whether an address is inside a network (not the public internet). */
export function isInternalAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19)) || a >= 224;
  }
  const v6 = address.toLowerCase();
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe8') || v6.startsWith('fe9') ||
    v6.startsWith('fea') || v6.startsWith('feb') || v6.startsWith('ff');
}

export class RefusedUrl extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RefusedUrl';
  }
}

/** Refuses a URL that is not http(s) or whose host resolves to an internal address the deployment does not allow. */
export async function checkAppUrl(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedUrl('not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new RefusedUrl('not http(s)');
  if (parsed.username || parsed.password) throw new RefusedUrl('credentials in the URL');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const allowed = allowedAddresses();
  const refused = addresses.find((a) => isInternalAddress(a) && !allowed.has(a));
  if (refused !== undefined || addresses.length === 0) throw new RefusedUrl('resolves to an internal address');
}

export interface AppAnswer {
  status: number;
  /** The answer's text, at most 64 KiB of it. */
  text: string;
}

/** Why a request failed, in Slack's `X-Slack-Retry-Reason` words. */
export type FailureReason = 'http_timeout' | 'connection_failed' | 'http_error' | 'too_many_redirects';

export class AppRequestFailed extends Error {
  /** The app answered `X-Slack-No-Retry: 1`: this request is not to be tried again. */
  noRetry = false;
  constructor(readonly reason: FailureReason, readonly status?: number) {
    super(status ? `${reason} (${status})` : reason);
    this.name = 'AppRequestFailed';
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES);
}

/**
 * POSTs a JSON body to an app, signed with its secret. Throws AppRequestFailed with Slack's retry
 * reason for a timeout, a refused connection, a redirect or a non-2xx answer; RefusedUrl for a URL it may not reach.
 */
export async function postToApp(url: string, signingSecret: string, body: string, headers: Record<string, string> = {}): Promise<AppAnswer> {
  await checkAppUrl(url);
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(APP_REQUEST_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(signingSecret, timestamp, body),
        ...headers,
      },
      body,
    });
  } catch (error) {
    const name = (error as Error).name;
    throw new AppRequestFailed(name === 'TimeoutError' || name === 'AbortError' ? 'http_timeout' : 'connection_failed');
  }
  let text: string;
  try {
    text = await readBounded(response);
  } catch {
    throw new AppRequestFailed('http_timeout');
  }
  if (response.status >= 300 && response.status < 400) throw new AppRequestFailed('too_many_redirects', response.status);
  if (response.status < 200 || response.status > 299) {
    const failed = new AppRequestFailed('http_error', response.status);
    failed.noRetry = response.headers.get('x-slack-no-retry') === '1';
    throw failed;
  }
  return { status: response.status, text };
}
