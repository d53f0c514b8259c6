import { durableFloorPerMillion, PRICES, type Cost, type PerMessage } from './cost';
import type { BundleResult } from './scenarios/bundles';
import type { FanoutRow } from './scenarios/fanout';
import type { HistoryResult } from './scenarios/history';
import type { ReadStormResult } from './scenarios/read-storm';
import type { ReconnectRow } from './scenarios/reconnect';
import { searchLines, type SearchBenchResult } from './scenarios/search';
import { latencyChart, lineChart } from './svg';

/* The result file's shape, the targets it is judged against, its Markdown summary and its charts. */

export interface BenchResult {
  timestamp: string;
  mode: 'quick' | 'full' | 'smoke';
  machine: { load_average_at_start?: number[]; cores: number; cpu: string; memory_gb: number; node: string; platform: string };
  settings: Record<string, unknown>;
  latency_ms: { p50: number; p95: number; p99: number };
  throughput_msgs_per_s: number;
  chat?: Record<string, unknown>;
  fanout: FanoutRow[];
  /** The rooms below the hot threshold measured again as hot (pull); absent in results written before it existed. */
  fanout_pull?: FanoutRow[];
  baseline_scan: FanoutRow[];
  fanout_run?: { connected: Record<string, number>; connect_seconds: number; stopped: string | null };
  history: HistoryResult | { ms: number; rru: number };
  /** The hot channel's read storm (bench/scenarios/read-storm.ts); absent in results written before it existed. */
  read_storm?: ReadStormResult;
  bundles: BundleResult[];
  /** The search index alone (bench/scenarios/search.ts); absent in results written before it existed. */
  search?: SearchBenchResult;
  cost_per_million_usd: Cost & { per_message: PerMessage };
  /** What a reconnect costs by the user's channel count; absent in results written before it existed. */
  reconnect?: ReconnectRow[];
  targets: Target[];
  /** Latency samples for the chart (not summarised elsewhere); dropped from latest.json when large. */
  latency_samples?: number[];
}

export interface Target {
  name: string;
  met: boolean | null;
  detail: string;
}

const BUNDLE_LIMIT_KB = 250;

const INIT_LIMIT_MS = 50;
const BIG_ROOM = 10_000;
const BIG_ROOM_LIMIT_MS = 3000;
const LATENCY_P99_LIMIT_MS = 300;
const STORM_CUT = 20;

