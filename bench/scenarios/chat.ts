import { randomUUID } from 'node:crypto';
import { api, BenchSocket, devStats, pool, signIn, sleep, waitForQuiet, type Member } from '../client';
import { usageBetween, type Usage } from '../measure';
import { summarize, type Summary } from '../stats';
import { newTag, textFor, type BenchContext } from './context';

/*
 * Scenario 1, chat: channels of 10 members, half of them on two devices, everyone online. Phase
 * "steady" sends at a fixed rate spread over senders (well under the per-user limit of 1 message/s
 * per channel) and measures send → delivery latency on every device of the channel. Phase "peak"
 * has every user send one message a second (the per-user limit) and measures what is sustained.
 * Sends use the WebSocket `message` action; latency counts from the send to each receipt
 * (including the sending device's own copy), so it includes the stream's polling interval.
 */

export interface ChatSettings {
  channels: number;
  membersPerChannel: number;
  /** Steady phase: messages per second over all channels, and seconds. */
  rate: number;
  seconds: number;
  /** Peak phase: seconds (0 skips it) and messages per second offered, spread over all users (at most 1/s each, the per-user limit). */
  peakSeconds: number;
  peakRate: number;
}

export interface PhaseResult {
  offered_msgs_per_s: number;
  sent: number;
  acked: number;
  fully_delivered: number;
  deliveries: number;
  expected_deliveries: number;
  achieved_msgs_per_s: number;
  latency_ms: Summary;
  ack_ms: Summary;
}

export interface ChatResult {
  settings: ChatSettings & { devices: number; connections: number };
  steady: PhaseResult;
  peak?: PhaseResult;
  /** Usage of the steady phase (the cost model's input), per message sent. */
  usage: Usage;
  messages: number;
  recipients_per_message: number;
  samples: number[];
}

interface Room {
  channelId: string;
  members: Member[];
  sockets: BenchSocket[][];
  devices: number;
}

async function setUp(ctx: BenchContext, s: ChatSettings): Promise<Room[]> {
  const names = Array.from({ length: s.channels * s.membersPerChannel }, (_, i) => `chat-${ctx.runId}-${i}`);
  const members = await pool(names, 16, (n) => signIn(ctx.ep, n, ctx.team));
  const rooms: Room[] = [];
  for (let c = 0; c < s.channels; c++) {
    const group = members.slice(c * s.membersPerChannel, (c + 1) * s.membersPerChannel);
    const created = await api(ctx.ep, group[0].token, 'conversations.create', { name: `bench-chat-${ctx.runId}-${c}`.toLowerCase() });
    const channelId = String(created.channel.id);
    await pool(group.slice(1), 8, (m) => api(ctx.ep, m.token, 'conversations.join', { channel: channelId }));
    rooms.push({ channelId, members: group, sockets: [], devices: 0 });
  }
  await waitForQuiet(ctx.ep);
  // Even-numbered members on two devices, the others on one.
  await pool(rooms, 4, async (room) => {
    room.sockets = await Promise.all(room.members.map((m, i) => Promise.all(Array.from({ length: i % 2 === 0 ? 2 : 1 }, (_, d) => BenchSocket.connect(ctx.ep, m.token, `dev-${d}`, ctx.deliveries)))));
    room.devices = room.sockets.reduce((n, s) => n + s.length, 0);
  });
  await waitForQuiet(ctx.ep);
  return rooms;
}

