/*
 * What the emulator target deploys and how it reads the result: the CDK context values an emulator
 * needs (README → Deploy) and the outputs file the e2e suite reads. Pure, so CI checks it.
 */

import { E2E_CONTEXT } from '../../harness/local-process';

export const STACK = 'TeamChat';

/** The stack options an emulator needs; each one's default is what a real deployment gets. */
export function emulatorContext(endpoint: string): Record<string, string> {
  const base = endpoint.replace(/\/+$/, '');
  return {
    webApp: 'false',
    search: 'false',
    mediaCdn: 'false',
    webSocketRouteResponses: 'false',
    connectionsEndpoint: `${base}/_aws/execute-api/{apiId}/{stage}`,
    executeApiPathBase: `${base}/_aws/execute-api`,
    jwksUri: `${base}/{userPoolId}/.well-known/jwks.json`,
    allowInsecureHttpJwks: 'true',
    // The emulator is thrown away after the run: let `cdk destroy` delete the table.
    tableDeletionProtection: 'false',
  };
}

export const contextArgs = (context: Record<string, string>): string[] => Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);

/**
 * The `-c` arguments of the emulator's deploy: its stack options, and the suite's own context (the
 * raised message and API bursts the local cloud's synth uses), so tests that send bursts on purpose
 * meet the same limits on both targets.
 */
export const deployContextArgs = (endpoint: string): string[] => [...contextArgs(emulatorContext(endpoint)), ...E2E_CONTEXT];

/** `https://<id>.execute-api.<host>/<stage>` (any scheme) → `<endpoint>/_aws/execute-api/<id>/<stage>`, keeping ws(s) as ws. */
export function toPathForm(url: string, endpoint: string): string {
  const match = /^(https?|wss?):\/\/([a-z0-9]+)\.execute-api\.[^/]+(\/.*)?$/i.exec(url);
  if (!match) return url;
  const [, scheme, apiId, rest = ''] = match;
  const base = endpoint.replace(/\/+$/, '');
  const withScheme = scheme.toLowerCase().startsWith('ws') ? base.replace(/^http/, 'ws') : base;
  return `${withScheme}/_aws/execute-api/${apiId}${rest.replace(/\/+$/, '')}`;
}

export interface StackOutputs {
  HttpApiUrl: string;
  WebSocketUrl: string;
  MediaUrl: string;
  UserPoolId: string;
  UserPoolClientId: string;
}

const REQUIRED: Array<keyof StackOutputs> = ['HttpApiUrl', 'WebSocketUrl', 'MediaUrl', 'UserPoolId', 'UserPoolClientId'];

/**
 * The suite's outputs file from `cdk deploy --outputs-file`: the stack's outputs, every required one
 * present, API URLs that the emulator answers (path form when a hostname form slipped through,
 * as when the stack was deployed without executeApiPathBase), no trailing slashes.
 */
export function rewriteOutputs(cdkOutputs: Record<string, Record<string, string>>, endpoint: string): { [STACK]: StackOutputs } {
  const outputs = cdkOutputs[STACK];
  if (!outputs) throw new Error(`the outputs file has no ${STACK} stack`);
  const missing = REQUIRED.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`the ${STACK} outputs lack ${missing.join(', ')}`);
  const url = (key: 'HttpApiUrl' | 'WebSocketUrl') => toPathForm(outputs[key], endpoint).replace(/\/+$/, '');
  return {
    [STACK]: {
      HttpApiUrl: url('HttpApiUrl'),
      WebSocketUrl: url('WebSocketUrl'),
      MediaUrl: outputs.MediaUrl,
      UserPoolId: outputs.UserPoolId,
      UserPoolClientId: outputs.UserPoolClientId,
    },
  };
}
