/*
 * What POST /dev/token accepts: a user, optionally a team, a display name, a lifetime and claims to
 * set or remove, all within bounds, since anything that can reach the local HTTP port can ask.
 */

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
