import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/*
 * Stands in for `@aws-sdk/credential-provider-node` in the function bundles (an esbuild alias set
 * by lib/project-function.ts). Lambda hands a function its role's credentials in the environment,
 * and the local cloud does the same, so the default chain's other sources (SSO, profile files,
 * web identity, container and instance metadata) never apply there; bundled, they and the STS/SSO
 * clients they carry are 105-130 KB of every handler (measured) and part of its cold start.
 */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
