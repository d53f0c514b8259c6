import { api, BenchSocket, devStats, pool, signIn, sleep, waitForQuiet, type Member } from '../client';
import { usageBetween } from '../measure';
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
}

export interface FanoutResult {
  sizes: number[];
  connected: Record<string, number>;
  connect_seconds: number;
  stopped: string | null;
  fanout: FanoutRow[];
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
  const baseline: FanoutResult['baseline_scan'] = [];
  for (const room of rooms) {
    const online = room.sockets.length;
    const owner = room.owner;
    const recipients = online;
    const reps = opts.repeats(room.size);
    const times: number[] = [];
    let rru = 0, wru = 0, posts = 0, delivered = 0;
    const byCaller: Record<string, { read: number; write: number }> = {};
    for (let r = 0; r < reps; r++) {
      await sleep(1100); // the sender's per-channel bucket
      const before = await devStats(ctx.ep);
      const tag = newTag(`fan${room.size}`);
      const t0 = performance.now();
      const receipts = ctx.deliveries.expect(tag, recipients, 120_000);
      const ack = await owner.request('message', { channel: room.channelId, text: textFor(tag) }, 30_000);
      if (ack.type !== 'ack') throw new Error(`send to ${room.size}: ${JSON.stringify(ack)}`);
      const got = await receipts;
      times.push(Math.max(...got) - t0);
      delivered += got.length;
      const after = await waitForQuiet(ctx.ep, 600);
      const usage = usageBetween(before, after, ctx.functions, (name) => name !== BASELINE_CALLER);
      rru += usage.readUnits;
      wru += usage.writeUnits;
      posts += usage.posts;
      for (const [caller, u] of Object.entries(usage.units)) {
        const sum = (byCaller[caller] ??= { read: 0, write: 0 });
        sum.read += u.read;
        sum.write += u.write;
      }
    }
    // Per message, like the totals beside it.
    for (const u of Object.values(byCaller)) Object.assign(u, { read: round2(u.read / reps), write: round2(u.write / reps) });
    const connections = total;
    fanout.push({
      online: recipients, members: room.size, connections,
      rru_per_message: round2(rru / reps), wru_per_message: round2(wru / reps), ms_to_last: Math.round(median(times)),
      connections_api_calls: Math.round(posts / reps), delivered: Math.round(delivered / reps), messages: reps, units_by_caller: byCaller,
    });
    ctx.log(`  ours ${room.size}: ${round2(rru / reps)} RRU, ${round2(wru / reps)} WRU per message, last delivery ${Math.round(median(times))} ms, ${Math.round(posts / reps)} posts`);

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
      online: recipients, members: room.size, connections,
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
    baseline_scan: baseline,
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