export function judge(r: Pick<BenchResult, 'fanout' | 'baseline_scan' | 'bundles' | 'cost_per_million_usd' | 'search'> & Partial<Pick<BenchResult, 'latency_ms' | 'settings' | 'read_storm'>>): Target[] {
  const targets: Target[] = [];
  const pairs = r.fanout.map((row) => ({ row, scan: r.baseline_scan.find((b) => b.members === row.members) }));
  const ratios = pairs.filter((p) => p.scan && p.row.rru_per_message > 0).map((p) => ({ online: p.row.online, connections: p.row.connections, ratio: p.scan!.rru_per_message / p.row.rru_per_message }));
  const atScale = ratios.filter((x) => x.connections >= 10_000);
  const ratioText = ratios.map((x) => `${x.online} online: ${Math.round(x.ratio)}×`).join(', ');
  targets.push({
    name: 'read units 100× below the scan baseline at 10,000 connections',
    met: atScale.length ? atScale.every((x) => x.ratio >= 100) : null,
    detail: `${atScale.length ? '' : `not measured at 10,000 connections (largest run: ${Math.max(0, ...ratios.map((x) => x.connections))}); `}scan ÷ ours per message: ${ratioText || 'n/a'}`,
  });
  const grows = r.fanout.length >= 2 ? r.fanout.every((row, i) => i === 0 || row.rru_per_message >= r.fanout[i - 1].rru_per_message * 0.8) : null;
  targets.push({ name: 'read units per message grow with online members only', met: grows, detail: r.fanout.map((row) => `${row.online}: ${row.rru_per_message}`).join(', ') });
  const over = r.bundles.filter((b) => b.kb >= BUNDLE_LIMIT_KB);
  targets.push({
    name: `every handler bundle under ${BUNDLE_LIMIT_KB} KB`,
    met: r.bundles.length ? over.length === 0 : null,
    detail: over.length ? `${over.length} of ${r.bundles.length} over: ${over.map((b) => `${b.name} ${Math.round(b.kb)} KB`).join(', ')}` : `all ${r.bundles.length} under`,
  });
  // As deployed, source maps included: shipped with each bundle and read at the first logged error.
  const slow = r.bundles.filter((b) => b.init_ms > INIT_LIMIT_MS);
  targets.push({
    name: `every handler initialises in ≤ ${INIT_LIMIT_MS} ms, source maps included (read at the first logged error)`,
    met: r.bundles.length ? slow.length === 0 : null,
    detail: slow.length
      ? `${slow.length} of ${r.bundles.length} over: ${slow.map((b) => `${b.name} ${n(b.init_ms, 0)} ms`).join(', ')}`
      : `slowest ${n(Math.max(...r.bundles.map((b) => b.init_ms)), 0)} ms as deployed; with Node's --enable-source-maps (until 2026-12) the slowest is ${n(Math.max(...r.bundles.map((b) => b.init_ms_node_source_maps)), 0)} ms`,
  });
  const big = r.fanout.find((row) => row.online >= BIG_ROOM);
  targets.push({
    name: `a ${BIG_ROOM.toLocaleString('en-US')}-member room fully delivered in ≤ ${BIG_ROOM_LIMIT_MS / 1000} s locally`,
    met: big ? big.ms_to_last <= BIG_ROOM_LIMIT_MS : null,
    detail: big ? `last delivery ${big.ms_to_last} ms after the send (${big.delivered} of ${big.online} delivered)` : `not measured (largest room: ${Math.max(0, ...r.fanout.map((row) => row.online))} online)`,
  });
  if (r.latency_ms) {
    const rate = (r.settings?.chat as { rate?: number } | undefined)?.rate;
    targets.push({
      name: `chat latency p99 ≤ ${LATENCY_P99_LIMIT_MS} ms at 20 msg/s`,
      met: rate === 20 ? r.latency_ms.p99 <= LATENCY_P99_LIMIT_MS : null,
      detail: `p99 ${n(r.latency_ms.p99, 0)} ms at ${rate ?? '?'} msg/s`,
    });
  }
  const c = r.cost_per_million_usd;
  targets.push({
    name: 'cost per million messages ≤ 1.10× the durable floor (frames a message must cost, plus one write unit)',
    met: Number.isFinite(c.ratio_to_durable_floor) ? c.ratio_to_durable_floor <= 1.1 : null,
    detail: `$${c.total} vs durable floor $${c.durable_floor} (${c.ratio_to_durable_floor}×; API Gateway floor alone $${c.floor})`,
  });
  if (r.read_storm) {
    const storm = r.read_storm;
    targets.push({
      name: `a hot channel's read storm (${storm.fetches.toLocaleString('en-US')} fetches of its newest page) cut ≥ ${STORM_CUT}× by a cache never older than the head`,
      met: storm.uncached.rru > 0 && storm.fetches >= 1000 ? storm.cut_granted >= STORM_CUT : null,
      detail: `${storm.uncached.rru > 0 ? '' : 'no read units counted (no capacity meter); '}${storm.fetches < 1000 ? `${storm.fetches} fetches only; ` : ''}read units uncached ${n(storm.uncached.rru)}, with sync's head and read grant ${n(storm.granted.rru)} (${n(storm.cut_granted)}×); without the grant ${n(storm.head_named.rru)} (${n(storm.cut_head_named)}×), naming no head ${n(storm.head_read.rru)} (${n(storm.cut_head_read)}×)`,
    });
  }
  if (r.search) {
    const s = r.search;
    const at = `${s.messages.toLocaleString('en-US')} messages`;
    targets.push({
      name: 'search p95 ≤ 200 ms for every kind of query at 1,000,000 messages',
      met: s.messages >= 1_000_000 ? s.worst_p95_ms <= 200 : null,
      detail: `${s.messages >= 1_000_000 ? '' : `measured at ${at} only; `}worst p95 ${s.worst_p95_ms} ms (${s.queries.find((q) => q.p95_ms === s.worst_p95_ms)?.kind})`,
    });
    targets.push({ name: 'search indexing keeps up with 100 msg/s', met: s.index_msgs_per_s >= 100, detail: `${s.index_msgs_per_s} msg/s at ${at}` });
  }
  return targets;
}

