import { api, isLocal, signIn, type ClaimOverrides } from './harness/target';
import { HandshakeError, WsClient } from './harness/ws-client';
import { call, newTeam, person } from './support';

/*
 * Which tokens name a user: only ID tokens with a subject and an expiry. Tokens the local issuer
 * mints with claims set or removed stand in for what a real issuer could hand out (a Cognito
 * access token, a token without sub or exp); each must be refused on both edges, cleanly: 401 over
 * HTTP (never a 500) and a refused handshake (the authorizer says Unauthorized, it does not crash).
 */

const localOnly = isLocal() ? describe : describe.skip;

const handshakeStatus = (token: string) =>
  WsClient.connect(token).then(
    async (client) => {
      await client.close();
      return 'connected';
    },
    (error: unknown) => (error instanceof HandshakeError ? error.status : `error: ${String(error)}`),
  );

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

localOnly('tokens that do not identify a user', () => {
  const team = newTeam();
  let audience: string;

  beforeAll(async () => {
    audience = String(claimsOf((await signIn('trust-probe', team)).token).aud);
  });

  const tokenWith = async (claims: ClaimOverrides) => (await signIn('trust-mallory', team, { claims })).token;

  test.each<[string, () => ClaimOverrides]>([
    // What Cognito issues besides the ID token: no aud, the app client id as client_id, no workspace.
    // API Gateway's JWT authorizer matches client_id when aud is absent, so only the function can refuse it.
    ['a Cognito access token (client_id, no aud)', () => ({ token_use: 'access', aud: null, client_id: audience, team: null, scope: 'aws.cognito.signin.user.admin' })],
    ['an access token that also carries the audience', () => ({ token_use: 'access' })],
    ['a token without sub', () => ({ sub: null })],
    ['a token with an empty sub', () => ({ sub: '' })],
    ['a token without exp', () => ({ exp: null })],
  ])('%s: HTTP 401 (not 500) and the WebSocket handshake refused with 401', async (_label, claims) => {
    const token = await tokenWith(claims());
    const res = await api(token, 'auth.test');
    expect(res.status).toBe(401);
    // Refused by the function (invalid_auth) or, like API Gateway, by the gateway ({message}); never ok.
    expect(res.body.ok).not.toBe(true);
    expect(await handshakeStatus(token)).toBe(401);
  });

  test('a token the gateway passes but the function refuses answers invalid_auth', async () => {
    const refusedByTheFunction: ClaimOverrides[] = [{ token_use: 'access', aud: null, client_id: audience }, { sub: null }, { sub: '' }];
    for (const claims of refusedByTheFunction) {
      const res = await api(await tokenWith(claims), 'auth.test');
      expect([JSON.stringify(claims), res.status, res.body]).toEqual([JSON.stringify(claims), 401, { ok: false, error: 'invalid_auth' }]);
    }
  });

  test('an ID token still works on both edges, including one that says token_use=id', async () => {
    const idTokens: ClaimOverrides[] = [{}, { token_use: 'id' }];
    for (const claims of idTokens) {
      const token = await tokenWith(claims);
      const res = await api(token, 'auth.test');
      expect([res.status, res.body.ok]).toEqual([200, true]);
      expect(await handshakeStatus(token)).toBe('connected');
    }
  });

  test('a claim that looks like a workspace but is not `team` cannot move the caller into another workspace', async () => {
    const victims = newTeam();
    const owner = await person('trust-owner', victims);
    const secret = (await call(owner.token, 'conversations.create', { name: 'victims-only' })).channel.id as string;
    const intruder = await signIn('trust-intruder', team, {
      claims: { team_id: owner.teamId, teamId: owner.teamId, 'custom:team_id': victims, 'custom:workspace': victims, 'https://slack.com/team_id': owner.teamId },
    });
    const whoami = await call(intruder.token, 'auth.test');
    expect(whoami.team_id).toBe(intruder.teamId);
    expect(whoami.team_id).not.toBe(owner.teamId);
    const listed = await call(intruder.token, 'conversations.list', { types: 'public_channel' });
    expect(listed.channels.map((c: { id: string }) => c.id)).not.toContain(secret);
    expect((await api(intruder.token, 'conversations.join', { channel: secret })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
  });
});
