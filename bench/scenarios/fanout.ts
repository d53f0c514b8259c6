import { api, BenchSocket, devStats, pool, signIn, sleep, waitForQuiet, type Member } from '../client';
import { costPerMillion } from '../cost';
import { usageBetween } from '../measure';
import { HOT_CHANNEL_THRESHOLD } from '../../lambdas/core/hot-channels';
import { median } from '../stats';
import { addMembers, setMemberCount } from '../seed';
import { BASELINE_CALLER, scanBroadcast } from './baseline';
import { newTag, textFor, type BenchContext } from './context';

/*
 * Scenarios 2 and 3, fan-out scaling: channels of each size with every member online (one device
 * each), all connected at once, so the table holds every channel's connections while each is
 * measured. One message to each channel through the WebSocket `message` action: time to the last
 * delivery, read and write units per message (every caller in the window: the send and the fan-out),
 * @connections calls. Then the Scan baseline at the same size. Connecting stops at the time budget;
 * a size that did not fully connect is measured with whoever did and is the last one.
 *
 * Each room below the hot threshold is measured twice, in one run: as it is (one channel-log entry
 * per event) and then marked hot by its member count (pull: nothing kept, members read history),
 * so the two designs' cost per message by room size come from the same rooms and sockets.
 */

export interface FanoutRow {
  online: number;
  members: number;
  connections: number;
  rru_per_message: number;
  wru_per_message: number;
  ms_to_last: number;
  connections_api_calls: number;
  delivered: number;
  messages: number;
  units_by_caller?: Record<string, { read: number; write: number }>;
  /** Everything the sends cost (frames, Lambda, units), as dollars per million such messages. */
  usd_per_million?: number;
}

export interface FanoutResult {
  sizes: number[];
  connected: Record<string, number>;
  connect_seconds: number;
  stopped: string | null;
  fanout: FanoutRow[];
  /** The rooms below the hot threshold again, marked hot (pull: nothing kept). */
  fanout_pull: FanoutRow[];
  baseline_scan: (FanoutRow & { scanned_items: number; scan_pages: number })[];
}

interface Room {
  size: number;
  channelId: string;
  members: Member[];
  sockets: BenchSocket[];
  owner: BenchSocket;
}

export async function runFanout(ctx: BenchContext, sizes: number[], opts: { budgetSeconds: number; repeats: (size: number) => number }): Promise<FanoutResult> {
  const connectStarted = Date.now();
  const deadline = connectStarted + opts.budgetSeconds * 1000;
  const rooms: Room[] = [];
  let stopped: string | null = null;
  for (const size of sizes) {
    if (Date.now() > deadline) {
      stopped = `time budget (${opts.budgetSeconds} s) spent before ${size}`;
      break;
    }
    const names = Array.from({ length: size }, (_, i) => `fan-${ctx.runId}-${size}-${i}`);
    const members = await pool(names, 16, (n) => signIn(ctx.ep, n, ctx.team));
    const created = await api(ctx.ep, members[0].token, 'conversations.create', { name: `bench-fan-${ctx.runId}-${size}`.toLowerCase() });
    const channelId = String(created.channel.id);
    await addMembers(ctx.table, channelId, members[0].teamId, members.slice(1).map((m) => m.userId));
    await waitForQuiet(ctx.ep, 1000, 600_000);
    await setMemberCount(ctx.table, channelId, size);
    // Member i on sockets[i]; the owner (member 0, the sender) connects first.
    const slots: (BenchSocket | undefined)[] = [];
    let failures = 0;
    await pool(members, 24, async (m, i) => {
      try {
        slots[i] = await BenchSocket.connect(ctx.ep, m.token, 'dev-0', ctx.deliveries);
      } catch {
        failures++;
      }
    }, deadline);
    const owner = slots[0];
    if (!owner) throw new Error(`the owner of the ${size}-member channel could not connect`);
    const sockets = slots.filter((s): s is BenchSocket => s !== undefined);
    rooms.push({ size, channelId, members, sockets, owner });
    ctx.log(`  fan-out: ${size} members, ${sockets.length} connected${failures ? `, ${failures} refused` : ''} (${Math.round((Date.now() - connectStarted) / 1000)} s)`);
    if (sockets.length < size) {
      stopped = `time budget (${opts.budgetSeconds} s) reached while connecting ${size} (${sockets.length} connected)`;
      break;
    }
  }
  const connectSeconds = Math.round((Date.now() - connectStarted) / 1000);
  const total = rooms.reduce((n, r) => n + r.sockets.length, 0);
  await waitForQuiet(ctx.ep, 1000, 600_000);

  const fanout: FanoutResult['fanout'] = [];
  const pull: FanoutResult['fanout_pull'] = [];
  const baseline: FanoutResult['baseline_scan'] = [];
  for (const room of rooms) {
    const reps = opts.repeats(room.size);
    fanout.push(await measureSends(ctx, room, reps, total, 'ours'));
    if (room.size <= HOT_CHANNEL_THRESHOLD) {
      await setMemberCount(ctx.table, room.channelId, HOT_CHANNEL_THRESHOLD + 1);
      await waitForQuiet(ctx.ep, 600);
      pull.push(await measureSends(ctx, room, reps, total, 'pull'));
      await setMemberCount(ctx.table, room.channelId, room.size);
      await waitForQuiet(ctx.ep, 600);
    }
    const recipients = room.sockets.length;

    // Baseline at the same size, measured the same way.
    const userIds = new Set(room.members.map((m) => m.userId));
    const bTimes: number[] = [];
    let bRru = 0, bPosts = 0, bDelivered = 0, scanned = 0, pages = 0;
    const bReps = Math.min(reps, 2);
    for (let r = 0; r < bReps; r++) {
      const before = await devStats(ctx.ep);
      const tag = newTag(`scan${room.size}`);
      const receipts = ctx.deliveries.expect(tag, recipients, 120_000);
      const t0 = performance.now();
      const event = JSON.stringify({ type: 'message', channel: room.channelId, user: room.members[0].userId, text: textFor(tag), ts: '0' });
      const run = await scanBroadcast(ctx.meteredTable, ctx.callbackUrl, userIds, event);
      const got = await receipts;
      bTimes.push(Math.max(...got) - t0);
      bDelivered += got.length;
      const after = await devStats(ctx.ep);
      const usage = usageBetween(before, after, ctx.functions, (name) => name === BASELINE_CALLER);
      bRru += usage.readUnits;
      bPosts += usage.posts;
      scanned = run.scanned;
      pages = run.pages;
    }
    baseline.push({
      online: recipients, members: room.size, connections: total,
      rru_per_message: round2(bRru / bReps), wru_per_message: 0, ms_to_last: Math.round(median(bTimes)),
      connections_api_calls: Math.round(bPosts / bReps), delivered: Math.round(bDelivered / bReps), messages: bReps,
      scanned_items: scanned, scan_pages: pages,
    });
    ctx.log(`  scan ${room.size}: ${round2(bRru / bReps)} RRU per message (${scanned} items scanned in ${pages} pages), last delivery ${Math.round(median(bTimes))} ms`);
  }
  for (let i = 0; i < rooms.length; i++) await pool(rooms[i].sockets, 64, (s) => s.close());
  return {
    sizes,
    connected: Object.fromEntries(rooms.map((r) => [String(r.size), r.sockets.length])),
    connect_seconds: connectSeconds,
    stopped,
    fanout,
    fanout_pull: pull,
    baseline_scan: baseline,
  };
}

