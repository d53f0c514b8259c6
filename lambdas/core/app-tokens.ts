import { createHash, randomBytes } from 'node:crypto';

/*
 * Tokens issued to apps, in Slack's shapes: `xoxb-` bot tokens (the Web API), `xapp-` app-level
 * tokens (apps.connections.open), `xsmt-` one-time Socket Mode tickets (the WebSocket URL). Each
 * carries 256 random bits; only its SHA-256 is stored, so the table never holds a usable token.
 */

export type AppTokenKind = 'bot' | 'app';

const PREFIX = { bot: 'xoxb-', app: 'xapp-' } as const;
export const TICKET_PREFIX = 'xsmt-';

export const newAppToken = (kind: AppTokenKind): string => `${PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
export const newSocketTicket = (): string => `${TICKET_PREFIX}${randomBytes(32).toString('base64url')}`;
/** An incoming webhook's secret: the last part of its URL, as in Slack's `T…/B…/<secret>`. */
export const newWebhookSecret = (): string => randomBytes(24).toString('base64url');
export const newSigningSecret = (): string => randomBytes(16).toString('hex');

export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The kind of app token a presented string claims to be (its prefix), or undefined for anything else (a JWT). */
export function appTokenKind(token: string): AppTokenKind | undefined {
  if (token.startsWith(PREFIX.bot)) return 'bot';
  if (token.startsWith(PREFIX.app)) return 'app';
  return undefined;
}
