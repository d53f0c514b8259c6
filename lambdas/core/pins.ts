import { withFileUrls } from '../adapters/media';
import { HTTP_PAGE_BYTES, responseBytes } from './budgets';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { ClientError } from './errors';
import { toSlackMessage } from './format';
import { liveMessage } from './message-edits';
import { table } from './ports';

/*
 * Pins: one item per pinned message beside the channel's messages (lambdas/model/pins.ts). Members
 * pin and unpin; the fan-out turns the pin item's writes into pin_added / pin_removed (lambdas/core/events.ts).
 */

/** pins.list reads at most this many pins (newest message first), and returns those that fit HTTP_PAGE_BYTES. */
export const MAX_LISTED_PINS = 1000;

/** pins.add: a live message of a conversation the caller is in; `already_pinned`. */
export async function addPin(caller: Caller, channelId: string, ts: string) {
  const { channel } = await memberAccess(caller, channelId);
  if (channel.archived === true) throw new ClientError('is_archived');
  await liveMessage(channelId, ts);
  if (!(await table().pins.add(channelId, ts, caller.userId))) throw new ClientError('already_pinned');
  return {};
}

/** pins.remove: `no_pin` when the message is not pinned. */
export async function removePin(caller: Caller, channelId: string, ts: string) {
  await memberAccess(caller, channelId);
  await liveMessage(channelId, ts);
  if (!(await table().pins.remove(channelId, ts))) throw new ClientError('no_pin');
  return {};
}

/** pins.list: Slack's items (`type`, `created`, `created_by`, `channel`, `message`); pins of messages since deleted are left out. */
export async function listPins(caller: Caller, channelId: string) {
  await memberAccess(caller, channelId);
  const pins = await table().pins.list(channelId, MAX_LISTED_PINS);
  const messages = await table().messages.byTs(channelId, pins.map((p) => p.ts));
  const items: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const p of pins) {
    const message = messages.get(p.ts);
    if (!message || message.deleted === true) continue;
    const item = {
      type: 'message', created: Math.floor((p.createdAt ?? 0) / 1000), created_by: p.pinnedBy, channel: channelId,
      message: { ...toSlackMessage(message), pinned_to: [channelId] },
    };
    // Slack's pins.list has no cursor: the newest pins that fit one response (under Lambda's 6 MB).
    bytes += responseBytes(item);
    if (items.length > 0 && bytes > HTTP_PAGE_BYTES) break;
    items.push(item);
  }
  return withFileUrls({ items });
}
