import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { binding, textSetting } from '../config/env';
import { InvalidToken } from '../core/errors';
import { insecureHttpFetcher } from './insecure-http-fetcher';

/*
 * The one token check, used by the WebSocket authorizer and the Web API function (which verifies
 * the token itself: Slack's clients may send it in the body or `?token=`), in AWS and locally alike:
 * signature against the issuer's JWKS, issuer, audience (when set), and an expiry that has not
 * passed. aws-jwt-verify checks `exp` only when present, so its presence is required here, as API
 * Gateway's JWT authorizer requires it on the HTTP side.
 * JWT_ISSUER is Cognito's issuer by default; any OIDC issuer works by setting JWT_ISSUER, JWKS_URI
 * and JWT_AUDIENCE.
 */
// Built on first use: a function behind the HTTP API's JWT authorizer (search) never needs it.
let verifier: ReturnType<typeof createVerifier> | undefined;

function createVerifier() {
  const issuer = binding('jwtIssuer');
  const audience = textSetting('jwtAudience');
  const jwksUri = textSetting('jwksUri') || `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
  // An emulator's local issuer serves its JWKS over http; see insecure-http-fetcher.ts.
  const allowInsecureHttpJwks = textSetting('jwksAllowInsecureHttp') === 'true';
  return JwtVerifier.create({
    issuer,
    audience: audience === '' ? null : audience.split(','),
    jwksUri,
    customJwtCheck: ({ payload }) => {
      if (payload.exp === undefined) throw new InvalidToken('token has no expiry');
    },
  }, allowInsecureHttpJwks ? { jwksCache: new SimpleJwksCache({ fetcher: insecureHttpFetcher }) } : undefined);
}

export async function verifyToken(token: string): Promise<Record<string, unknown>> {
  verifier ??= createVerifier();
  return (await verifier.verify(token)) as Record<string, unknown>;
}
