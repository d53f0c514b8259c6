import type { Caller } from '../core/caller';
import { ClientError, MissingScope } from '../core/errors';

/*
 * The bot-token scope each Web API method needs (Slack's names; any one of a list will do, as one
 * conversation type's scope is enough where Slack asks for the type's own). A method missing here
 * is refused to bot tokens (`not_allowed_token_type`) until someone decides its scope. App-level
 * tokens (xapp) reach only apps.connections.open, as on Slack.
 */
const CONVERSATIONS_READ = ['channels:read', 'groups:read', 'im:read', 'mpim:read'];
const HISTORY = ['channels:history', 'groups:history', 'im:history', 'mpim:history'];

export const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.getPresence': ['users:read'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.list': CONVERSATIONS_READ,
  'conversations.info': CONVERSATIONS_READ,
  'conversations.members': CONVERSATIONS_READ,
  'conversations.join': ['channels:join'],
  'conversations.leave': ['channels:manage', 'groups:write', 'im:write', 'mpim:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.kick': ['channels:manage', 'groups:write'],
  'conversations.open': ['im:write', 'mpim:write'],
  'conversations.history': HISTORY,
  'conversations.replies': HISTORY,
  'conversations.mark': ['channels:write', 'groups:write', 'im:write', 'mpim:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.setPurpose': ['channels:manage', 'groups:write'],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  'chat.scheduleMessage': ['chat:write'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  'reactions.get': ['reactions:read'],
  'pins.add': ['pins:write'],
  'pins.remove': ['pins:write'],
  'pins.list': ['pins:read'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'search.messages': ['search:read'],
  // lambdas/http/web-api-methods.ts (Slack's scopes for them)
  'chat.deleteScheduledMessage': ['chat:write'],
  'chat.scheduledMessages.list': [],
  'conversations.rename': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'conversations.unarchive': ['channels:manage', 'groups:write'],
  'users.conversations': CONVERSATIONS_READ,
  'users.lookupByEmail': ['users:read.email'],
  'team.info': ['team:read'],
  'bots.info': ['users:read'],
  'files.info': ['files:read'],
  'files.delete': ['files:write'],
};

/** Methods an app-level token may call. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** Refuses an app's token for a method its kind or scopes do not allow; a user's token always passes. */
export function checkScopes(caller: Caller, method: string): void {
  const app = caller.app;
  if (!app) {
    if (APP_TOKEN_METHODS.has(method)) throw new ClientError('not_allowed_token_type');
    return;
  }
  if (app.tokenKind === 'app') {
    if (!APP_TOKEN_METHODS.has(method)) throw new ClientError('not_allowed_token_type');
    return;
  }
  if (APP_TOKEN_METHODS.has(method)) throw new ClientError('not_allowed_token_type');
  const needed = Object.hasOwn(METHOD_SCOPES, method) ? METHOD_SCOPES[method] : undefined;
  if (!needed) throw new ClientError('not_allowed_token_type');
  if (needed.length > 0 && !needed.some((s) => app.scopes.includes(s))) throw new MissingScope(needed.join(','), app.scopes.join(','));
}
