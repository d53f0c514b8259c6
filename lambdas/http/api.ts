import { ensureProvisioned } from '../core/users';
import { ClientError } from '../shared/errors';
import { httpHandler } from '../shared/http-edge';
import { argsFor, METHODS } from './methods';

/** POST/GET /api/{method}: Slack's Web API methods. */
export const handler = httpHandler(async ({ method, args, caller, httpMethod }) => {
  const found = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!found) throw new ClientError('unknown_method');
  if (httpMethod === 'GET' && !found.read) throw new ClientError('invalid_arguments', 'method requires POST');
  await ensureProvisioned(caller);
  return found.run(caller, argsFor(found, args));
});