const n = (v: number, d = 1) => (Number.isFinite(v) ? String(Math.round(v * 10 ** d) / 10 ** d) : '–');
const mark = (t: Target) => (t.met === null ? '–' : t.met ? '✅' : '❌');

export function markdown(r: BenchResult): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# Benchmark results (${r.mode})`, '', `${r.timestamp} · ${m.cores} cores (${m.cpu}) · ${m.memory_gb} GB · Node ${m.node} · ${m.platform}${m.load_average_at_start ? ` · load average at start ${m.load_average_at_start.join(' / ')} (a shared machine: times are noisy)` : ''}. Local cloud on loopback (DynamoDB Local, worker-thread functions), so absolute times are this machine's; units and call counts are what AWS would bill.`, '');
  lines.push('## Targets', '', '| target | | measured |', '| --- | --- | --- |');
  for (const t of r.targets) lines.push(`| ${t.name} | ${mark(t)} | ${t.detail} |`);
  lines.push('', '## Chat (10-member channels)', '');
  lines.push(`Latency send → delivery: **p50 ${n(r.latency_ms.p50, 0)} ms, p95 ${n(r.latency_ms.p95, 0)} ms, p99 ${n(r.latency_ms.p99, 0)} ms**; sustained **${n(r.throughput_msgs_per_s)} messages/s** fully delivered.`, '');
  lines.push('![latency](latency.svg)', '');
  lines.push('## Fan-out by channel size', '');
  if (r.fanout_run?.stopped) lines.push(`Stopped: ${r.fanout_run.stopped}.`, '');
  lines.push('| online | connections in table | ours: RRU/msg | ours: WRU/msg | ours: ms to last | @connections | scan: RRU/msg | scan: ms to last | scan ÷ ours (reads) |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of r.fanout) {
    const scan = r.baseline_scan.find((b) => b.members === row.members);
    lines.push(`| ${row.online} | ${row.connections} | ${n(row.rru_per_message)} | ${n(row.wru_per_message)} | ${row.ms_to_last} | ${row.connections_api_calls} | ${scan ? n(scan.rru_per_message) : '–'} | ${scan ? scan.ms_to_last : '–'} | ${scan && row.rru_per_message > 0 ? `${Math.round(scan.rru_per_message / row.rru_per_message)}×` : '–'} |`);
  }
  lines.push('', '![fan-out time](fanout-time.svg) ![fan-out reads](fanout-reads.svg)', '');
  if (r.fanout_pull?.length) lines.push(...roomCostLines(r), '');
  lines.push('## History', '', `A page of 100 messages (conversations.history): **${n(r.history.ms)} ms** (median), **${n(r.history.rru, 2)} read units** per page.`, '');
  if (r.read_storm) lines.push(...readStormLines(r.read_storm), '');
  lines.push('## Bundles and cold start', '', '| function | KB | init ms (as deployed: map read at the first logged error) | init ms (with --enable-source-maps) | top contributors (KB) |', '| --- | ---: | ---: | ---: | --- |');
  for (const b of r.bundles) lines.push(`| ${b.name} | ${n(b.kb, 0)} | ${n(b.init_ms, 0)} | ${n(b.init_ms_node_source_maps, 0)} | ${b.top_contributors.slice(0, 5).map((c) => `${c.module} ${n(c.kb, 0)}`).join(', ')} |`);
  const c = r.cost_per_million_usd;
  const p = c.per_message;
  lines.push('', '## Cost per million messages (10-member channels, measured)', '', '| part | per message | $ per million |', '| --- | ---: | ---: |');
  lines.push(`| WebSocket messages in + out | ${n(p.websocketIn, 2)} + ${n(p.websocketOut, 2)} | ${n(c.breakdown.websocket, 2)} |`);
  lines.push(`| HTTP API requests | ${n(p.httpRequests, 2)} | ${n(c.breakdown.http, 2)} |`);
  lines.push(`| Lambda requests | ${n(p.lambdaRequests, 3)} | ${n(c.breakdown.lambdaRequests, 2)} |`);
  lines.push(`| Lambda compute (arm64) | ${n(p.lambdaGbSeconds * 1000, 2)} GB-ms | ${n(c.breakdown.lambdaCompute, 2)} |`);
  lines.push(`| DynamoDB write units | ${n(p.writeUnits, 2)} | ${n(c.breakdown.dynamodbWrites, 2)} |`);
  lines.push(`| DynamoDB read units | ${n(p.readUnits, 2)} | ${n(c.breakdown.dynamodbReads, 2)} |`);
  lines.push(`| **total** | | **${n(c.total, 2)}** |`, `| floor: API Gateway WebSocket messages alone (${n(p.floorWebsocketMessages, 1)}) | | ${n(c.floor, 2)} |`, `| durable floor: those frames and one write unit (total ÷ it: ${c.ratio_to_durable_floor}×) | | ${n(c.durable_floor, 2)} |`, '');
  if (r.reconnect?.length) {
    lines.push('## What a reconnect costs (a user in N channels, nothing missed)', '', '| channels | $connect RRU | $connect WRU | sync RRU | sync WRU | units, $ per million reconnects |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of r.reconnect) lines.push(`| ${row.channels} | ${n(row.connect_rru)} | ${n(row.connect_wru)} | ${n(row.sync_rru)} | ${n(row.sync_wru)} | ${n(row.units_usd_per_million, 2)} |`);
    lines.push('');
  }
  if (r.search) lines.push('## Search index (SQLite FTS5)', '', ...searchLines(r.search), '');
  lines.push('Settings: `' + JSON.stringify(r.settings) + '`', '');
  return lines.join('\n');
}