async function phase(ctx: BenchContext, sends: { room: Room; sender: number; at: number }[], offered: number): Promise<PhaseResult & { samples: number[] }> {
  const started = performance.now();
  const waits: Promise<void>[] = [];
  const latencies: number[] = [];
  const acks: number[] = [];
  let acked = 0;
  let full = 0;
  let lastDelivery = started;
  for (const send of sends) {
    const wait = started + send.at - performance.now();
    if (wait > 1) await sleep(wait);
    const tag = newTag('chat');
    const t0 = performance.now();
    const received = ctx.deliveries.expect(tag, send.room.devices, 60_000);
    const ack = send.room.sockets[send.sender][0]
      .request('message', { channel: send.room.channelId, text: textFor(tag), client_msg_id: randomUUID(), echo: false }, 60_000)
      .then((r) => {
        if (r.type === 'ack') {
          acked++;
          acks.push(performance.now() - t0);
        }
      }, () => undefined);
    waits.push(
      Promise.all([received, ack]).then(([times]) => {
        for (const t of times) latencies.push(t - t0);
        if (times.length >= send.room.devices) full++;
        if (times.length) lastDelivery = Math.max(lastDelivery, ...times);
      }),
    );
  }
  await Promise.all(waits);
  const seconds = Math.max(0.001, (lastDelivery - started) / 1000);
  return {
    offered_msgs_per_s: offered,
    sent: sends.length,
    acked,
    fully_delivered: full,
    deliveries: latencies.length,
    expected_deliveries: sends.reduce((n, s) => n + s.room.devices, 0),
    achieved_msgs_per_s: Math.round((full / seconds) * 10) / 10,
    latency_ms: summarize(latencies),
    ack_ms: summarize(acks),
    samples: latencies,
  };
}

export async function runChat(ctx: BenchContext, s: ChatSettings): Promise<ChatResult> {
  const rooms = await setUp(ctx, s);
  const connections = rooms.reduce((n, r) => n + r.devices, 0);
  ctx.log(`  chat: ${rooms.length} channels × ${s.membersPerChannel} members, ${connections} connections`);

  // Warm-up (not measured): one message per room, so instances are started before the clock runs.
  await phase(ctx, rooms.map((room) => ({ room, sender: 0, at: 0 })), 0);
  await waitForQuiet(ctx.ep);

  // Steady: message i goes to room i mod C from member (i div C) mod M, every 1000/rate ms.
  const total = Math.round(s.rate * s.seconds);
  const steadySends = Array.from({ length: total }, (_, i) => ({ room: rooms[i % rooms.length], sender: Math.floor(i / rooms.length) % s.membersPerChannel, at: (i * 1000) / s.rate }));
  const before = await devStats(ctx.ep);
  const steady = await phase(ctx, steadySends, s.rate);
  const after = await waitForQuiet(ctx.ep);
  const usage = usageBetween(before, after, ctx.functions);
  ctx.log(`  steady ${s.rate}/s for ${s.seconds} s: p50 ${steady.latency_ms.p50.toFixed(0)} ms, p95 ${steady.latency_ms.p95.toFixed(0)} ms, p99 ${steady.latency_ms.p99.toFixed(0)} ms; ${steady.fully_delivered}/${steady.sent} fully delivered`);

  let peak: PhaseResult | undefined;
  if (s.peakSeconds > 0) {
    await sleep(1500); // let the per-user buckets refill
    const users = rooms.flatMap((room) => room.members.map((_, sender) => ({ room, sender })));
    const rate = Math.min(s.peakRate, users.length);
    const peakSends = Array.from({ length: Math.round(rate * s.peakSeconds) }, (_, i) => ({ ...users[i % users.length], at: (i * 1000) / rate }));
    const { samples: _ignored, ...result } = await phase(ctx, peakSends, rate);
    peak = result;
    ctx.log(`  peak ${rate}/s offered for ${s.peakSeconds} s: ${peak.achieved_msgs_per_s} msgs/s fully delivered, p95 ${peak.latency_ms.p95.toFixed(0)} ms, acked ${peak.acked}/${peak.sent}`);
    await waitForQuiet(ctx.ep);
  }
  await Promise.all(rooms.flatMap((r) => r.sockets.flat().map((sock) => sock.close())));
  const { samples, ...steadyResult } = steady;
  return {
    settings: { ...s, devices: connections / (rooms.length * s.membersPerChannel), connections },
    steady: steadyResult,
    ...(peak ? { peak } : {}),
    usage,
    messages: steady.sent,
    recipients_per_message: connections / rooms.length,
    samples,
  };
}
