import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HandshakeError, WsClient, type Frame } from '../clients/ws-client';

/*
 * The shared Node WebSocket client (test/clients/ws-client.ts) against a small in-process server:
 * handshake status, id/reply_to correlation, timeouts, events, waitFor, failing on close.
 */

let server: WebSocketServer;
let url: string;
const peers: WebSocket[] = [];

beforeAll(async () => {
  server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    verifyClient: (info: { req: { url?: string } }, done: (ok: boolean, status?: number) => void) => (info.req.url?.includes('refuse') ? done(false, 401) : done(true)),
  });
  server.on('connection', (socket) => {
    peers.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.action === 'echo') socket.send(JSON.stringify({ type: 'echo', reply_to: frame.id, text: frame.text }));
      if (frame.action === 'later') setTimeout(() => socket.send(JSON.stringify({ type: 'late', reply_to: frame.id })), 50);
      if (frame.action === 'push') socket.send(JSON.stringify({ type: 'message', text: frame.text, event_id: `E-${frame.text}` }));
      if (frame.action === 'garbage') socket.send('not json');
      if (frame.action === 'hang-up') socket.close(1001);
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const p of peers) p.terminate();
  await new Promise((resolve) => server.close(resolve));
});

it('reports a refused handshake with its HTTP status', async () => {
  await expect(WsClient.open(`${url}?refuse=1`)).rejects.toEqual(new HandshakeError(401));
});

it('correlates replies with requests by id, whatever order they come in', async () => {
  const client = await WsClient.open(url);
  const [late, echo] = await Promise.all([client.request({ action: 'later' }), client.request({ action: 'echo', text: 'hi' })]);
  expect(late.type).toBe('late');
  expect(echo).toMatchObject({ type: 'echo', text: 'hi' });
  expect(client.events).toEqual([]);
  await client.close();
});

it('keeps a request its own id, and times out when no reply comes', async () => {
  const client = await WsClient.open(url);
  expect(await client.request({ action: 'echo', id: 'mine', text: 'x' })).toMatchObject({ reply_to: 'mine' });
  await expect(client.request({ action: 'silence' }, 50)).rejects.toThrow('no reply to {"action":"silence"} within 50 ms');
  await client.close();
});

it('keeps other frames as events, hands them to onEvent, and waitFor finds them', async () => {
  const seen: Frame[] = [];
  const client = await WsClient.open(url, { onEvent: (frame) => seen.push(frame) });
  client.send({ action: 'push', text: 'one' });
  expect(await client.waitFor((f) => f.text === 'one')).toMatchObject({ event_id: 'E-one' });
  client.send({ action: 'garbage' });
  expect(await client.waitFor((f) => f.type === 'unparseable')).toEqual({ type: 'unparseable', raw: 'not json' });
  expect(seen.map((f) => f.type)).toEqual(['message', 'unparseable']);
  await expect(client.waitFor((f) => f.text === 'never', 50)).rejects.toThrow('no matching event within 50 ms');
  await client.close();
});

it('skips frames that fail parseIf, and keeps no events when asked not to', async () => {
  const seen: string[] = [];
  const client = await WsClient.open(url, { keepEvents: false, parseIf: (text) => text.includes('keep'), onEvent: (f) => seen.push(String(f.text)) });
  client.send({ action: 'push', text: 'drop' });
  client.send({ action: 'push', text: 'keep' });
  await client.waitFor((f) => f.text === 'keep');
  expect(seen).toEqual(['keep']);
  expect(client.events).toEqual([]);
  await client.close(1000);
});

it('fails waiting requests when the socket closes, with closedError', async () => {
  const client = await WsClient.open(url, { closedError: () => new Error('socket closed') });
  const waiting = client.request({ action: 'silence' }, 5000);
  client.send({ action: 'hang-up' });
  await expect(waiting).rejects.toThrow('socket closed');
  expect((await client.closed).code).toBe(1001);
  expect(client.isOpen).toBe(false);
});