/** The pull rows beside the channel-log rows of the same rooms, and the rooms that are hot by size (pull only). */
function roomCosts(r: BenchResult): { online: number; members: number; log?: FanoutRow; pull?: FanoutRow }[] {
  const pulls = r.fanout_pull ?? [];
  return r.fanout.filter((row) => row.usd_per_million !== undefined).map((row) => {
    const pull = pulls.find((p) => p.members === row.members);
    return pull ? { online: row.online, members: row.members, log: row, pull } : { online: row.online, members: row.members, pull: row };
  });
}

/**
 * The design before the channel logs (until 2026-12-07: an inbox entry per member, the log entry
 * included), from this run's log row: the same sends, and one write unit more per other member.
 */
export const inboxDesignPerMillion = (log: FanoutRow, members: number) => Math.round(((log.usd_per_million ?? NaN) + (members - 1) * PRICES.writeUnit * 1e6) * 100) / 100;

function roomCostLines(r: BenchResult): string[] {
  const lines = [
    '## Cost per million messages by room size: a channel log, an inbox entry per member (before), or pull', '',
    'Every member online, one device each; the same rooms and sockets, measured first as they are (below the hot threshold: one channel-log entry per event) and then marked hot by their member count (pull: nothing kept; an offline member reads the channel\'s history when it opens it, a read the row does not include). Rooms past the threshold are pull only. The design before the logs (an inbox entry per member) is derived from the log row: the same sends and one write unit more per other member. Everything the sends cost: frames, Lambda, units.', '',
    '| online | log: WRU/msg | log: $/M | inbox per member (before): $/M | pull: WRU/msg | pull: RRU/msg | pull: $/M | durable floor $/M | log ÷ floor | inbox ÷ floor | pull ÷ floor |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { online, members, log, pull } of roomCosts(r)) {
    // Its frames: 1 in, 1 out to each other device.
    const floor = durableFloorPerMillion(online);
    const ratio = (usd?: number) => (usd !== undefined && Number.isFinite(usd) ? `${n(usd / floor, 2)}×` : '–');
    const inbox = log ? inboxDesignPerMillion(log, members) : undefined;
    lines.push(`| ${online} | ${log ? n(log.wru_per_message) : '–'} | ${log ? n(log.usd_per_million ?? NaN, 2) : '–'} | ${inbox !== undefined ? n(inbox, 2) : '–'} | ${pull ? n(pull.wru_per_message) : '–'} | ${pull ? n(pull.rru_per_message) : '–'} | ${pull ? n(pull.usd_per_million ?? NaN, 2) : '–'} | ${n(floor, 2)} | ${ratio(log?.usd_per_million)} | ${ratio(inbox)} | ${ratio(pull?.usd_per_million)} |`);
  }
  lines.push('', '![cost by room size](cost-by-room.svg)');
  return lines;
}

