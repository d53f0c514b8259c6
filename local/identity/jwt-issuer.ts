import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { SignJWT, type JWTPayload } from 'jose';
import { teamIdFor, userIdFor } from '../../lambdas/edge/identity';
import type { TokenRequest } from './token-request';

/*
 * The local cloud's identity provider: an RS256 key kept on disk (so tokens survive a restart),
 * a JWKS for verifiers, and tokens shaped like an OIDC issuer's (sub, team, preferred_username...),
 * signed by jose.
 */

export interface IssuedToken {
  token: string;
  userId: string;
  teamId: string;
}

const ALGORITHM = 'RS256';

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
    return { keys: [{ kty: 'RSA', n, e, kid: this.kid, alg: ALGORITHM, use: 'sig' }] };
  }

  /** A signed token; `userId` and `teamId` are those of the request's user and team, whatever `claims` changed. */
  async issue(request: TokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): Promise<IssuedToken> {
    const teamName = request.team ?? this.defaultTeam;
    const teamId = teamIdFor(teamName);
    const claims = this.claimsFor(request, teamName, nowSeconds);
    // The claims go in as they are (no jose setters): a test may have removed exp or iat on purpose.
    const token = await new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: this.kid }).sign(this.privateKey);
    return { token, userId: userIdFor(teamId, request.user), teamId };
  }

  /** The issued claims with the request's `claims` set over them, or removed where null. */
  private claimsFor(request: TokenRequest, teamName: string, nowSeconds: number): JWTPayload {
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
    return Object.fromEntries(merged);
  }
}
