/** Slack's error codes that this API answers with (PROTOCOL.md). */
export type ErrorCode =
  | 'channel_not_found' | 'not_in_channel' | 'msg_too_long' | 'no_text' | 'name_taken' | 'invalid_name'
  | 'message_not_found' | 'cant_update_message' | 'cant_delete_message' | 'already_reacted' | 'no_reaction'
  | 'invalid_arguments' | 'invalid_cursor' | 'user_not_found' | 'is_archived' | 'file_not_found'
  | 'unknown_method' | 'method_not_supported_for_channel_type' | 'already_in_channel' | 'cant_invite_self'
  | 'cant_kick_self' | 'cant_leave_general' | 'restricted_action' | 'invalid_name_specials'
  | 'invalid_name_maxlength' | 'invalid_name_required' | 'too_many_users' | 'invalid_ts_latest'
  | 'invalid_ts_oldest' | 'thread_not_found' | 'invalid_reaction' | 'too_many_connections' | 'ratelimited'
  | 'not_authed' | 'invalid_auth' | 'no_query'
  // Blocks and attachments; the chat, conversations, pins, files, users and team methods of lambdas/http/web-api-methods.ts
  | 'invalid_blocks' | 'invalid_blocks_format' | 'invalid_attachments' | 'too_many_attachments' | 'msg_blocks_too_long'
  | 'user_not_in_channel' | 'already_archived' | 'not_archived' | 'cant_archive_general' | 'too_long'
  | 'already_pinned' | 'no_pin' | 'users_not_found' | 'team_not_found' | 'bot_not_found' | 'cant_delete_file'
  | 'time_in_past' | 'time_too_far' | 'invalid_time' | 'invalid_scheduled_message_id'
  // Mentions, notification preferences and Do Not Disturb
  | 'missing_duration' | 'snooze_not_active'
  // Apps
  | 'not_allowed_token_type' | 'missing_scope' | 'invalid_command' | 'dispatch_failed' | 'invalid_action';

/** A client error: mapped to `{ok:false, error}` (HTTP) or `{type:"error", error}` (WebSocket) at the edge. */
export class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** For invalid_arguments: the bad field, safe to show. */
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ClientError';
  }
}

/** Over a rate limit: HTTP 429 with Retry-After, WebSocket error with retry_after. */
export class RateLimited extends ClientError {
  constructor(readonly retryAfterSeconds: number) {
    super('ratelimited');
    this.name = 'RateLimited';
  }
}

export const fail = (code: ErrorCode, detail?: string): never => {
  throw new ClientError(code, detail);
};

/**
 * A token whose signature verified but that does not identify a user (an access token, no
 * subject, no expiry): 401 over HTTP, a refused handshake on the WebSocket. The reason is ours,
 * never a claim's value, so it is safe to log.
 */
export class InvalidToken extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidToken';
  }
}

/** A bot token without the scope a method needs: Slack's `missing_scope` with `needed` and `provided`. */
export class MissingScope extends ClientError {
  constructor(readonly needed: string, readonly provided: string) {
    super('missing_scope');
    this.name = 'MissingScope';
  }
}
