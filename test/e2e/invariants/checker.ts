import type { Frame, Recorded, SendRecord } from './chaos-client';

/*
 * The invariant checker: from what every client recorded (sends and their acks, every event live
 * or through sync) and the channels' history read at the end, checks PROTOCOL.md's guarantees:
 *   1-2. every message in history was acknowledged to its sender with that ts (retries of one
 *        client_msg_id give one message), and no acknowledged message is missing from history;
 *   3.   every acknowledged message reached every member device exactly once after dropping
 *        repeated event_ids (live or through sync);
 *   4.   ts strictly increase in history; per channel, each device saw new messages in ts order
 *        within one live connection and within one sync pass.
 * Pure: data in, figures and violations out.
 */

export interface DeviceRecording {
  user: string;
  deviceId: string;
  recorded: Recorded[];
}

export interface HistoryMessage {
  ts: string;
  user: string;
  client_msg_id?: string;
}

export interface CheckInput {
  sends: SendRecord[];
  devices: DeviceRecording[];
  /** Channel id → its member users (static for the run). */
  members: Map<string, string[]>;
  /** Channel id → conversations.history, newest first. */
  history: Map<string, HistoryMessage[]>;
}

export interface Violation {
  kind: 'lost' | 'duplicated' | 'out_of_order_live' | 'out_of_order_sync' | 'unacked_stored' | 'client_msg_id_twice' | 'acked_missing_from_history' | 'ack_ts_mismatch' | 'history_ts_not_increasing';
  detail: string;
}

export interface Figures {
  sent: number;
  acked: number;
  gaveUp: number;
  attempts: number;
  retries: number;
  sendErrors: Record<string, number>;
  expectedDeliveries: number;
  delivered: number;
  deliveredLiveFirst: number;
  deliveredBySyncOnly: number;
  eventsReceivedLive: number;
  eventsReceivedSync: number;
  repeatsDropped: number;
  lost: number;
  duplicatedAfterDedupe: number;
  outOfOrderLive: number;
  outOfOrderSync: number;
  historyMessages: number;
  unackedStored: number;
  ackedMissingFromHistory: number;
  clientMsgIdTwice: number;
  historyTsNotIncreasing: number;
}

const isPlainMessage = (e: Frame) => e.type === 'message' && e.subtype === undefined && typeof e.ts === 'string' && typeof e.channel === 'string';

