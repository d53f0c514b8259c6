import type { TemplateValue } from './template';

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
] as const;

export class UnresolvableVariableError extends Error {
  constructor(functionId: string, variable: string) {
    super(
      `function ${functionId}: environment variable ${variable} is a CloudFormation intrinsic with no local value; ` +
        `add it to the local override map (local/env-resolver.ts) or make it a plain string`,
    );
    this.name = 'UnresolvableVariableError';
  }
}

/** The function's environment with every value a plain string, or an error naming the first unresolvable one. */
export function resolveEnvironment(
  functionId: string,
  variables: Record<string, TemplateValue>,
  overrides: LocalOverrides,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name in overrides) resolved[name] = overrides[name];
    else if (typeof value === 'string') resolved[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') resolved[name] = String(value);
    else throw new UnresolvableVariableError(functionId, name);
  }
  return resolved;
}
