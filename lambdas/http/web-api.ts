import { ensureProvisioned } from '../core/users';
import { ClientError } from '../core/errors';
import { httpHandler } from '../edge/http-edge';
import { parseArgs, type Schema } from '../edge/schemas';
import { takeApiToken } from '../core/rate-limit';
import type { Method } from './method';
import { checkScopes } from './scopes';

/** Methods limited by their own bucket instead of the general per-user one. */
const OWN_RATE_LIMIT = new Set(['chat.postMessage']);

/** A Web API function serving `methods`: scopes, the rate bucket, provisioning, then the method. */
export function webApiHandler(methods: Readonly<Record<string, Method<Schema>>>) {
  return httpHandler(async ({ method, args, caller, httpMethod, apiBaseUrl }) => {
    const found = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!found) throw new ClientError('unknown_method');
    if (httpMethod === 'GET' && !found.read) throw new ClientError('invalid_arguments', 'method requires POST');
    checkScopes(caller, method);
    // chat.postMessage has its own per-channel bucket (charged in the core, after its idempotency check).
    if (!OWN_RATE_LIMIT.has(method)) await takeApiToken(caller.userId);
    // An app's bot user was written at install; an app-level token names no user.
    if (!caller.app) await ensureProvisioned(caller);
    return found.run(caller, parseArgs(found.args, args), { apiBaseUrl });
  });
}
