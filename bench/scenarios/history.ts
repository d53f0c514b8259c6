import { api, devStats, signIn, waitForQuiet } from '../client';
import { usageBetween } from '../measure';
import { nextTs } from '../../lambdas/core/ts';
import { putAll } from '../seed';
import { summarize, type Summary } from '../stats';
import { textFor, type BenchContext } from './context';

/*
 * Scenario 4, history: conversations.history of a page of 100 (a channel of 150 messages of ~100
 * characters, written straight to the table with the model's entities), N calls: latency at the
 * client and read units per call (every caller in the window: the HTTP function).
 */

export interface HistoryResult {
  ms: number;
  ms_summary: Summary;
  rru: number;
  page: number;
  calls: number;
}

export async function runHistory(ctx: BenchContext, calls: number): Promise<HistoryResult> {
  const reader = await signIn(ctx.ep, `history-${ctx.runId}`, ctx.team);
  const created = await api(ctx.ep, reader.token, 'conversations.create', { name: `bench-history-${ctx.runId}`.toLowerCase() });
  const channelId = String(created.channel.id);
  let ts: string | undefined;
  const items = Array.from({ length: 150 }, (_, i) => {
    ts = nextTs(ts);
    const text = textFor(`history-${i}`);
    return (ctx.table.db.entities.message.put({ channelId, ts, teamId: reader.teamId, userId: reader.userId, text, threadTs: ts }).params() as { Item: Record<string, unknown> }).Item;
  });
  await putAll(ctx.table, items);
  await waitForQuiet(ctx.ep);
  await api(ctx.ep, reader.token, 'conversations.history', { channel: channelId, limit: 100 }); // warm
  const before = await devStats(ctx.ep);
  const times: number[] = [];
  let page = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const r = await api(ctx.ep, reader.token, 'conversations.history', { channel: channelId, limit: 100 });
    times.push(performance.now() - t0);
    page = r.messages.length;
  }
  const after = await waitForQuiet(ctx.ep, 400);
  const usage = usageBetween(before, after, ctx.functions);
  const summary = summarize(times);
  return { ms: Math.round(summary.p50 * 10) / 10, ms_summary: summary, rru: Math.round((usage.readUnits / calls) * 100) / 100, page, calls };
}
