import { textSetting } from '../config/env';

/** Where permalinks point: the web client's base URL when the deployment gives one (PERMALINK_BASE), else a path. */
const PERMALINK_BASE = textSetting('permalinkBase');

/** Slack's permalink shape: `/archives/<channel>/p<ts>`, and for a reply `?thread_ts=<parent>&cid=<channel>` (search results, chat.getPermalink). */
export function permalink(channelId: string, ts: string, threadTs: string): string {
  const base = `${PERMALINK_BASE}/archives/${channelId}/p${ts}`;
  return threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
}