/** `reps` messages from the room's owner, each to every online member: units, frames, time to the last delivery. */
async function measureSends(ctx: BenchContext, room: Room, reps: number, connections: number, label: string): Promise<FanoutRow> {
  const recipients = room.sockets.length;
  const times: number[] = [];
  let rru = 0, wru = 0, posts = 0, delivered = 0, framesIn = 0, framesOut = 0, lambdaRequests = 0, lambdaGbSeconds = 0;
  const byCaller: Record<string, { read: number; write: number }> = {};
  for (let r = 0; r < reps; r++) {
    await sleep(1100); // the sender's per-channel bucket
    const before = await devStats(ctx.ep);
    const tag = newTag(`fan${room.size}`);
    const t0 = performance.now();
    const receipts = ctx.deliveries.expect(tag, recipients, 120_000);
    const ack = await room.owner.request('message', { channel: room.channelId, text: textFor(tag) }, 30_000);
    if (ack.type !== 'ack') throw new Error(`send to ${room.size}: ${JSON.stringify(ack)}`);
    const got = await receipts;
    times.push(Math.max(...got) - t0);
    delivered += got.length;
    const after = await waitForQuiet(ctx.ep, 600);
    const usage = usageBetween(before, after, ctx.functions, (name) => name !== BASELINE_CALLER);
    rru += usage.readUnits;
    wru += usage.writeUnits;
    posts += usage.posts;
    framesIn += usage.framesIn;
    framesOut += usage.framesOut;
    lambdaRequests += usage.lambdaRequests;
    lambdaGbSeconds += usage.lambdaGbSeconds;
    for (const [caller, u] of Object.entries(usage.units)) {
      const sum = (byCaller[caller] ??= { read: 0, write: 0 });
      sum.read += u.read;
      sum.write += u.write;
    }
  }
  // Per message, like the totals beside it.
  for (const u of Object.values(byCaller)) Object.assign(u, { read: round2(u.read / reps), write: round2(u.write / reps) });
  const cost = costPerMillion({
    websocketIn: framesIn / reps, websocketOut: framesOut / reps, httpRequests: 0,
    lambdaRequests: lambdaRequests / reps, lambdaGbSeconds: lambdaGbSeconds / reps,
    readUnits: rru / reps, writeUnits: wru / reps,
    floorWebsocketMessages: recipients,
  });
  const row: FanoutRow = {
    online: recipients, members: room.size, connections,
    rru_per_message: round2(rru / reps), wru_per_message: round2(wru / reps), ms_to_last: Math.round(median(times)),
    connections_api_calls: Math.round(posts / reps), delivered: Math.round(delivered / reps), messages: reps, units_by_caller: byCaller,
    usd_per_million: cost.total,
  };
  ctx.log(`  ${label} ${room.size}: ${row.rru_per_message} RRU, ${row.wru_per_message} WRU per message, last delivery ${row.ms_to_last} ms, ${row.connections_api_calls} posts, $${cost.total} per million`);
  return row;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
