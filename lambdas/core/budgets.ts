/*
 * AWS's size limits, in bytes, and the budgets kept under them. Sizes are UTF-8 bytes of the JSON
 * that goes on the wire: 40,000 characters of text can be 240 KB of JSON (a control character is
 * six bytes as `\u0001`), so budgets are never counted in characters.
 */

export const AWS_LIMITS = {
  /** API Gateway WebSocket: one message to a client (a route reply or an @connections post). */
  webSocketMessage: 128 * 1024,
  /** Lambda: a synchronous invocation's response. */
  lambdaResponse: 6 * 1024 * 1024,
  /** DynamoDB: one item, attribute names and values. */
  dynamoItem: 400 * 1024,
} as const;

/** A live event: one @connections post. */
export const LIVE_EVENT_BYTES = AWS_LIMITS.webSocketMessage;
/**
 * An event kept in an inbox entry. Far under the item limit, and small enough that one event always
 * fits a sync page whole; a larger one is stored as its reference (below). Also a cost bound: an
 * entry is written once per member, at one write unit per KB.
 */
export const INBOX_EVENT_BYTES = 16 * 1024;
/** One event in a sync reply (older inbox entries may be larger than INBOX_EVENT_BYTES). */
export const SYNC_EVENT_BYTES = 96 * 1024;
/** The events of one sync page, by default (a single event may take up to SYNC_EVENT_BYTES). */
export const SYNC_PAGE_BYTES = 24 * 1024;
/**
 * A sync reply's hot_channels (~110 bytes each with its read grant: ~270 channels). With the largest event (SYNC_EVENT_BYTES)
 * and the reply's other fields, the reply stays under one WebSocket message.
 */
export const SYNC_HOT_CHANNELS_BYTES = 30 * 1024;
/** The messages of one HTTP page (history, replies), counted by `responseBytes`: under Lambda's 6 MB. */
export const HTTP_PAGE_BYTES = 4 * 1024 * 1024;
/**
 * A message's blocks and attachments together, as the JSON stored with it. With 40,000 characters of
 * text (up to 160 KB in UTF-8) and ten files, the item stays far under DynamoDB's 400 KB; a live event
 * with the message and its previous version may pass 128 KB, and then goes as its reference (fitEvent).
 */
export const MESSAGE_RICH_BYTES = 64 * 1024;
/** What signing adds per file (a url_private in place of its key), counted toward a page. */
export const SIGNED_URL_BYTES = 700;

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** The bytes an item or event takes once its files are signed. */
export function signedBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return Buffer.byteLength(json) + SIGNED_URL_BYTES * (json.match(/"key":"/g)?.length ?? 0);
}

/**
 * The bytes a value takes in a Lambda proxy response, once signed: its JSON is the body, a string
 * that the response's own JSON encodes again (a `"` or `\\` in the text doubles there).
 */
export function responseBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return Buffer.byteLength(JSON.stringify(json)) + SIGNED_URL_BYTES * (json.match(/"key":"/g)?.length ?? 0);
}

export type Json = Record<string, unknown>;

/** The parts of a message that can be large: its body. Everything else is ids, counts and times. */
const BODY_FIELDS = ['blocks', 'attachments', 'files', 'reactions', 'reply_users'];

function withoutBody(message: unknown): unknown {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return message;
  const out: Json = {};
  for (const [key, value] of Object.entries(message)) if (!BODY_FIELDS.includes(key)) out[key] = value;
  if ('text' in out) out.text = '';
  return out;
}

/** Fields that identify an event and what it refers to, kept when even the reference is too large. */
const IDENTITY_FIELDS = ['type', 'subtype', 'channel', 'user', 'ts', 'thread_ts', 'deleted_ts', 'event_ts', 'event_id', 'client_msg_id'];

/**
 * The event whole when it fits `budget`, else its reference: the same event with the message bodies
 * (text, files, reactions…) left out and `body_omitted: true`, so the client fetches the message
 * (conversations.history with latest=ts, inclusive, limit=1, or conversations.replies). Same input,
 * same output: a replayed record yields the same reference.
 */
export function fitEvent<T extends Json>(event: T, budget: number): T {
  return jsonBytes(event) <= budget ? event : (referenceOf(event, budget) as T);
}

/** The same as `fitEvent`, as the JSON to send or store: the event is encoded once, not once more after measuring. */
export function fitEventJson(event: Json, budget: number): string {
  const whole = JSON.stringify(event);
  return Buffer.byteLength(whole) <= budget ? whole : JSON.stringify(referenceOf(event, budget));
}

function referenceOf(event: Json, budget: number): Json {
  const reference: Json = { ...(withoutBody(event) as Json), body_omitted: true };
  if ('message' in event) reference.message = withoutBody(event.message);
  if ('previous_message' in event) reference.previous_message = withoutBody(event.previous_message);
  if (jsonBytes(reference) <= budget) return reference;
  const minimal: Json = { body_omitted: true };
  for (const key of IDENTITY_FIELDS) if (typeof event[key] === 'string') minimal[key] = event[key];
  return minimal;
}
