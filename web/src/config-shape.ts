/**
 * What the browser app reads from /config.json. One shape for its three writers and one reader:
 * the CDK app (lib/web-app.ts, from the stack's outputs), the local cloud (local/cdn/web-app.ts) and
 * the app itself (config.ts). Type-only, so Node and the browser build can both import it.
 */
export interface WebConfig {
  HttpApiUrl: string;
  WebSocketUrl: string;
  MediaUrl: string;
  UserPoolId?: string;
  UserPoolClientId?: string;
  region?: string;
  /** True when served by the local cloud (sign in with a name through its dev token issuer). */
  local: boolean;
}
