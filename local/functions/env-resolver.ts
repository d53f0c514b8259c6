import type { TemplateValue } from '../template';

/**
 * The local values of the variables that are deployment-bound in the template (table name, API
 * callback URL, issuer, bucket, CDN, signing key). These always take the local value, even when the
 * template holds a plain string (a real issuer or bucket would be wrong locally). Any OTHER variable
 * that is an intrinsic is an error, so a new template variable cannot silently drift from local.
 */
export type LocalOverrides = Record<string, string>;

export const OVERRIDABLE = [
  'TABLE_NAME',
  'WS_CALLBACK_URL',
  'JWT_ISSUER',
  'JWKS_URI',
  'JWT_AUDIENCE',
  'MEDIA_BUCKET',
  'MEDIA_URL',
  'MEDIA_KEY_PAIR_ID',
  'MEDIA_SIGNING_KEY_SECRET_ARN',
  'FANOUT_DEAD_LETTER_QUEUE_URL',
  'SEARCH_INDEX_PATH',
  'VAPID_PUBLIC_KEY',
  'VAPID_KEYS_SECRET_ARN',
  'APP_SOCKET_URL',
  'APP_URL_ALLOWED_ADDRESSES',
] as const;

export class UnresolvableVariableError extends Error {
  constructor(functionId: string, variable: string) {
    super(
      `function ${functionId}: environment variable ${variable} is a CloudFormation intrinsic with no local value; ` +
        `add it to the local override map (local/functions/env-resolver.ts) or make it a plain string`,
    );
    this.name = 'UnresolvableVariableError';
  }
}

/**
 * What `{Ref: X}` in a function's environment stands for locally: a template queue's local URL, and
 * a function's name, which is its logical id here (the Invoke endpoint knows functions by it).
 */
export function localRefs(queueIds: Iterable<string>, functionIds: Iterable<string>, queueUrl: (logicalId: string) => string): Record<string, string> {
  return {
    ...Object.fromEntries([...queueIds].map((id) => [id, queueUrl(id)])),
    ...Object.fromEntries([...functionIds].map((id) => [id, id])),
  };
}

/** The function's environment with every value a plain string, or an error naming the first unresolvable one. */
export function resolveEnvironment(
  functionId: string,
  variables: Record<string, TemplateValue>,
  overrides: LocalOverrides,
  /** `{Ref: X}` of a resource the local cloud serves (a queue's URL), by logical id. */
  refs: Record<string, string> = {},
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const ref = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.Ref === 'string' ? refs[value.Ref] : undefined;
    if (name in overrides) resolved[name] = overrides[name];
    else if (ref !== undefined) resolved[name] = ref;
    else if (typeof value === 'string') resolved[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') resolved[name] = String(value);
    else throw new UnresolvableVariableError(functionId, name);
  }
  return resolved;
}

/**
 * LOCAL_FUNCTION_ENV: a local-only, explicit override merged over EVERY function's environment, for
 * tests that need a setting the template does not give (for example
 * `LOCAL_FUNCTION_ENV='{"HOT_CHANNEL_THRESHOLD":"3","MAX_CONNECTIONS_PER_USER":"50"}'`). A JSON object
 * of string values; the deployment-bound names above and AWS_* are refused (the local cloud owns
 * them). The local cloud prints what it applied at start.
 */
export function parseFunctionEnv(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`LOCAL_FUNCTION_ENV is not JSON: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('LOCAL_FUNCTION_ENV must be a JSON object of strings');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`LOCAL_FUNCTION_ENV.${name} must be a string, got ${JSON.stringify(value)}`);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`LOCAL_FUNCTION_ENV: ${name} is not an environment variable name`);
    if ((OVERRIDABLE as readonly string[]).includes(name) || name.startsWith('AWS_')) {
      throw new Error(`LOCAL_FUNCTION_ENV: ${name} is set by the local cloud itself and cannot be overridden`);
    }
    out[name] = value;
  }
  return out;
}
