import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

/*
 * The claim rules of API Gateway's HTTP API JWT authorizer, beyond the signature and issuer
 * (which aws-jwt-verify checks). From the API Gateway developer guide, "Control access to HTTP
 * APIs with JWT authorizers":
 *   - aud, or client_id only when aud is absent, must match one of the configured audiences
 *     (so a Cognito access token, which has client_id and no aud, passes);
 *   - exp must be after the current time (a token without exp is refused: aws-jwt-verify alone
 *     checks exp only when present);
 *   - nbf and iat must be before the current time (checked when present).
 */

/** Why API Gateway would refuse these claims, or undefined when it would pass them on. */
export function httpJwtRefusal(payload: JwtPayload, audiences: readonly string[], nowSeconds = Date.now() / 1000): string | undefined {
  const audience = payload.aud !== undefined ? payload.aud : payload.client_id;
  const presented = (Array.isArray(audience) ? audience : [audience]).filter((a): a is string => typeof a === 'string');
  if (!presented.some((a) => audiences.includes(a))) return payload.aud !== undefined ? 'aud does not match' : 'client_id does not match';
  if (typeof payload.exp !== 'number') return 'no exp';
  if (payload.exp <= nowSeconds) return 'expired';
  if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds) return 'not yet valid';
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds) return 'issued in the future';
  return undefined;
}
