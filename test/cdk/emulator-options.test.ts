import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { emulatorContext } from '../e2e/targets/emulator/deploy-plan';
import { MEDIA_CDN_DISABLED_DOMAIN } from '../../lib/media';
import { TeamChatStack } from '../../lib/team-chat-stack';

// The template the emulator target deploys: every emulator option set, as bin/app.ts passes them.
const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };
const endpoint = 'http://127.0.0.1:4566';
const options = emulatorContext(endpoint);

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new TeamChatStack(app, 'TeamChat', {
    webApp: false,
    search: false,
    mediaCdn: false,
    webSocketRouteResponses: false,
    connectionsEndpoint: options.connectionsEndpoint,
    executeApiPathBase: options.executeApiPathBase,
    jwksUri: options.jwksUri,
    allowInsecureHttpJwks: true,
    tableDeletionProtection: false,
  });
  const template = Template.fromStack(stack).toJSON();
  resources = template.Resources;
  outputs = template.Outputs;
});

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const functionEnv = (key: string) => ofType('AWS::Lambda::Function').map((f) => f.Properties.Environment?.Variables?.[key]).filter(Boolean);

test('none of the resource types the emulator lacks, and no web app', () => {
  const types = new Set(Object.values(resources).map((r) => r.Type));
  for (const missing of [
    'AWS::CloudFront::OriginAccessControl',
    'AWS::CloudFront::PublicKey',
    'AWS::CloudFront::KeyGroup',
    'AWS::CloudFront::ResponseHeadersPolicy',
    'AWS::CloudFront::Distribution',
    'AWS::ApiGatewayV2::RouteResponse',
    'AWS::EFS::FileSystem',
    'Custom::CDKBucketDeployment',
  ]) expect([missing, types.has(missing)]).toEqual([missing, false]);
  expect(Object.keys(outputs).sort()).toEqual(['HttpApiUrl', 'MediaUrl', 'UserPoolClientId', 'UserPoolId', 'WebSocketUrl']);
});

test('media signing stays (key secret and custom resource) and names the never-resolving CDN domain', () => {
  expect(ofType('Custom::MediaSigningKey')).toHaveLength(1);
  expect(new Set(functionEnv('MEDIA_URL'))).toEqual(new Set([`https://${MEDIA_CDN_DISABLED_DOMAIN}`]));
  expect(new Set(functionEnv('MEDIA_KEY_PAIR_ID'))).toEqual(new Set(['NONE']));
});

test('every @connections client uses the override, with the WebSocket API id and stage', () => {
  const urls = functionEnv('WS_CALLBACK_URL').map((u) => JSON.stringify(u));
  expect(urls.length).toBe(8); // connect, disconnect, typing, fan-out and its deliver function, app events, api, webhooks
  for (const url of urls) {
    expect(url).toContain(`${endpoint}/_aws/execute-api/`);
    expect(url).toContain('RealtimeApi');
    expect(url).toContain('/v1');
    expect(url).not.toContain('execute-api.');
  }
});

test('the WebSocket authorizer gets the pool JWKS on the emulator, and the http opt-in', () => {
  const authorizer = ofType('AWS::Lambda::Function').find((f) => f.Properties.Environment?.Variables?.JWKS_URI)!;
  const env = authorizer.Properties.Environment.Variables;
  expect(JSON.stringify(env.JWKS_URI)).toContain(`${endpoint}/`);
  expect(JSON.stringify(env.JWKS_URI)).toContain('IdentityUserPool');
  expect(env.JWKS_ALLOW_INSECURE_HTTP).toBe('true');
  expect(JSON.stringify(env.JWT_ISSUER)).toContain('https://cognito-idp.');
});

test('output URLs in path form: HTTP API at its root, WebSocket with its stage', () => {
  const http = JSON.stringify(outputs.HttpApiUrl.Value);
  const ws = JSON.stringify(outputs.WebSocketUrl.Value);
  expect(http).toContain(`${endpoint}/_aws/execute-api/`);
  expect(http).toContain('HttpApi');
  expect(ws).toContain('ws://127.0.0.1:4566/_aws/execute-api/');
  expect(ws).toContain('/v1');
});

test('defaults are today: no opt-in, the stage callback URL, route responses, CloudFront, the web app', () => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new TeamChatStack(app, 'TeamChat')).toJSON();
  const all = Object.values(template.Resources as Record<string, Resource>);
  const env = all.filter((r) => r.Type === 'AWS::Lambda::Function').map((f) => f.Properties.Environment?.Variables ?? {});
  expect(env.some((v) => 'JWKS_ALLOW_INSECURE_HTTP' in v)).toBe(false);
  for (const v of env.filter((e) => e.WS_CALLBACK_URL)) expect(JSON.stringify(v.WS_CALLBACK_URL)).toContain('execute-api.');
  expect(all.filter((r) => r.Type === 'AWS::ApiGatewayV2::RouteResponse').length).toBeGreaterThan(0);
  expect(all.filter((r) => r.Type === 'AWS::CloudFront::Distribution')).toHaveLength(2);
});

test('a plain-http JWKS without the opt-in is refused at synth', () => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  expect(() => new TeamChatStack(app, 'TeamChat', { jwksUri: options.jwksUri })).toThrow('allowInsecureHttpJwks');
});
