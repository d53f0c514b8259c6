import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { restartLocalProcess, startLocalProcess, stopLocalProcess, type LocalProcess } from './harness/local-process';
import { api, isLocal, signIn, target } from './harness/target';
import { HandshakeError, WsClient } from './harness/ws-client';

/*
 * The gateway, authorizer, @connections, stream and restart behaviour of the running target.
 * Relies only on: ping → pong, $default → invalid_arguments, auth.test, and the authorizer.
 */

const clients: WsClient[] = [];
const connect = async (token: string | undefined, opts?: { deviceId?: string }) => {
  const client = await WsClient.connect(token, opts);
  clients.push(client);
  return client;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

const handshakeStatus = (promise: Promise<unknown>) =>
  promise.then(
    () => 'connected',
    (error: unknown) => (error instanceof HandshakeError ? error.status : `error: ${String(error)}`),
  );

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const managementApi = () =>
  new ApiGatewayManagementApiClient({ endpoint: target().webSocketUrl.replace(/^ws/, 'http'), region: 'us-east-1', credentials });

/** The connection id of a user's only open connection (local cloud: GET /dev/connections). */
async function connectionIdOf(userId: string): Promise<string> {
  const body = (await (await fetch(`${target().httpApiUrl}/dev/connections`)).json()) as { connections: { connectionId: string; principalId: string }[] };
  const mine = body.connections.filter((c) => c.principalId === userId);
  if (mine.length !== 1) throw new Error(`expected one connection for ${userId}, found ${mine.length}`);
  return mine[0].connectionId;
}

const localOnly = isLocal() ? describe : describe.skip;
const until = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('WebSocket handshake', () => {
  it('refuses a missing, invalid, forged or expired token with 401 and makes no connection', async () => {
    const alice = await signIn('hs-alice', 'acme');
    const expired = await signIn('hs-alice', 'acme', { expiresIn: -60 });
    const [header, payload] = alice.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'mallory' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${alice.token.split('.')[2]}`;
    expect(await handshakeStatus(WsClient.connect(undefined))).toBe(401);
    expect(await handshakeStatus(WsClient.connect('not-a-jwt'))).toBe(401);
    expect(await handshakeStatus(WsClient.connect(forged))).toBe(401);
    expect(await handshakeStatus(WsClient.connect(expired.token))).toBe(401);
  });

  it('accepts a valid token', async () => {
    const { token } = await signIn('hs-bob', 'acme');
    const client = await connect(token);
    expect(client.isOpen).toBe(true);
  });
});

describe('WebSocket routes', () => {
  let client: WsClient;
  beforeAll(async () => {
    client = await connect((await signIn('routes-carol', 'acme')).token);
  });

  it('routes by action and returns the route response', async () => {
    expect(await client.request({ action: 'ping', id: 1 })).toEqual({ type: 'pong', reply_to: 1 });
  });

  it('answers an unknown action with invalid_arguments and stays open', async () => {
    const reply = await client.request({ action: 'no-such-action' });
    expect(reply).toMatchObject({ type: 'error', error: 'invalid_arguments' });
    expect(await client.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    expect(client.isOpen).toBe(true);
  });

  it('closes with 1009 on a frame over 32 KB', async () => {
    const big = await connect((await signIn('routes-dave', 'acme')).token);
    big.send({ action: 'ping', pad: 'x'.repeat(33 * 1024) });
    expect((await big.closed).code).toBe(1009);
  });
});

localOnly('@connections (AWS SDK client)', () => {
  it('posts to, describes and deletes a connection; a gone one is GoneException', async () => {
    const erin = await signIn('conn-erin', 'acme');
    const client = await connect(erin.token);
    const connectionId = await connectionIdOf(erin.userId);
    const mgmt = managementApi();

    await mgmt.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ type: 'hello', n: 1 }) }));
    expect(await client.waitFor((e) => e.type === 'hello')).toEqual({ type: 'hello', n: 1 });

    const info = await mgmt.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');

    await mgmt.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    await client.closed;
    await expect(mgmt.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'late' }))).rejects.toBeInstanceOf(GoneException);
    await expect(mgmt.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAA=', Data: 'x' }))).rejects.toMatchObject({
      name: 'GoneException',
      $metadata: { httpStatusCode: 410 },
    });
  });
});

localOnly('table stream → fan-out', () => {
  interface Stats {
    functions: Record<string, { invocations: number }>;
    eventSources: { functionId: string; recent: { keys: Record<string, { S?: string }>; outcome: string }[] }[];
  }
  const stats = async () => (await (await fetch(`${target().httpApiUrl}/dev/stats`)).json()) as Stats;

  it('invokes the fan-out function for a matching record and not for a filtered one', async () => {
    const local = target().local!;
    const dynamo = new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: 'us-east-1', credentials });
    const run = `E2E#stream#${Date.now()}`;
    const put = (sk: string) => dynamo.send(new PutItemCommand({ TableName: local.tableName, Item: { pk: { S: run }, sk: { S: sk } } }));
    const outcomeOf = async (sk: string) =>
      (await stats()).eventSources[0].recent.find((r) => r.keys.pk?.S === run && r.keys.sk?.S === sk)?.outcome;

    const before = await stats();
    const fanout = before.eventSources[0].functionId;
    const invocations = async () => (await stats()).functions[fanout]?.invocations ?? 0;
    const invokedBefore = before.functions[fanout]?.invocations ?? 0;
    await put('CONN#not-for-fanout');
    await put('MSG#01HZZZZZZZZZZZZZZZZZZZZZZZ');
    await until(async () => (await outcomeOf('MSG#01HZZZZZZZZZZZZZZZZZZZZZZZ')) !== undefined);
    expect(await outcomeOf('CONN#not-for-fanout')).toBe('filtered');
    expect(await outcomeOf('MSG#01HZZZZZZZZZZZZZZZZZZZZZZZ')).toBe('delivered');
    await until(async () => (await invocations()) > invokedBefore);
    dynamo.destroy();
  });
});

describe('HTTP API', () => {
  it('answers 401 without a token, with a bad one, or an expired one', async () => {
    expect((await api(undefined, 'auth.test')).status).toBe(401);
    expect((await api('garbage', 'auth.test')).status).toBe(401);
    const expired = await signIn('http-frank', 'acme', { expiresIn: -10 });
    expect((await api(expired.token, 'auth.test')).status).toBe(401);
  });

  it('auth.test returns the caller', async () => {
    const frank = await signIn('http-frank', 'acme');
    const response = await api(frank.token, 'auth.test');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, user_id: frank.userId, team_id: frank.teamId });
  });
});