export function charts(r: BenchResult): Record<string, string> {
  const costs = roomCosts(r);
  const rows = (list: FanoutRow[], pick: (row: FanoutRow) => number) => list.map((row) => ({ x: row.online, y: pick(row) }));
  return {
    'latency.svg': latencyChart(r.latency_samples ?? [], { title: 'Chat: send → delivery latency (10-member channels)', marks: { p50: r.latency_ms.p50, p95: r.latency_ms.p95, p99: r.latency_ms.p99 } }),
    'fanout-time.svg': lineChart(
      [{ name: 'ours: LIVE# subscriptions (from send)', points: rows(r.fanout, (x) => x.ms_to_last) }, { name: 'baseline: Scan + post (from scan start)', points: rows(r.baseline_scan, (x) => x.ms_to_last) }],
      { title: 'Fan-out: time to the last delivery', xLabel: 'online members', yLabel: 'ms', logY: true },
    ),
    'fanout-reads.svg': lineChart(
      [{ name: 'ours', points: rows(r.fanout, (x) => x.rru_per_message) }, { name: 'baseline: Scan of connections', points: rows(r.baseline_scan, (x) => x.rru_per_message) }],
      { title: 'Fan-out: DynamoDB read units per message', xLabel: 'online members', yLabel: 'read units', logY: true },
    ),
    'cost-by-room.svg': lineChart(
      [
        { name: 'inbox entry per member (before; derived)', points: costs.flatMap((c) => (c.log ? [{ x: c.online, y: inboxDesignPerMillion(c.log, c.members) }] : [])) },
        { name: 'channel log (now)', points: costs.flatMap((c) => (c.log ? [{ x: c.online, y: c.log.usd_per_million ?? NaN }] : [])) },
        { name: 'pull (hot: nothing kept)', points: costs.flatMap((c) => (c.pull ? [{ x: c.online, y: c.pull.usd_per_million ?? NaN }] : [])) },
        { name: 'durable floor', points: costs.map((c) => ({ x: c.online, y: durableFloorPerMillion(c.online) })) },
      ],
      { title: 'Cost per million messages by room size (every member online)', xLabel: 'online members', yLabel: '$ per million', logY: true },
    ),
  };
}

function readStormLines(storm: ReadStormResult): string[] {
  const row = (way: string, w: ReadStormResult['uncached'], cut: string) => `| ${way} | ${n(w.rru)} | ${n(w.rru_per_fetch, 3)} | ${cut} | ${n(w.ms_p50)} | ${n(w.ms_p99)} |`;
  return [
    '## Hot channel read storm',
    '',
    `${storm.fetches.toLocaleString('en-US')} fetches of the newest page (${storm.page} messages) of a ${storm.members.toLocaleString('en-US')}-member channel after a post, 20 in flight. Uncached is the same channel below the hot threshold.`,
    '',
    '| way | read units | per fetch | cut | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('uncached (every fetch reads the membership and the page)', storm.uncached, '1×'),
    row('snapshot, the client names the head and presents its read grant (both from `sync`)', storm.granted, `${n(storm.cut_granted)}×`),
    row('snapshot, the client names the head (`latest`, `inclusive`), no grant: the membership read each time', storm.head_named, `${n(storm.cut_head_named)}×`),
    row('snapshot, the client names none (the membership and the head read each time)', storm.head_read, `${n(storm.cut_head_read)}×`),
  ];
}
