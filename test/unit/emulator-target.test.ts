import { contextArgs, deployContextArgs, emulatorContext, rewriteOutputs, toPathForm } from '../e2e/targets/emulator/deploy-plan';
import { E2E_CONTEXT } from '../e2e/harness/local-process';
import { EMULATOR_GAPS, figureOf, gapOf, type EmulatorGap } from '../e2e/targets/emulator/gaps';
import { planTestUser, testPassword } from '../e2e/targets/emulator/test-users';

const endpoint = 'http://127.0.0.1:4566';

describe('emulator target: stack options', () => {
  test('every emulator option is set, against the endpoint, as -c pairs', () => {
    const context = emulatorContext(`${endpoint}/`);
    expect(context).toEqual({
      webApp: 'false',
      search: 'false',
      mediaCdn: 'false',
      webSocketRouteResponses: 'false',
      connectionsEndpoint: `${endpoint}/_aws/execute-api/{apiId}/{stage}`,
      executeApiPathBase: `${endpoint}/_aws/execute-api`,
      jwksUri: `${endpoint}/{userPoolId}/.well-known/jwks.json`,
      allowInsecureHttpJwks: 'true',
      tableDeletionProtection: 'false',
    });
    expect(contextArgs({ a: '1', b: 'x=y' })).toEqual(['-c', 'a=1', '-c', 'b=x=y']);
  });

  test("the deploy carries the suite's own context, so bursts meet the same limits as on the local cloud", () => {
    const args = deployContextArgs(endpoint);
    expect(args).toEqual(expect.arrayContaining(['-c', 'messageBurst=50', '-c', 'apiBurst=500']));
    expect(args.slice(-E2E_CONTEXT.length)).toEqual(E2E_CONTEXT);
    expect(args).toContain('webApp=false');
  });
});

describe('emulator target: outputs rewriting', () => {
  const deployed = {
    HttpApiUrl: 'http://abc123.execute-api.localhost:4566/',
    WebSocketUrl: 'wss://def456.execute-api.localhost.localstack.cloud:4566/v1',
    MediaUrl: 'https://media-cdn-disabled.invalid',
    UserPoolId: 'us-east-1_X',
    UserPoolClientId: 'client',
  };

  test('hostname URLs become path form on the endpoint, keeping the WebSocket scheme and the stage', () => {
    expect(toPathForm(deployed.HttpApiUrl, endpoint)).toBe(`${endpoint}/_aws/execute-api/abc123`);
    expect(toPathForm(deployed.WebSocketUrl, endpoint)).toBe('ws://127.0.0.1:4566/_aws/execute-api/def456/v1');
  });

  test('path-form URLs (executeApiPathBase) and other URLs are left alone', () => {
    expect(toPathForm(`${endpoint}/_aws/execute-api/abc123`, endpoint)).toBe(`${endpoint}/_aws/execute-api/abc123`);
    expect(toPathForm('https://example.com/api', endpoint)).toBe('https://example.com/api');
  });

  test('the outputs file keeps the stack key and every output the suite reads, and refuses an incomplete one', () => {
    const rewritten = rewriteOutputs({ TeamChat: deployed }, endpoint);
    expect(rewritten.TeamChat).toEqual({
      HttpApiUrl: `${endpoint}/_aws/execute-api/abc123`,
      WebSocketUrl: 'ws://127.0.0.1:4566/_aws/execute-api/def456/v1',
      MediaUrl: deployed.MediaUrl,
      UserPoolId: 'us-east-1_X',
      UserPoolClientId: 'client',
    });
    expect(() => rewriteOutputs({}, endpoint)).toThrow('no TeamChat stack');
    expect(() => rewriteOutputs({ TeamChat: { ...deployed, UserPoolId: '' } }, endpoint)).toThrow('UserPoolId');
  });
});

describe('emulator target: test users and tokens', () => {
  test('one Cognito user per (name, workspace), the workspace admin-set in custom:team', () => {
    const alice = planTestUser('alice', 'team-1a2b');
    expect(alice).toEqual({
      username: 'alice.team-1a2b',
      attributes: [
        { Name: 'custom:team', Value: 'team-1a2b' },
        { Name: 'preferred_username', Value: 'alice' },
      ],
    });
    expect(planTestUser('alice', 'team-9z').username).not.toBe(alice.username);
    expect(planTestUser('fuzz-chat/post me', 'acme').username).toBe('fuzz-chat_post_me.acme');
    expect(() => planTestUser('', 'acme')).toThrow();
    expect(() => planTestUser('x'.repeat(120), 'acme-team-long')).toThrow('128');
  });

  test('passwords are fresh each time and meet the pool policy', () => {
    const passwords = Array.from({ length: 50 }, testPassword);
    expect(new Set(passwords).size).toBe(50);
    for (const p of passwords) {
      expect(p.length).toBeGreaterThanOrEqual(12);
      for (const cls of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(p).toMatch(cls);
    }
  });
});

describe('emulator target: the reasons table', () => {
  const gaps: EmulatorGap[] = [
    { id: 'ws-authorizer', reason: 'no REQUEST authorizer on $connect', tests: [{ file: 'messaging.test.ts', name: 'two people on three devices' }] },
  ];

  test('a test is matched by its file base name and a piece of its full name', () => {
    expect(gapOf('/repo/test/e2e/messaging.test.ts', 'messages: two people on three devices: a send …', gaps)?.id).toBe('ws-authorizer');
    expect(gapOf('test/e2e/presence.test.ts', 'two people on three devices', gaps)).toBeUndefined();
  });

  test('the figure counts passes, failures, each gap and the local-only skips, and names the failures', () => {
    const figure = figureOf(
      [
        { file: 'test/e2e/messaging.test.ts', fullName: 'm two people on three devices', status: 'pending' },
        { file: 'test/e2e/messaging.test.ts', fullName: 'm history pages', status: 'passed' },
        { file: 'test/e2e/connections.test.ts', fullName: 'c $connect records a lease', status: 'pending' },
        { file: 'test/e2e/files.test.ts', fullName: 'f upload', status: 'failed' },
      ],
      gaps,
    );
    expect(figure).toEqual({ passed: 1, failed: 1, marked: { 'ws-authorizer': 1 }, localOnly: 1, failedTests: ['test/e2e/files.test.ts: f upload'] });
  });

  test('every entry of the real table has a reason and names e2e files that exist', () => {
    const { existsSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    for (const gap of EMULATOR_GAPS) {
      expect(gap.reason.length).toBeGreaterThan(20);
      expect(gap.tests.length).toBeGreaterThan(0);
      for (const t of gap.tests) expect([gap.id, existsSync(`${__dirname}/../e2e/${t.file}`)]).toEqual([gap.id, true]);
    }
  });
});
