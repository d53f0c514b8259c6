import { api, BenchSocket, Deliveries, devStats, pool, signIn, waitForQuiet, type Member } from '../client';
import { usageBetween } from '../measure';
import { nextTs } from '../../lambdas/core/ts';
import { HOT_CHANNEL_THRESHOLD } from '../../lambdas/core/hot-channels';
import { putAll, setMemberCount } from '../seed';
import { summarize } from '../stats';
import { textFor, type BenchContext } from './context';

/*
 * Scenario 6, the hot channel's read storm: after a post in a channel of 10,000 members (pull: no
 * inbox), its members open it together and each fetches the newest page (conversations.history,
 * limit 100; the channel holds 150 messages of ~100 characters and the post). `fetches` fetches,
 * 20 in flight, by 20 members in turn, four ways:
 *   - uncached: the same channel's twin below the hot threshold, which reads the page every time
 *     (what every fetch cost before the snapshots);
 *   - granted: `latest` = the post's ts and `inclusive`, with the read grant (core/read-grants.ts),
 *     both from the member's `sync` (its hot_channels entry) after the post, as the web client does
 *     on reconnect: no membership read;
 *   - naming the head: the same without the grant: the membership is read on each fetch;
 *   - naming none, as Slack's SDKs ask: the membership and the head are read on each fetch.
 * Read units are every caller's in the window (the syncs come before it).
 */

export interface ReadStormWay {
  rru: number;
  rru_per_fetch: number;
  ms_p50: number;
  ms_p99: number;
}

export interface ReadStormResult {
  fetches: number;
  members: number;
  page: number;
  uncached: ReadStormWay;
  granted: ReadStormWay;
  head_named: ReadStormWay;
  head_read: ReadStormWay;
  /** Uncached read units ÷ the cached way's, for the same fetches. */
  cut_granted: number;
  cut_head_named: number;
  cut_head_read: number;
}

const READERS = 20;
const IN_FLIGHT = 20;
const MESSAGES = 150;
const MEMBERS = 10_000;

export async function runReadStorm(ctx: BenchContext, fetches: number): Promise<ReadStormResult> {
  const readers = await Promise.all(Array.from({ length: READERS }, (_, i) => signIn(ctx.ep, `storm-${ctx.runId}-${i}`, ctx.team)));
  const hot = await stormChannel(ctx, readers, 'hot');
  const twin = await stormChannel(ctx, readers, 'twin');
  await setMemberCount(ctx.table, hot.channelId, Math.max(MEMBERS, HOT_CHANNEL_THRESHOLD + 1));
  await waitForQuiet(ctx.ep);

  // Each member's hot_channels entry, as its sync after the post hands it out.
  const listed = await Promise.all(readers.map(async (r, i) => {
    const socket = await BenchSocket.connect(ctx.ep, r.token, `storm-${ctx.runId}-${i}`, new Deliveries());
    try {
      const reply = await socket.request('sync', {});
      const entry = (reply.hot_channels as { channel: string; latest: string; read_grant?: string }[]).find((h) => h.channel === hot.channelId);
      if (!entry?.read_grant || entry.latest !== hot.head) throw new Error(`sync listed ${JSON.stringify(entry)} for the storm channel`);
      return entry;
    } finally {
      await socket.close();
    }
  }));
  await waitForQuiet(ctx.ep);

  const run = async (channel: string, args: Record<string, unknown>, perReader: (i: number) => Record<string, unknown> = () => ({})): Promise<{ way: ReadStormWay; page: number }> => {
    const before = await devStats(ctx.ep);
    const times: number[] = [];
    let page = 0;
    await pool(Array.from({ length: fetches }, (_, i) => i), IN_FLIGHT, async (i) => {
      const t0 = performance.now();
      const r = await api(ctx.ep, readers[i % READERS].token, 'conversations.history', { channel, limit: 100, ...args, ...perReader(i % READERS) });
      times.push(performance.now() - t0);
      page = (r.messages as unknown[]).length;
    });
    const after = await waitForQuiet(ctx.ep, 400);
    const rru = usageBetween(before, after, ctx.functions).readUnits;
    const s = summarize(times);
    return { way: { rru: round(rru), rru_per_fetch: round(rru / fetches, 3), ms_p50: round(s.p50), ms_p99: round(s.p99) }, page };
  };
  const { way: uncached, page } = await run(twin.channelId, {});
  const { way: granted } = await run(hot.channelId, { inclusive: true }, (i) => ({ latest: listed[i].latest, read_grant: listed[i].read_grant }));
  const { way: headNamed } = await run(hot.channelId, { latest: hot.head, inclusive: true });
  const { way: headRead } = await run(hot.channelId, {});
  const cut = (way: ReadStormWay) => (way.rru > 0 ? round(uncached.rru / way.rru) : NaN);
  return {
    fetches, members: MEMBERS, page, uncached, granted, head_named: headNamed, head_read: headRead,
    cut_granted: cut(granted), cut_head_named: cut(headNamed), cut_head_read: cut(headRead),
  };
}

/** A channel the readers are in, with MESSAGES seeded straight to the table and then one post (which moves the head). */
async function stormChannel(ctx: BenchContext, readers: Member[], name: string): Promise<{ channelId: string; head: string }> {
  const [owner] = readers;
  const channelId = String((await api(ctx.ep, owner.token, 'conversations.create', { name: `bench-storm-${name}-${ctx.runId}`.toLowerCase() })).channel.id);
  for (const r of readers.slice(1)) await api(ctx.ep, r.token, 'conversations.join', { channel: channelId });
  let ts: string | undefined;
  const items = Array.from({ length: MESSAGES }, (_, i) => {
    ts = nextTs(ts);
    return (ctx.table.db.entities.message.put({ channelId, ts, teamId: owner.teamId, userId: owner.userId, text: textFor(`storm-${i}`), threadTs: ts }).params() as { Item: Record<string, unknown> }).Item;
  });
  await putAll(ctx.table, items);
  const posted = await api(ctx.ep, owner.token, 'chat.postMessage', { channel: channelId, text: textFor('storm-post') });
  return { channelId, head: String(posted.ts) };
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
