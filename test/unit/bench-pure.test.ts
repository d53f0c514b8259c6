import { costPerMillion, gbSeconds, PRICES } from '../../bench/cost';
import { judge, markdown, charts, type BenchResult } from '../../bench/report';
import { median, percentile, summarize } from '../../bench/stats';
import { decadeTicks, latencyChart, lineChart, niceTicks } from '../../bench/svg';
import { moduleOf } from '../../bench/scenarios/bundles';
import { billedUnits, callerOf, unitsOf, withCapacityRequested } from '../../local/dev/capacity-meter';

describe('bench statistics', () => {
  it('interpolates percentiles between ranks', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 50)).toBe(5.5);
    expect(percentile(values, 95)).toBeCloseTo(9.55);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarises without sorting the input in place', () => {
    const values = [5, 1, 3];
    const s = summarize(values);
    expect(s).toMatchObject({ n: 3, min: 1, max: 5, p50: 3, mean: 3 });
    expect(values).toEqual([5, 1, 3]);
    expect(summarize([]).n).toBe(0);
  });
});

describe('bench cost model', () => {
  it('prices operations at the DESIGN.md list prices', () => {
    const c = costPerMillion({ websocketIn: 1, websocketOut: 10, httpRequests: 0, lambdaRequests: 1, lambdaGbSeconds: 0.025, readUnits: 4, writeUnits: 10, floorWebsocketMessages: 11 });
    expect(c.breakdown.websocket).toBeCloseTo(11);
    expect(c.breakdown.lambdaRequests).toBeCloseTo(0.2);
    expect(c.breakdown.lambdaCompute).toBeCloseTo(0.025 * 13.3334, 2);
    expect(c.breakdown.dynamodbWrites).toBeCloseTo(6.25);
    expect(c.breakdown.dynamodbReads).toBeCloseTo(0.5);
    expect(c.total).toBeCloseTo(11 + 0.2 + 0.333 + 6.25 + 0.5, 2);
    expect(c.floor).toBe(11);
    expect(c.overFloor).toBeCloseTo(c.total / 11 - 1, 2);
    // The durable floor adds the one write unit that stores the message.
    expect(c.durable_floor).toBe(11.625);
    expect(c.ratio_to_durable_floor).toBeCloseTo(c.total / 11.625, 2);
  });

  it('turns milliseconds at a memory size into GB-seconds', () => {
    expect(gbSeconds(1000, 1024)).toBe(1);
    expect(gbSeconds(100, 256)).toBeCloseTo(0.025);
    expect(PRICES.websocketMessage * 1e6).toBe(1);
  });
});

