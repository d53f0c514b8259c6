import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CognitoTestTokens } from './cognito-tokens';

/**
 * Serves `POST /token {"user","team"}` → `{"token"}` on 127.0.0.1 for the test workers
 * (E2E_TOKEN_BROKER), so every (user, workspace) a test signs in is a Cognito user of its own,
 * made when first asked for. Tokens go only to loopback callers and are never logged.
 */
export async function startTokenBroker(tokens: CognitoTestTokens): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/token') return reply(404, { error: 'POST /token only' });
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      let user: unknown;
      let team: unknown;
      try {
        ({ user, team } = JSON.parse(raw) as { user?: unknown; team?: unknown });
      } catch {
        return reply(400, { error: 'body must be JSON' });
      }
      if (typeof user !== 'string' || typeof team !== 'string') return reply(400, { error: 'user and team must be strings' });
      tokens.idToken(user, team).then(
        (token) => reply(200, { token }),
        (error: unknown) => reply(502, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
