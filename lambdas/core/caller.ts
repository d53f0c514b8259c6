/** Who is calling: the edges build it from a verified token's claims (lambdas/edge/identity.ts) or an app token (core/apps.ts). */
export interface Caller {
  userId: string;
  teamId: string;
  /** The user's handle. */
  userName: string;
  realName?: string;
  /** The address the identity provider verified (lowercase); absent when the token does not say it is verified. */
  email?: string;
  /** Set when an app's token is calling: the caller is the app's bot user (a bot token) or the app itself (an app-level token). */
  app?: AppIdentity;
}

export interface AppIdentity {
  appId: string;
  botId: string;
  /** Which token: `bot` (xoxb, the Web API) or `app` (xapp, Socket Mode). */
  tokenKind: 'bot' | 'app';
  /** The bot token's scopes (`oauth_config.scopes.bot`); an app-level token has `connections:write`. */
  scopes: string[];
}