describe('bench charts', () => {
  it('draws a latency histogram with its CDF and marks as a standalone SVG', () => {
    const svg = latencyChart(Array.from({ length: 500 }, (_, i) => 50 + (i % 100)), { title: 'latency <test>', marks: { p50: 99, p95: 145 } });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toContain('latency &lt;test&gt;');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('p95 145 ms');
    expect(svg).not.toContain('NaN');
    expect(latencyChart([], { title: 'empty' })).toContain('no samples');
  });

  it('draws series on a log x axis with a legend', () => {
    const svg = lineChart([{ name: 'ours', points: [{ x: 10, y: 1 }, { x: 1000, y: 50 }] }, { name: 'scan', points: [{ x: 10, y: 500 }, { x: 1000, y: 600 }] }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true });
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('>ours<');
    expect(svg).toContain('>scan<');
    expect(svg).not.toContain('NaN');
  });

  it('picks ticks', () => {
    expect(niceTicks(97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(decadeTicks(10, 10000)).toEqual([10, 100, 1000, 10000]);
    expect(decadeTicks(Infinity, -Infinity)).toEqual([1, 10]);
    // Without the capacity meter every unit reads 0: a log chart falls back to linear instead of failing.
    expect(lineChart([{ name: 'zero', points: [{ x: 10, y: 0 }] }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true })).not.toContain('NaN');
  });
});

describe('bench capacity meter and bundle analysis helpers', () => {
  it('asks for consumed capacity and sums what answers report', () => {
    expect(JSON.parse(withCapacityRequested('{"TableName":"t"}'))).toEqual({ TableName: 't', ReturnConsumedCapacity: 'INDEXES' });
    expect(withCapacityRequested('{"ReturnConsumedCapacity":"TOTAL"}')).toBe('{"ReturnConsumedCapacity":"TOTAL"}');
    expect(withCapacityRequested('not json')).toBe('not json');
    expect(unitsOf({ ConsumedCapacity: { CapacityUnits: 2.5 } })).toBe(2.5);
    expect(unitsOf({ ConsumedCapacity: [{ CapacityUnits: 6 }, { CapacityUnits: 1 }] })).toBe(7);
    expect(unitsOf({})).toBe(0);
    expect(billedUnits('TransactWriteItems', 3)).toBe(6);
    expect(billedUnits('TransactGetItems', 1)).toBe(2);
    expect(billedUnits('PutItem', 1)).toBe(1);
    expect(billedUnits('BatchWriteItem', 25)).toBe(25);
  });

  it('names the caller from the SDK user agent', () => {
    expect(callerOf({ 'x-amz-user-agent': 'aws-sdk-js/3.1 ua/2.1 app/FanoutHandler50AB9208' })).toBe('FanoutHandler50AB9208');
    expect(callerOf({ 'user-agent': 'curl/8' })).toBe('other');
  });

  it('groups metafile inputs by package', () => {
    expect(moduleOf('node_modules/@aws-sdk/client-dynamodb/dist-es/index.js')).toBe('@aws-sdk/client-dynamodb');
    expect(moduleOf('node_modules/electrodb/src/entity.js')).toBe('electrodb');
    expect(moduleOf('lambdas/core/fanout.ts')).toBe('lambdas/core');
  });
});

describe('bench report', () => {
  const result: BenchResult = {
    timestamp: '2025-01-01T00:00:00.000Z', mode: 'quick',
    machine: { cores: 2, cpu: 'test', memory_gb: 4, node: 'v22', platform: 'linux' }, settings: {},
    latency_ms: { p50: 100, p95: 200, p99: 300 }, throughput_msgs_per_s: 50,
    fanout: [
      { online: 10, members: 10, connections: 10010, rru_per_message: 4, wru_per_message: 13, ms_to_last: 300, connections_api_calls: 10, delivered: 10, messages: 3 },
      { online: 10000, members: 10000, connections: 10010, rru_per_message: 200, wru_per_message: 3, ms_to_last: 4000, connections_api_calls: 10000, delivered: 10000, messages: 1 },
    ],
    baseline_scan: [
      { online: 10, members: 10, connections: 10010, rru_per_message: 1000, wru_per_message: 0, ms_to_last: 900, connections_api_calls: 10, delivered: 10, messages: 2 },
      { online: 10000, members: 10000, connections: 10010, rru_per_message: 1000, wru_per_message: 0, ms_to_last: 5000, connections_api_calls: 10000, delivered: 10000, messages: 2 },
    ],
    history: { ms: 20, rru: 6 },
    bundles: [{ name: 'Fanout/Handler', kb: 660, init_ms: 400, init_ms_node_source_maps: 450, top_contributors: [{ module: 'electrodb', kb: 190 }] }],
    cost_per_million_usd: { ...costPerMillion({ websocketIn: 1, websocketOut: 16, httpRequests: 0, lambdaRequests: 1.2, lambdaGbSeconds: 0.01, readUnits: 4, writeUnits: 17, floorWebsocketMessages: 15 }), per_message: { websocketIn: 1, websocketOut: 16, httpRequests: 0, lambdaRequests: 1.2, lambdaGbSeconds: 0.01, readUnits: 4, writeUnits: 17, floorWebsocketMessages: 15 } },
    targets: [],
    latency_samples: [90, 100, 110, 200, 300],
  };

  it('judges the targets plainly', () => {
    const targets = judge(result);
    const byName = (s: string) => targets.find((t) => t.name.includes(s))!;
    expect(byName('100×').met).toBe(false); // 1000/200 = 5× at 10,000 online
    expect(byName('100×').detail).toContain('10 online: 250×');
    expect(byName('grow with online').met).toBe(true);
    expect(byName('250 KB').met).toBe(false);
    expect(byName('1.10× the durable floor').met).toBe(false);
    expect(byName('initialises in ≤ 50 ms')).toMatchObject({ met: false, detail: '1 of 1 over: Fanout/Handler 400 ms' });
    expect(byName('10,000-member room')).toMatchObject({ met: false, detail: 'last delivery 4000 ms after the send (10000 of 10000 delivered)' });
    // The latency target holds only at the rate it names.
    expect(byName('p99 ≤ 300 ms').met).toBeNull();
    expect(judge({ ...result, settings: { chat: { rate: 20 } } }).find((t) => t.name.includes('p99 ≤ 300 ms'))!.met).toBe(true);
    expect(judge({ ...result, fanout: result.fanout.slice(0, 1) }).find((t) => t.name.includes('10,000-member'))!.met).toBeNull();
  });

  it('judges the read storm by the cut when the client names the head, at 1,000 fetches with units counted, and reports all three ways', () => {
    const way = (rru: number) => ({ rru, rru_per_fetch: rru / 1000, ms_p50: 10, ms_p99: 20 });
    const storm = { fetches: 1000, members: 10_000, page: 100, uncached: way(5000), granted: way(200), head_named: way(1000), head_read: way(1500), cut_granted: 25, cut_head_named: 5, cut_head_read: 3.3 };
    const target = (r: BenchResult) => judge(r).find((t) => t.name.includes('read storm'))!;
    expect(target(result)).toBeUndefined();
    expect(target({ ...result, read_storm: storm })).toMatchObject({ met: true, detail: 'read units uncached 5000, with sync\'s head and read grant 200 (25×); without the grant 1000 (5×), naming no head 1500 (3.3×)' });
    expect(target({ ...result, read_storm: { ...storm, granted: way(1250), cut_granted: 4 } }).met).toBe(false);
    expect(target({ ...result, read_storm: { ...storm, fetches: 20 } }).met).toBeNull();
    expect(target({ ...result, read_storm: { ...storm, uncached: way(0), granted: way(0), head_named: way(0), head_read: way(0), cut_granted: NaN, cut_head_named: NaN, cut_head_read: NaN } }).met).toBeNull();
    expect(markdown({ ...result, read_storm: storm })).toContain('| snapshot, the client names the head and presents its read grant (both from `sync`) | 200 | 0.2 | 25× | 10 | 20 |');
  });

  it('reports what a reconnect costs by channel count', () => {
    const reconnect = [{ channels: 10, connect_rru: 1.5, connect_wru: 11, sync_rru: 3, sync_wru: 1, units_usd_per_million: 8.06 }];
    expect(markdown({ ...result, reconnect })).toContain('| 10 | 1.5 | 11 | 3 | 1 | 8.06 |');
    expect(markdown(result)).not.toContain('What a reconnect costs');
  });

  it('judges search against 200 ms at 1,000,000 messages only, and reports it', () => {
    const query = (kind: string, p95: number) => ({ kind, p50_ms: p95 / 2, p95_ms: p95, mean_total: 10 });
    const search = {
      messages: 1_000_000, channels: 1000, index_seconds: 300, index_msgs_per_s: 3300, batch_ms_p50: 20, index_bytes: 5e8, bytes_per_message: 500,
      queries: [query('rare word', 3), query('common word', 250)], worst_p95_ms: 250,
      cost_usd: { per_million_indexed: 0.1, per_million_queries: 9, storage_per_month_per_million: 0.15, assumptions: 'test' },
    };
    const at1m = judge({ ...result, search }).find((t) => t.name.startsWith('search p95'))!;
    expect(at1m).toMatchObject({ met: false, detail: 'worst p95 250 ms (common word)' });
    expect(judge({ ...result, search: { ...search, messages: 100_000 } }).find((t) => t.name.startsWith('search p95'))!.met).toBeNull();
    expect(judge({ ...result, search }).find((t) => t.name.startsWith('search indexing'))!.met).toBe(true);
    expect(markdown({ ...result, search, targets: [] })).toContain('| common word | 125 | 250 | 10 |');
  });

  it('sets the log, the derived inbox design and pull costs of the same rooms side by side with the durable floor, and charts them', () => {
    const priced = (row: (typeof result.fanout)[number], usd: number) => ({ ...row, usd_per_million: usd });
    const withPull: BenchResult = {
      ...result,
      fanout: [priced(result.fanout[0], 20), priced(result.fanout[1], 10_500)],
      fanout_pull: [{ ...priced(result.fanout[0], 12), wru_per_message: 3 }],
    };
    const md = markdown(withPull);
    // 10 online: floor = 10 frames + 1 write unit = $10.625; the inbox design 9 write units more ($5.625); 10,000 online is pull only.
    expect(md).toContain('| 10 | 13 | 20 | 25.63 | 3 | 4 | 12 | 10.63 | 1.88× | 2.41× | 1.13× |');
    expect(md).toContain('| 10000 | – | – | – | 3 | 200 | 10500 | 10000.63 | – | – | 1.05× |');
    const chart = charts(withPull)['cost-by-room.svg'];
    expect(chart).toContain('channel log (now): 10 → 20');
    expect(chart).toContain('inbox entry per member (before; derived): 10 → 26');
    expect(markdown(result)).not.toContain('by room size');
  });

  it('writes a Markdown summary and four charts', () => {
    const md = markdown({ ...result, targets: judge(result) });
    expect(md).toContain('p50 100 ms');
    expect(md).toContain('| 10000 | 10010 |');
    expect(md).toContain('![latency](latency.svg)');
    expect(Object.keys(charts(result)).sort()).toEqual(['cost-by-room.svg', 'fanout-reads.svg', 'fanout-time.svg', 'latency.svg']);
  });
});
