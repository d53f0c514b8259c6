import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { teamIdFor, userIdFor } from '../lambdas/edge/identity';

/*
 * The local cloud's identity provider: an RS256 key kept on disk (so tokens survive a restart),
 * a JWKS for verifiers, and tokens shaped like an OIDC issuer's (sub, team, preferred_username...).
 */

export interface IssuedToken {
  token: string;
  userId: string;
  teamId: string;
}

/** A claim value a test may set: what ID and access tokens carry. */
export type ClaimValue = string | number | boolean | string[];

export interface TokenRequest {
  user: string;
  team?: string;
  name?: string;
  /** Seconds until expiry; negative issues an already expired token (for tests). */
  expiresIn?: number;
  /**
   * Claims to set over the issued ones, or with null to remove (for tests of refused tokens, e.g.
   * an access token: `{"token_use":"access","aud":null,"client_id":"<audience>"}`).
   */
  claims?: Record<string, ClaimValue | null>;
}

export class JwtIssuer {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    private readonly kid: string,
    private readonly privateKey: KeyObject,
    private readonly defaultTeam: string,
  ) {}

  /** Loads the issuer key from `keyPath`, or creates and saves one. */
  static open(keyPath: string, options: { issuer: string; audience: string; defaultTeam: string }): JwtIssuer {
    let stored: { kid: string; jwk: JsonWebKey };
    if (existsSync(keyPath)) {
      stored = JSON.parse(readFileSync(keyPath, 'utf8')) as typeof stored;
    } else {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      stored = { kid: randomBytes(8).toString('hex'), jwk: privateKey.export({ format: 'jwk' }) };
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, JSON.stringify(stored), { mode: 0o600 });
    }
    const key = createPrivateKey({ key: stored.jwk, format: 'jwk' });
    return new JwtIssuer(options.issuer, options.audience, stored.kid, key, options.defaultTeam);
  }

  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  jwks(): Jwks {
    const { n = '', e = '' } = createPublicKey(this.privateKey).export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', n, e, kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** A signed token; `userId` and `teamId` are those of the request's user and team, whatever `claims` changed. */
  issue(request: TokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): IssuedToken {
    const teamName = request.team ?? this.defaultTeam;
    const teamId = teamIdFor(teamName);
    const issued = {
      iss: this.issuer,
      aud: this.audience,
      sub: request.user,
      team: teamName,
      preferred_username: request.user,
      name: request.name ?? request.user,
      iat: nowSeconds,
      exp: nowSeconds + (request.expiresIn ?? 3600),
    };
    // A Map, so that a claim named __proto__ is a claim like any other.
    const merged = new Map<string, unknown>(Object.entries(issued));
    for (const [name, value] of Object.entries(request.claims ?? {})) {
      if (value === null) merged.delete(name);
      else merged.set(name, value);
    }
    const claims = Object.fromEntries(merged);
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.privateKey).toString('base64url');
    return { token: `${signingInput}.${signature}`, userId: userIdFor(teamId, request.user), teamId };
  }
}

const NAME = /^[\w.@+-]{1,64}$/;
const CLAIM_NAME = /^[\w:./-]{1,64}$/;
const MAX_CLAIMS = 16;
const MAX_CLAIM_TEXT = 256;

const isClaimText = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_CLAIM_TEXT;

function isClaimValue(value: unknown): value is ClaimValue | null {
  if (value === null || typeof value === 'boolean' || isClaimText(value)) return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.length <= 8 && value.every(isClaimText);
}

/** A `claims` object within bounds (names, count, value types and sizes); undefined when it is not. */
function parseClaims(value: unknown): Record<string, ClaimValue | null> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > MAX_CLAIMS) return undefined;
  if (!entries.every(([name, claim]) => CLAIM_NAME.test(name) && isClaimValue(claim))) return undefined;
  return Object.fromEntries(entries) as Record<string, ClaimValue | null>;
}

/** Validates a /dev/token body (JSON or form fields); undefined when it is not acceptable. */
export function parseTokenRequest(fields: Record<string, unknown>): TokenRequest | undefined {
  const { user, team, name, expires_in: expiresIn, claims: claimFields } = fields;
  if (typeof user !== 'string' || !NAME.test(user)) return undefined;
  if (team !== undefined && (typeof team !== 'string' || !NAME.test(team))) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > 120)) return undefined;
  const seconds = typeof expiresIn === 'string' && expiresIn !== '' ? Number(expiresIn) : expiresIn;
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isInteger(seconds))) return undefined;
  const claims = claimFields === undefined ? undefined : parseClaims(claimFields);
  if (claimFields !== undefined && !claims) return undefined;
  return { user, team, name, expiresIn: seconds, claims };
}