localOnly('the README quick start', () => {
  // `curl -d '{...}'` labels its JSON body application/x-www-form-urlencoded.
  const curlPost = (url: string, body: unknown, token?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('takes JSON bodies sent as curl sends them, for /dev/token and the API', async () => {
    const issued = await curlPost(`${target().httpApiUrl}/dev/token`, { user: 'curl-carol', team: 'acme' });
    expect(issued).toMatchObject({ status: 200, body: { ok: true } });
    const name = `curl-${Date.now().toString(36)}`;
    const created = await curlPost(`${target().httpApiUrl}/api/conversations.create`, { name }, String(issued.body.token));
    expect(created).toMatchObject({ status: 200, body: { ok: true, channel: { name } } });
  });
});

// On a private local cloud, so restarting it does not disturb test files running in parallel.
localOnly('restart', () => {
  let own: LocalProcess;
  const shared = process.env.E2E_OUTPUTS_FILE;
  beforeAll(async () => {
    own = await startLocalProcess();
    process.env.E2E_OUTPUTS_FILE = own.outputsFile;
  }, 120_000);
  afterAll(async () => {
    process.env.E2E_OUTPUTS_FILE = shared;
    if (own) await stopLocalProcess(own);
  }, 30_000);

  it('keeps data and issued tokens across a restart on the same data dir', async () => {
    const grace = await signIn('restart-grace', 'acme');
    const item = { pk: { S: 'E2E#restart' }, sk: { S: `KEEP#${Date.now()}` } };
    const dynamo = () => new DynamoDBClient({ endpoint: target().local!.dynamoDbEndpoint, region: 'us-east-1', credentials });
    const tableName = target().local!.tableName;
    const before = dynamo();
    await before.send(new PutItemCommand({ TableName: tableName, Item: item }));
    before.destroy();

    own = await restartLocalProcess(own);

    const after = dynamo();
    const { Item } = await after.send(new GetItemCommand({ TableName: tableName, Key: item }));
    after.destroy();
    expect(Item).toEqual(item);
    expect((await api(grace.token, 'auth.test')).body).toMatchObject({ ok: true, user_id: grace.userId });
    const client = await connect(grace.token);
    expect(await client.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    await client.close();
  }, 120_000);
});
