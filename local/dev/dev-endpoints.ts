import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkFaults, type Faults } from './faults';
import { send } from '../gateway/http/http-gateway';
import type { JwtIssuer } from '../identity/jwt-issuer';
import { parseTokenRequest } from '../identity/token-request';
import { readBody } from '../net';
import { looksLikeJsonObject } from '../../lambdas/edge/json-body';

/*
 * Local-only endpoints on the HTTP API's port; none of these exist in a deployment:
 *   POST /dev/token                       a token from the local issuer ({user, team?, name?, expires_in?, claims?})
 *   GET  /dev/issuer/.well-known/jwks.json the issuer's JWKS
 *   GET  /dev/stats                       per-function invocation counts and event-source counters (for tests)
 *   GET  /dev/connections                 open WebSocket connections with their principal (for tests)
 *   POST /dev/faults                      replace the fault rates (only when started with LOCAL_FAULTS)
 *   POST /dev/replay                      {function, pk, sk}: the stream records of that item the event
 *                                         source last delivered, handed to that function again (replays)
 */

/** Re-delivers recent stream records of an item to the event-source functions whose id contains `functionPart`. */
export type Replay = (functionPart: string, keys: { pk: string; sk: string }) => Promise<Array<{ functionId: string; records: number; error?: string }>>;

export const ISSUER_PATH = '/dev/issuer';

export function devEndpoints(issuer: JwtIssuer, stats: () => object, connections: () => object[], faults?: Faults, replay?: Replay) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === `${ISSUER_PATH}/.well-known/jwks.json` && req.method === 'GET') {
      send(res, 200, issuer.jwks());
      return true;
    }
    if (url.pathname === '/dev/stats' && req.method === 'GET') {
      send(res, 200, { ok: true, ...stats() });
      return true;
    }
    if (url.pathname === '/dev/connections' && req.method === 'GET') {
      send(res, 200, { ok: true, connections: connections() });
      return true;
    }
    if (url.pathname === '/dev/faults' && req.method === 'POST' && faults) {
      try {
        faults.set(checkFaults(await readFields(req)));
        send(res, 200, { ok: true, faults: faults.stats() });
      } catch (error) {
        send(res, 400, { ok: false, error: 'invalid_arguments', detail: (error as Error).message });
      }
      return true;
    }
    if (url.pathname === '/dev/replay' && req.method === 'POST' && replay) {
      const f = await readFields(req);
      if (typeof f.function !== 'string' || !f.function || typeof f.pk !== 'string' || typeof f.sk !== 'string') {
        send(res, 400, { ok: false, error: 'invalid_arguments' });
      } else {
        send(res, 200, { ok: true, replayed: await replay(f.function, { pk: f.pk, sk: f.sk }) });
      }
      return true;
    }
    if (url.pathname === '/dev/token' && req.method === 'POST') {
      const request = parseTokenRequest(await readFields(req));
      // The web client signs in from its own origin (the preflight is answered by the gateway's CORS).
      const cors = { 'access-control-allow-origin': '*' };
      if (!request) send(res, 400, { ok: false, error: 'invalid_arguments' }, cors);
      else {
        const { token, userId, teamId } = await issuer.issue(request);
        send(res, 200, { ok: true, token, user_id: userId, team_id: teamId }, cors);
      }
      return true;
    }
    return false;
  };
}

/** A JSON object or form body as fields (a JSON object under curl's default form type too); empty when it is neither. */
async function readFields(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 64 * 1024))?.toString('utf8') ?? '';
  const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
  if (form && !looksLikeJsonObject(raw)) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
