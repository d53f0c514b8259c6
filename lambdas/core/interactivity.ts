import { randomUUID } from 'node:crypto';
import type { AppItem, MessageItem } from '../model/service';
import { nowSeconds } from '../model/store';
import { dispatchOverHttp, dispatchOverSocket } from './app-dispatch';
import { newWebhookSecret, tokenHash } from './app-tokens';
import { parseStored } from './blocks';
import type { Caller } from './caller';
import { access } from './channels';
import { ClientError } from './errors';
import { toSlackMessage } from './format';
import { liveMessage } from './message-edits';
import { table } from './ports';
import { RESPONSE_URL_SECONDS } from './slash-commands';
import { stableId } from './stable-id';

/*
 * Block actions: a person clicks a button (or picks a static_select option) in a message an app's
 * bot posted. Slack's own client API for this is private; `blocks.action` is ours. The app gets
 * Slack's `block_actions` payload, over Socket Mode as an `interactive` envelope (acked within 3 s)
 * or as a signed form POST (`payload=<json>`) to its interactivity request URL, with a response_url
 * that can replace or delete the message (lambdas/core/slash-commands.ts respondToCommand).
 */

export interface ActionInput {
  channelId: string;
  ts: string;
  actionId: string;
  blockId?: string;
  value?: string;
  /** static_select: the chosen option's value. */
  selectedValue?: string;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The element types a click may come from. */
const CLICKABLE = new Set(['button', 'static_select']);

interface FoundElement {
  element: Json;
  blockId: string;
}

/**
 * The interactive element with this action_id in a message's blocks (`actions` blocks' elements,
 * `section` accessories). A block without a `block_id` gets one derived from the message and its
 * place, as Slack fills one in.
 */
export function findElement(blocks: unknown[], ts: string, actionId: string, blockId?: string): FoundElement | undefined {
  for (const [i, block] of blocks.entries()) {
    if (!isRecord(block)) continue;
    const id = typeof block.block_id === 'string' && block.block_id !== '' ? block.block_id : stableId('b', ts, String(i)).slice(0, 6);
    if (blockId && blockId !== id) continue;
    const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.type === 'section' && block.accessory ? [block.accessory] : [];
    const element = elements.find((e): e is Json => isRecord(e) && e.action_id === actionId && typeof e.type === 'string' && CLICKABLE.has(e.type));
    if (element) return { element, blockId: id };
  }
  return undefined;
}

/** The static_select option with this value (its `options` or `option_groups`). */
function optionOf(element: Json, value: string | undefined): Json | undefined {
  if (value === undefined) return undefined;
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isRecord).flatMap((g) => (Array.isArray(g.options) ? g.options : [])) : [];
  const options = [...(Array.isArray(element.options) ? element.options : []), ...groups];
  return options.find((o): o is Json => isRecord(o) && o.value === value);
}

/** The action as Slack reports it: the element's own fields (never the client's word for its value), and when. */
export function actionOf(found: FoundElement, input: Pick<ActionInput, 'value' | 'selectedValue'>, actionTs: string): Json {
  const { element, blockId } = found;
  const base = { action_id: element.action_id, block_id: blockId, type: element.type, action_ts: actionTs };
  if (element.type === 'static_select') {
    const option = optionOf(element, input.selectedValue);
    if (!option) throw new ClientError('invalid_action');
    return { ...base, selected_option: { text: option.text, value: option.value }, ...(element.placeholder ? { placeholder: element.placeholder } : {}) };
  }
  if (input.value !== undefined && input.value !== (element.value ?? '')) throw new ClientError('invalid_action');
  return {
    ...base, text: element.text, ...(typeof element.value === 'string' ? { value: element.value } : {}),
    ...(typeof element.style === 'string' ? { style: element.style } : {}), ...(typeof element.url === 'string' ? { url: element.url } : {}),
  };
}

async function appOfBot(teamId: string, message: MessageItem): Promise<AppItem | undefined> {
  return (await table().apps.ofTeam(teamId)).find((a) => a.botUserId === message.userId);
}

/** blocks.action: a member clicked an element of an app's message; the app gets `block_actions`. */
export async function clickAction(caller: Caller, input: ActionInput, apiBaseUrl: string): Promise<Record<string, never>> {
  if (caller.app) throw new ClientError('not_allowed_token_type');
  const { channel, membership } = await access(caller, input.channelId);
  // Only members act on a conversation's messages; to anyone else it is not there.
  if (!membership) throw new ClientError('channel_not_found');
  const message = await liveMessage(input.channelId, input.ts);
  const app = await appOfBot(caller.teamId, message);
  const found = app ? findElement(parseStored(message.blocks) ?? [], message.ts, input.actionId, input.blockId) : undefined;
  if (!app || !found) throw new ClientError('invalid_action');
  const actionTs = (Date.now() / 1000).toFixed(6);
  const action = actionOf(found, input, actionTs);
  if (app.interactive !== true) throw new ClientError('dispatch_failed');

  const secret = newWebhookSecret();
  await table().apps.putResponseUrl({
    urlHash: tokenHash(secret), teamId: caller.teamId, appId: app.appId, channelId: channel.channelId, userId: caller.userId,
    messageTs: message.ts, expiresAt: nowSeconds() + RESPONSE_URL_SECONDS,
  });
  const payload = {
    type: 'block_actions',
    user: { id: caller.userId, username: caller.userName, name: caller.userName, team_id: caller.teamId },
    api_app_id: app.appId,
    // Slack's legacy verification token: Bolt ignores it (requests are signed).
    token: stableId('V', 'verification', app.appId),
    container: { type: 'message', message_ts: message.ts, channel_id: channel.channelId, is_ephemeral: false },
    trigger_id: `${Date.now()}.${randomUUID().replace(/-/g, '')}`,
    team: { id: caller.teamId, domain: caller.teamId.toLowerCase() },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.channelId, name: channel.kind === 'im' ? 'directmessage' : channel.kind === 'mpim' ? 'privategroup' : channel.name },
    message: { ...toSlackMessage(message), bot_id: app.botId, app_id: app.appId },
    state: { values: {} },
    response_url: `${apiBaseUrl}/commands/${app.appId}?s=${secret}`,
    actions: [action],
  };
  if (app.socketMode && !app.interactivityUrl) await dispatchOverSocket(app, 'interactive', payload, false);
  else await dispatchOverHttp(app, app.interactivityUrl, { payload: JSON.stringify(payload) }, 'block action');
  return {};
}
