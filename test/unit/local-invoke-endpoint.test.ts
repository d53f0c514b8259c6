import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startInvokeEndpoint, type InvokeEndpoint } from '../../local/functions/invoke-endpoint';
import type { InvokeResult } from '../../local/functions/protocol';

/*
 * The local cloud's stand-in for Lambda's Invoke API, driven by the SDK's own Lambda client (what
 * the fan-out's delivery shares use), against a runtime that answers per function.
 */

let endpoint: InvokeEndpoint;
let client: LambdaClient;
const invoked: Array<{ name: string; event: unknown }> = [];

const FUNCTIONS: Record<string, (event: unknown) => InvokeResult> = {
  Echo: (event) => ({ ok: true, result: { got: event } }),
  Fails: () => ({ ok: false, error: { errorType: 'TypeError', errorMessage: 'a share needs an event' } }),
  Huge: () => ({ ok: true, result: 'x'.repeat(6 * 1024 * 1024 + 1) }),
};

beforeAll(async () => {
  endpoint = await startInvokeEndpoint({
    port: 0,
    has: (name) => name in FUNCTIONS,
    invoke: async (name, event) => {
      invoked.push({ name, event });
      return FUNCTIONS[name](event);
    },
  });
  client = new LambdaClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const payloadOf = (out: { Payload?: Uint8Array }) => JSON.parse(Buffer.from(out.Payload!).toString('utf8'));

test('a synchronous invocation runs the function with the payload and answers its result', async () => {
  const out = await client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: Buffer.from(JSON.stringify({ a: 1 })) }));
  expect(out.StatusCode).toBe(200);
  expect(out.FunctionError).toBeUndefined();
  expect(payloadOf(out)).toEqual({ got: { a: 1 } });
  expect(invoked.at(-1)).toEqual({ name: 'Echo', event: { a: 1 } });
});

test('a function named by its ARN is the same function', async () => {
  const out = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Echo', Payload: Buffer.from('{}') }));
  expect(payloadOf(out)).toEqual({ got: {} });
});

test('a failed invocation is FunctionError Unhandled with the error payload, not a thrown error', async () => {
  const out = await client.send(new InvokeCommand({ FunctionName: 'Fails', Payload: Buffer.from('{}') }));
  expect(out.FunctionError).toBe('Unhandled');
  expect(payloadOf(out)).toEqual({ errorType: 'TypeError', errorMessage: 'a share needs an event' });
});

test("Lambda's limits: unknown function, a request or a response over 6 MB", async () => {
  await expect(client.send(new InvokeCommand({ FunctionName: 'Nope', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  const big = Buffer.from(JSON.stringify({ x: 'y'.repeat(6 * 1024 * 1024) }));
  await expect(client.send(new InvokeCommand({ FunctionName: 'Echo', Payload: big }))).rejects.toMatchObject({ name: 'RequestTooLargeException' });
  const out = await client.send(new InvokeCommand({ FunctionName: 'Huge', Payload: Buffer.from('{}') }));
  expect(out.FunctionError).toBe('Unhandled');
  expect(payloadOf(out).errorType).toBe('Function.ResponseSizeTooLarge');
});

test('only synchronous invocations are emulated: Event is refused, DryRun runs nothing', async () => {
  const before = invoked.length;
  await expect(client.send(new InvokeCommand({ FunctionName: 'Echo', InvocationType: 'Event', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  const dry = await client.send(new InvokeCommand({ FunctionName: 'Echo', InvocationType: 'DryRun' }));
  expect(dry.StatusCode).toBe(204);
  expect(invoked.length).toBe(before);
});
