/*
 * Endpoint shapes for emulators (MiniStack, LocalStack). A real deployment uses API Gateway's own
 * hostnames; an emulator serves every API under one port, where `<id>.execute-api.localhost`
 * often does not resolve, so it also answers the path form `<base>/<apiId>/<stage>`.
 */

/**
 * The @connections endpoint from a template such as `http://127.0.0.1:4566/_aws/execute-api/{apiId}/{stage}`;
 * `{apiId}` and `{stage}` may be CDK tokens. The SDK appends `/@connections/<id>` to it.
 */
export function connectionsEndpointFrom(template: string, apiId: string, stage: string): string {
  if (!template.includes('{apiId}')) throw new Error(`connectionsEndpoint must contain {apiId}, got ${template}`);
  if (!/^https?:\/\//.test(template)) throw new Error(`connectionsEndpoint must be an http(s) URL, got ${template}`);
  return template.replace('{apiId}', apiId).replace('{stage}', stage);
}

/**
 * An API's URL in path form under `base` (for example `http://127.0.0.1:4566/_aws/execute-api`):
 * `<base>/<apiId>` for an HTTP API's `$default` stage, `<ws base>/<apiId>/<stage>` for a WebSocket stage.
 */
export function pathStyleApiUrl(base: string, apiId: string, stage?: { webSocket: string }): string {
  if (!/^https?:\/\//.test(base)) throw new Error(`executeApiPathBase must be an http(s) URL, got ${base}`);
  const root = base.replace(/\/+$/, '');
  return stage ? `${root.replace(/^http/, 'ws')}/${apiId}/${stage.webSocket}` : `${root}/${apiId}`;
}
