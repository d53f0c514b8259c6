import { rmSync } from 'node:fs';
import { startLocalProcess, stopLocalProcess, type LocalProcess } from './harness/local-process';
import { isLocal, signIn } from './harness/target';
import { HandshakeError, WsClient } from './harness/ws-client';

/** The WebSocket handshake checks the browser's Origin against ALLOWED_ORIGINS (a private local cloud with a narrow list). */
const localOnly = isLocal() ? describe : describe.skip;

localOnly('WebSocket Origin allow-list', () => {
  let own: LocalProcess;
  const shared = process.env.E2E_OUTPUTS_FILE;

  beforeAll(async () => {
    own = await startLocalProcess({ env: { LOCAL_FUNCTION_ENV: JSON.stringify({ ALLOWED_ORIGINS: 'https://chat.example.com' }) } });
    process.env.E2E_OUTPUTS_FILE = own.outputsFile;
  }, 180_000);
  afterAll(async () => {
    process.env.E2E_OUTPUTS_FILE = shared;
    if (own) {
      await stopLocalProcess(own);
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  const handshake = async (token: string, origin?: string) => {
    try {
      const ws = await WsClient.connect(token, origin ? { origin } : {});
      await ws.close();
      return 'open';
    } catch (error) {
      if (error instanceof HandshakeError) return error.status;
      throw error;
    }
  };

  test('an allowed origin and a non-browser client connect; any other origin is refused with 403', async () => {
    const { token } = await signIn('olga', 'origin-team');
    expect(await handshake(token, 'https://chat.example.com')).toBe('open');
    expect(await handshake(token)).toBe('open');
    expect(await handshake(token, 'https://evil.example.net')).toBe(403);
    expect(await handshake(token, 'null')).toBe(403);
  });
});