export function check(input: CheckInput): { figures: Figures; violations: Violation[] } {
  const violations: Violation[] = [];
  const add = (kind: Violation['kind'], detail: string) => violations.push({ kind, detail });
  const acked = input.sends.filter((s) => s.ackTs);
  const sendErrors: Record<string, number> = {};
  for (const s of input.sends) for (const [code, n] of Object.entries(s.errors)) sendErrors[code] = (sendErrors[code] ?? 0) + n;

  // History: ts strictly increasing, one message per client_msg_id, each acknowledged with its ts.
  const ackByClientId = new Map(acked.map((s) => [`${s.channel}/${s.clientMsgId}`, s]));
  const inHistory = new Set<string>();
  let historyMessages = 0;
  for (const [channel, newestFirst] of input.history) {
    const oldestFirst = [...newestFirst].reverse();
    historyMessages += oldestFirst.length;
    const seenClientIds = new Set<string>();
    for (let i = 0; i < oldestFirst.length; i++) {
      const m = oldestFirst[i];
      inHistory.add(`${channel}/${m.ts}`);
      if (i > 0 && !(oldestFirst[i - 1].ts < m.ts)) add('history_ts_not_increasing', `${channel}: ${oldestFirst[i - 1].ts} then ${m.ts}`);
      const key = `${channel}/${m.client_msg_id ?? ''}`;
      if (m.client_msg_id) {
        if (seenClientIds.has(m.client_msg_id)) add('client_msg_id_twice', `${channel}: client_msg_id ${m.client_msg_id} stored twice (${m.ts})`);
        seenClientIds.add(m.client_msg_id);
      }
      const ack = m.client_msg_id ? ackByClientId.get(key) : undefined;
      if (!ack) add('unacked_stored', `${channel}: ${m.ts} (client_msg_id ${m.client_msg_id ?? 'none'}) is stored but was never acknowledged`);
      else if (ack.ackTs !== m.ts) add('ack_ts_mismatch', `${channel}: client_msg_id ${m.client_msg_id} acknowledged as ${ack.ackTs}, stored as ${m.ts}`);
    }
  }
  for (const s of acked) if (!inHistory.has(`${s.channel}/${s.ackTs}`)) add('acked_missing_from_history', `${s.channel}: acknowledged ${s.ackTs} (${s.clientMsgId}) is not in history`);

  // Deliveries and order, per device.
  let expectedDeliveries = 0;
  let delivered = 0;
  let deliveredLiveFirst = 0;
  let eventsReceivedLive = 0;
  let eventsReceivedSync = 0;
  let repeatsDropped = 0;
  let outOfOrderLive = 0;
  let outOfOrderSync = 0;
  let duplicated = 0;
  let lost = 0;
  for (const device of input.devices) {
    const seenEventIds = new Set<string>();
    /** channel/ts → the distinct event_ids that carried that message, and how it first came. */
    const byMessage = new Map<string, { eventIds: Set<string>; firstVia: 'live' | 'sync' | 'ack' }>();
    const liveMax = new Map<string, string>(); // session/channel → highest ts seen live
    const syncMax = new Map<string, string>(); // pass/channel → highest ts seen in the pass
    for (const r of device.recorded) {
      if (r.via === 'sync') eventsReceivedSync++;
      else eventsReceivedLive++;
      const e = r.event;
      const repeat = seenEventIds.has(e.event_id);
      if (repeat) repeatsDropped++;
      seenEventIds.add(e.event_id);
      if (!isPlainMessage(e)) continue;
      const key = `${e.channel}/${e.ts}`;
      const entry = byMessage.get(key) ?? { eventIds: new Set<string>(), firstVia: r.via };
      entry.eventIds.add(e.event_id);
      byMessage.set(key, entry);
      // Only new events count for order: a repeat is dropped by the client before it is shown. An ack's
      // event is the sender's own message, which comes before others' messages still on their way
      // (PROTOCOL: with `echo: false` a client places it by ts); the live order is of what the fan-out posts.
      if (repeat || r.via === 'ack') continue;
      const orderKey = `${r.via === 'live' ? r.session : r.pass}/${e.channel}`;
      const maxes = r.via === 'live' ? liveMax : syncMax;
      const max = maxes.get(orderKey);
      if (max !== undefined && e.ts < max) {
        if (r.via === 'live') outOfOrderLive++;
        else outOfOrderSync++;
        add(r.via === 'live' ? 'out_of_order_live' : 'out_of_order_sync', `${device.deviceId} ${r.via} ${orderKey}: ${e.ts} after ${max}`);
      }
      if (max === undefined || e.ts > max) maxes.set(orderKey, e.ts);
    }
    for (const s of acked) {
      if (!(input.members.get(s.channel) ?? []).includes(device.user)) continue;
      expectedDeliveries++;
      const got = byMessage.get(`${s.channel}/${s.ackTs}`);
      if (!got) {
        lost++;
        add('lost', `${device.deviceId}: ${s.channel}/${s.ackTs} (${s.clientMsgId}) never arrived, live or through sync`);
        continue;
      }
      delivered++;
      if (got.firstVia !== 'sync') deliveredLiveFirst++;
      if (got.eventIds.size > 1) {
        duplicated++;
        add('duplicated', `${device.deviceId}: ${s.channel}/${s.ackTs} arrived under ${got.eventIds.size} different event_ids`);
      }
    }
  }

  const attempts = input.sends.reduce((n, s) => n + s.attempts, 0);
  const count = (kind: Violation['kind']) => violations.filter((v) => v.kind === kind).length;
  return {
    figures: {
      sent: input.sends.length,
      acked: acked.length,
      gaveUp: input.sends.filter((s) => s.gaveUp && !s.ackTs).length,
      attempts,
      retries: attempts - input.sends.length,
      sendErrors,
      expectedDeliveries,
      delivered,
      deliveredLiveFirst,
      deliveredBySyncOnly: delivered - deliveredLiveFirst,
      eventsReceivedLive,
      eventsReceivedSync,
      repeatsDropped,
      lost,
      duplicatedAfterDedupe: duplicated,
      outOfOrderLive,
      outOfOrderSync,
      historyMessages,
      unackedStored: count('unacked_stored'),
      ackedMissingFromHistory: count('acked_missing_from_history'),
      clientMsgIdTwice: count('client_msg_id_twice'),
      historyTsNotIncreasing: count('history_ts_not_increasing'),
    },
    violations,
  };
}
