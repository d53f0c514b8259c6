import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { teamIdFor, userIdFor } from '../lambdas/shared/identity';

/*
 * The local cloud's identity provider: an RS256 key kept on disk (so tokens survive a restart),
 * a JWKS for verifiers, and tokens shaped like an OIDC issuer's (sub, team, preferred_username...).
 */

export interface IssuedToken {
  token: string;
  userId: string;
  teamId: string;
}

export interface TokenRequest {
  user: string;
  team?: string;
  name?: string;
  /** Seconds until expiry; negative issues an already expired token (for tests). */
  expiresIn?: number;
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

  issue(request: TokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): IssuedToken {
    const teamName = request.team ?? this.defaultTeam;
    const teamId = teamIdFor(teamName);
    const claims = {
      iss: this.issuer,
      aud: this.audience,
      sub: request.user,
      team: teamName,
      preferred_username: request.user,
      name: request.name ?? request.user,
      iat: nowSeconds,
      exp: nowSeconds + (request.expiresIn ?? 3600),
    };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.privateKey).toString('base64url');
    return { token: `${signingInput}.${signature}`, userId: userIdFor(teamId, request.user), teamId };
  }
}

const NAME = /^[\w.@+-]{1,64}$/;

/** Validates a /dev/token body (JSON or form fields); undefined when it is not acceptable. */
export function parseTokenRequest(fields: Record<string, unknown>): TokenRequest | undefined {
  const { user, team, name, expires_in: expiresIn } = fields;
  if (typeof user !== 'string' || !NAME.test(user)) return undefined;
  if (team !== undefined && (typeof team !== 'string' || !NAME.test(team))) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > 120)) return undefined;
  const seconds = typeof expiresIn === 'string' && expiresIn !== '' ? Number(expiresIn) : expiresIn;
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isInteger(seconds))) return undefined;
  return { user, team, name, expiresIn: seconds };
}
