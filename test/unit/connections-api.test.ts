import type { IncomingHttpHeaders } from 'node:http';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { connectionsPoster } from '../../lambdas/adapters/connections-api';
import { recordingServer, type Answer, type Recorded, type RecordingServer } from './fakes/recording-server';

/*
 * The hand-made @connections post (lambdas/adapters/connections-api.ts) against the SDK's own
 * client: the same request, signed the same way (at a fixed clock), and API Gateway's answers
 * mapped as the delivery expects them.
 */

let server: RecordingServer;
let base: string;
let seen: Recorded[];
let answers: Answer[];
/** API Gateway's refusal: its error type in a header, a JSON message. */
const refusal = (status: number, type?: string): Answer => ({
  status, headers: { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) }, body: JSON.stringify({ message: type ?? null }),
});

beforeAll(async () => {
  server = await recordingServer();
  ({ seen, answers } = server);
  base = `${server.base}/v1`;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'session-token' });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const SIGNED = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'] as const;

test('the request and its SigV4 signature are the SDK client\'s own, for an id that needs encoding', async () => {
  jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z'), doNotFake: ['setTimeout', 'setImmediate', 'setInterval', 'nextTick', 'queueMicrotask', 'clearTimeout', 'clearInterval', 'clearImmediate'] });
  try {
    const data = Buffer.from(JSON.stringify({ type: 'message', text: 'héllo' }));
    const id = 'L0SM9cOFvHcCIhw=';
    const sdk = new ApiGatewayManagementApiClient({ endpoint: base, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' } });
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
    sdk.destroy();
    expect(await connectionsPoster(base, 'eu-west-1', 4)(id, data)).toBe('sent');
    const [theirs, ours] = seen;
    expect(ours.method).toBe('POST');
    expect(ours.url).toBe(theirs.url);
    expect(ours.url).toBe('/v1/@connections/L0SM9cOFvHcCIhw%3D');
    expect(ours.body).toBe(theirs.body);
    const signedHeaders = (h: IncomingHttpHeaders) => /SignedHeaders=([^,]+)/.exec(String(h.authorization))?.[1].split(';') ?? [];
    // The SDK signs more headers of its own (user agent, invocation id); the signature over the ones both sign must agree in form.
    expect(ours.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261202\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    expect(signedHeaders(ours.headers)).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-length']));
    for (const h of SIGNED.slice(1)) expect(ours.headers[h]).toEqual(theirs.headers[h]);
  } finally {
    jest.useRealTimers();
  }
});

test('the signature verifies: recomputed from the request as received, with the secret', async () => {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@smithy/core/checksum');
  const data = Buffer.from('{"type":"ping"}');
  await connectionsPoster(base, 'us-east-1', 4)('abc=', data);
  const got = seen[0];
  const signedNames = /SignedHeaders=([^,]+)/.exec(String(got.headers.authorization))![1].split(';');
  const headers = Object.fromEntries(signedNames.map((n) => [n, String(got.headers[n])]));
  const url = new URL(base);
  const verifier = new SignatureV4({ service: 'execute-api', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' } });
  const amzDate = String(got.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: got.url!, headers, body: data };
  const again = (await verifier.sign(request as never, { signingDate })) as unknown as { headers: Record<string, string> };
  expect(again.headers.authorization).toBe(got.headers.authorization);
});

test('410 is gone; a throttle is tried again; any other refusal is thrown with its error name', async () => {
  const post = connectionsPoster(base, 'us-east-1', 4);
  answers.push(refusal(410, 'GoneException'));
  expect(await post('c1', Buffer.from('{}'))).toBe('gone');
  answers.push(refusal(429, 'LimitExceededException'), refusal(500));
  expect(await post('c2', Buffer.from('{}'))).toBe('sent');
  expect(seen.filter((s) => s.url === '/v1/@connections/c2')).toHaveLength(3);
  answers.push(refusal(403, 'ForbiddenException'));
  await expect(post('c3', Buffer.from('{}'))).rejects.toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
  answers.push(refusal(413, 'PayloadTooLargeException:http://internal'));
  await expect(post('c4', Buffer.from('{}'))).rejects.toMatchObject({ name: 'PayloadTooLargeException' });
  answers.push(refusal(503), refusal(503), refusal(503));
  await expect(post('c5', Buffer.from('{}'))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
});
