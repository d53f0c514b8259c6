/*
 * Every setting a function reads, declared once: its environment variable, default and bounds.
 * lib/ sets the variables from here (`environmentOf`), handlers read typed values through
 * ./env.ts, so a name or a default cannot differ between infrastructure and code. Like
 * model/keys.ts, this module is plain data: lib/ imports it at synth without any runtime code.
 */

/** A number setting: `min` and `max` are inclusive; `integer` refuses fractions. */
export interface NumberSetting {
  readonly env: string;
  readonly default: number;
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** A text setting with a default (an empty default means "not set"). */
export interface TextSetting {
  readonly env: string;
  readonly default: string;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export const NUMBER_SETTINGS = {
  /** Past this many members a channel writes no inbox entries; its members read it from history. */
  hotChannelThreshold: { env: 'HOT_CHANNEL_THRESHOLD', default: 1000, min: 0, integer: true },

  /** chat.postMessage and the WebSocket `message` action, per user per channel (0 turns the limit off). */
  messagesPerSecond: { env: 'RATE_MESSAGE_PER_SECOND', default: 1, min: 0 },
  messageBurst: { env: 'RATE_MESSAGE_BURST', default: 5, min: 0 },
  /** Every other Web API method, per user. */
  apiCallsPerSecond: { env: 'RATE_API_PER_SECOND', default: 20, min: 0 },
  apiBurst: { env: 'RATE_API_BURST', default: 50, min: 0 },
  /** Per-user budgets of the WebSocket routes that have no other limit (the stage throttle is shared by everyone). */
  wsPingPerSecond: { env: 'RATE_WS_PING_PER_SECOND', default: 1, min: 0 },
  wsPingBurst: { env: 'RATE_WS_PING_BURST', default: 30, min: 0 },
  wsSyncPerSecond: { env: 'RATE_WS_SYNC_PER_SECOND', default: 5, min: 0 },
  wsSyncBurst: { env: 'RATE_WS_SYNC_BURST', default: 60, min: 0 },
  wsPresenceSubPerSecond: { env: 'RATE_WS_PRESENCE_SUB_PER_SECOND', default: 1, min: 0 },
  wsPresenceSubBurst: { env: 'RATE_WS_PRESENCE_SUB_BURST', default: 10, min: 0 },
  wsTypingPerSecond: { env: 'RATE_WS_TYPING_PER_SECOND', default: 1, min: 0 },
  wsTypingBurst: { env: 'RATE_WS_TYPING_BURST', default: 5, min: 0 },

  /** Live WebSocket connections per user; the next handshake is refused with 429. */
  maxConnectionsPerUser: { env: 'MAX_CONNECTIONS_PER_USER', default: 20, min: 1, integer: true },
  /** API Gateway closes every connection at 2 hours: leases and subscriptions outliving a missed $disconnect expire then. */
  maxConnectionSeconds: { env: 'MAX_CONNECTION_SECONDS', default: 2 * HOUR, min: 1, integer: true },
  /** A connection's lease: API Gateway drops a connection idle for 10 minutes; a ping renews it. */
  connectionLeaseSeconds: { env: 'CONNECTION_LEASE_SECONDS', default: 11 * MINUTE, min: 1, integer: true },

  /** `@connections` posts in flight per function instance (and keep-alive sockets to the endpoint). */
  deliveryConcurrency: { env: 'FANOUT_CONCURRENCY', default: 128, min: 1, integer: true },
  /** Connections per delivery batch (batches of one delivery run side by side in one invocation). */
  deliveryBatchSize: { env: 'FANOUT_BATCH_SIZE', default: 500, min: 1, integer: true },
  /**
   * Connections per invocation of a large delivery: past this many, the fan-out posts the first share
   * itself and hands each further share to an invocation of the deliver function, all at once, so no
   * one invocation's CPU bounds a big room (about 1,000 posts/s each on Lambda).
   */
  deliveryShareSize: { env: 'FANOUT_SHARE_SIZE', default: 1000, min: 100, integer: true },

  /** Largest upload accepted, in bytes. */
  fileMaxBytes: { env: 'FILES_MAX_BYTES', default: 100 * 1024 * 1024, min: 1, integer: true },
  /**
   * Largest upload through Slack's upload URL (`POST {HttpApiUrl}/upload/v1/...`, the raw bytes or one
   * multipart file): the bytes pass through a function, and Lambda's 6 MB request payload holds the
   * body base64-encoded (4 MiB is 5.6 MB so encoded). Larger files take the presigned POST.
   */
  fileDirectUploadMaxBytes: { env: 'FILES_DIRECT_UPLOAD_MAX_BYTES', default: 4 * 1024 * 1024, min: 1, max: 4 * 1024 * 1024, integer: true },
  /** How long a presigned upload works. */
  uploadUrlSeconds: { env: 'FILES_UPLOAD_URL_SECONDS', default: 5 * MINUTE, min: 1, max: 7 * 24 * HOUR, integer: true },
  /** How long a minted url_private works. */
  mediaUrlSeconds: { env: 'MEDIA_URL_TTL_SECONDS', default: HOUR, min: 1, integer: true },

  /** Each request to the OpenSearch engine gives up after this long (the stream or the caller then retries). */
  searchRequestTimeoutMs: { env: 'SEARCH_REQUEST_TIMEOUT_MS', default: 10_000, min: 100, max: 60_000, integer: true },
  /** One `_bulk` body at most this many bytes (a larger batch is split); the smallest domains accept 10 MiB. */
  searchBulkMaxBytes: { env: 'SEARCH_BULK_MAX_BYTES', default: 5 * 1024 * 1024, min: 64 * 1024, max: 10 * 1024 * 1024, integer: true },
  /** How long a device's push subscription lasts unless it subscribes again (the web client does at every start). */
  pushSubscriptionSeconds: { env: 'PUSH_SUBSCRIPTION_SECONDS', default: 30 * 24 * HOUR, min: 60, integer: true },
  /** How long a push service keeps an undelivered push (the Web Push `TTL` header). */
  pushTtlSeconds: { env: 'PUSH_TTL_SECONDS', default: 24 * HOUR, min: 0, max: 28 * 24 * HOUR, integer: true },
  /** One request to a push service, connect to answer. */
  pushTimeoutMs: { env: 'PUSH_TIMEOUT_MS', default: 5_000, min: 100, max: 20_000, integer: true },
  /** Pushes in flight per function instance. */
  pushConcurrency: { env: 'PUSH_CONCURRENCY', default: 16, min: 1, max: 256, integer: true },

  /**
   * The Events API's later tries, as Slack's (nearly at once, then after 1 and 5 minutes): each is an
   * SQS message with this DelaySeconds (SQS allows 0–900), so the stream consumer never waits for one.
   */
  appRetry1DelaySeconds: { env: 'APP_RETRY_1_DELAY_SECONDS', default: 0, min: 0, max: 900, integer: true },
  appRetry2DelaySeconds: { env: 'APP_RETRY_2_DELAY_SECONDS', default: MINUTE, min: 0, max: 900, integer: true },
  appRetry3DelaySeconds: { env: 'APP_RETRY_3_DELAY_SECONDS', default: 5 * MINUTE, min: 0, max: 900, integer: true },
  /**
   * An app's event delivery is disabled when more than this share of its Events API tries fail over
   * the last hour (Slack: 95%)…
   */
  appDisableFailurePercent: { env: 'APP_DISABLE_FAILURE_PERCENT', default: 95, min: 0, max: 100 },
  /**
   * …once it had at least this many tries in that hour: Slack leaves apps with fewer than 1,000
   * events an hour enabled, so a quiet app that fails a few deliveries is never disabled for it.
   */
  appDisableMinAttempts: { env: 'APP_DISABLE_MIN_ATTEMPTS', default: 1000, min: 1, integer: true },
} as const satisfies Record<string, NumberSetting>;

export const TEXT_SETTINGS = {
  /** Workspace of users whose token carries no `team` claim. */
  defaultTeam: { env: 'DEFAULT_TEAM', default: 'default' },
  /** Browser origins allowed to open a WebSocket, comma-separated; `*` allows any. */
  allowedOrigins: { env: 'ALLOWED_ORIGINS', default: '*' },
  /** Expected `aud` of tokens, comma-separated; empty: not checked by the authorizer. */
  jwtAudience: { env: 'JWT_AUDIENCE', default: '' },
  /** The issuer's JWKS endpoint; empty: `<issuer>/.well-known/jwks.json`. */
  jwksUri: { env: 'JWKS_URI', default: '' },
  /** 'true' lets the authorizer fetch a plain-http JWKS: only for an emulator's issuer (CDK context `allowInsecureHttpJwks`). */
  jwksAllowInsecureHttp: { env: 'JWKS_ALLOW_INSECURE_HTTP', default: '' },
  logLevel: { env: 'LOG_LEVEL', default: 'info' },
  /** Where search permalinks point (the web client's base URL); empty: a path only. */
  permalinkBase: { env: 'PERMALINK_BASE', default: '' },
  /** The engine behind search.messages: 'sqlite' (the FTS5 file, SEARCH_INDEX_PATH) or 'opensearch' (SEARCH_ENDPOINT). */
  searchEngine: { env: 'SEARCH_ENGINE', default: 'sqlite' },
  /** The OpenSearch index that holds the messages (lib/ scopes the functions' IAM grants to it). */
  searchIndexName: { env: 'SEARCH_INDEX_NAME', default: 'messages' },
  /** The VAPID `sub` claim: a contact for push services (`mailto:` or `https:`; CDK context `vapidSubject`). */
  vapidSubject: { env: 'VAPID_SUBJECT', default: 'mailto:push@example.invalid' },
  /**
   * 'true' lets subscriptions name `http://127.0.0.1:<port>/…` (and only that private address): set by
   * the local cloud alone, for its local push service. Never in a deployment (SSRF).
   */
  pushAllowLoopback: { env: 'PUSH_ALLOW_LOOPBACK', default: '' },
} as const satisfies Record<string, TextSetting>;

/**
 * What infrastructure binds to a function (ProjectFunction.bind* and the constructs): no default,
 * a function that reads one it was not given fails at its cold start.
 */
export const BINDINGS = {
  table: 'TABLE_NAME',
  connectionsEndpoint: 'WS_CALLBACK_URL',
  mediaBucket: 'MEDIA_BUCKET',
  mediaUrl: 'MEDIA_URL',
  mediaKeyPairId: 'MEDIA_KEY_PAIR_ID',
  mediaSigningKeySecretArn: 'MEDIA_SIGNING_KEY_SECRET_ARN',
  deadLetterQueueUrl: 'FANOUT_DEAD_LETTER_QUEUE_URL',
  jwtIssuer: 'JWT_ISSUER',
  searchIndexPath: 'SEARCH_INDEX_PATH',
  /** The OpenSearch domain's endpoint, https://… (search engine 'opensearch' only). */
  searchEndpoint: 'SEARCH_ENDPOINT',
  /** The VAPID public key (base64url, not secret): push.vapidPublicKey serves it; the dispatcher's push part signs with its pair. */
  vapidPublicKey: 'VAPID_PUBLIC_KEY',
  /** The secret holding the VAPID key pair (JSON {publicKey, privateKey}, base64url). */
  vapidKeysSecretArn: 'VAPID_KEYS_SECRET_ARN',
  /** The WebSocket API's URL as apps reach it (apps.connections.open hands out `<url>?token=<ticket>`). */
  appSocketUrl: 'APP_SOCKET_URL',
  /**
   * Addresses app URLs may resolve to beyond public ones (comma-separated, e.g. `127.0.0.1`); empty:
   * private, loopback and link-local addresses are refused. The local cloud sets `127.0.0.1`.
   */
  appUrlAllowedAddresses: 'APP_URL_ALLOWED_ADDRESSES',
  /** The function that posts one share of a large delivery (lib/fanout.ts; lambdas/stream/deliver-share.ts). Unset: no shares. */
  deliverFunction: 'DELIVER_FUNCTION_NAME',
  /** The search indexer, invoked by the stream's dispatcher with the message records (lib/search.ts; lambdas/adapters/search-indexing.ts). Unset: no search index. */
  searchIndexerFunction: 'SEARCH_INDEXER_FUNCTION_NAME',
  /** The queue of the Events API's delayed retries (lib/app-events.ts; its consumer is lambdas/queue/app-retry.ts). */
  appRetryQueueUrl: 'APP_RETRY_QUEUE_URL',
} as const;

/** Set by the local cloud only: the VAPID private key inline, in place of the secret. */
export const LOCAL_VAPID_PRIVATE_KEY = 'VAPID_PRIVATE_KEY';
/** Set only with the mobile push opt-in: the SNS platform application's ARN (push.subscribe with a device token). */
export const MOBILE_PUSH_APPLICATION_ARN = 'MOBILE_PUSH_APPLICATION_ARN';

/** Set by the local cloud only: the signing key inline, in place of the secret. */
export const LOCAL_MEDIA_SIGNING_KEY_PEM = 'MEDIA_SIGNING_KEY_PEM';

export type NumberSettingName = keyof typeof NUMBER_SETTINGS;
export type TextSettingName = keyof typeof TEXT_SETTINGS;

/** The value if it is within the setting's bounds; else an error naming the variable. */
export function checkNumber(name: NumberSettingName, value: number): number {
  const s: NumberSetting = NUMBER_SETTINGS[name];
  const inBounds = Number.isFinite(value) && value >= s.min && (s.max === undefined || value <= s.max) && (!s.integer || Number.isInteger(value));
  if (!inBounds) {
    const bounds = `${s.integer ? 'a whole number' : 'a number'} from ${s.min}${s.max === undefined ? '' : ` to ${s.max}`}`;
    throw new Error(`${s.env} must be ${bounds}, got ${value}`);
  }
  return value;
}

/**
 * The environment variables for these settings, for lib/: each value given, or its default when
 * undefined, checked against its bounds at synth.
 */
export function environmentOf(values: Partial<Record<NumberSettingName, number | undefined>> & Partial<Record<TextSettingName, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name in NUMBER_SETTINGS) {
      const key = name as NumberSettingName;
      out[NUMBER_SETTINGS[key].env] = String(checkNumber(key, (value as number | undefined) ?? NUMBER_SETTINGS[key].default));
    } else {
      const key = name as TextSettingName;
      out[TEXT_SETTINGS[key].env] = (value as string | undefined) ?? TEXT_SETTINGS[key].default;
    }
  }
  return out;
}
