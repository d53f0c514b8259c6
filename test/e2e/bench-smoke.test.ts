import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { runBench } from '../../bench/run';
import { LOCAL_CREDENTIALS } from '../../local/storage/dynamodb/dynamodb-local';
import { isLocal, target } from './harness/target';

/*
 * Keeps `npm run bench` working: its smallest scenario set (one channel of 10 members, a handful of
 * messages, a 10-member fan-out and its scan baseline, two history pages, one bundle) against the
 * suite's local cloud, then the result files' shape. No figure is judged here (the shared cloud
 * runs other tests at the same time and has no capacity meter).
 */

const describeLocal = isLocal() ? describe : describe.skip;

describeLocal('bench harness smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'teamchat-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the smoke scenarios and writes results of the documented shape', async () => {
    await runBench({ mode: 'smoke', synth: false, outDir: out, outputsFile: process.env.E2E_OUTPUTS_FILE, log: () => undefined });
    for (const f of ['latest.json', 'latest.md', 'latency.svg', 'fanout-time.svg', 'fanout-reads.svg', 'cost-by-room.svg']) expect(existsSync(join(out, f))).toBe(true);
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    for (const k of ['p50', 'p95', 'p99']) expect(typeof r.latency_ms[k]).toBe('number');
    expect(r.latency_ms.p50).toBeGreaterThan(0);
    expect(typeof r.throughput_msgs_per_s).toBe('number');
    // The 10-member room again as hot (pull): delivered to everyone, and priced like the inbox row.
    expect(r.fanout_pull).toEqual([expect.objectContaining({ online: 10, delivered: 10, usd_per_million: expect.any(Number) })]);
    expect(r.fanout[0].usd_per_million).toEqual(expect.any(Number));
    for (const list of [r.fanout, r.fanout_pull, r.baseline_scan]) {
      expect(list.length).toBeGreaterThan(0);
      for (const row of list) for (const k of ['online', 'connections', 'rru_per_message', 'wru_per_message', 'ms_to_last']) expect(typeof row[k]).toBe('number');
    }
    expect(r.fanout[0].online).toBe(10);
    expect(r.fanout[0].delivered).toBe(10);
    expect(typeof r.history.ms).toBe('number');
    expect(typeof r.history.rru).toBe('number');
    // The read storm: each way fetched the full page (units read 0 here: this cloud has no capacity meter).
    expect(r.read_storm).toEqual(expect.objectContaining({ fetches: 20, page: 100 }));
    for (const way of ['uncached', 'granted', 'head_named', 'head_read']) expect(r.read_storm[way]).toEqual(expect.objectContaining({ rru: expect.any(Number), ms_p50: expect.any(Number) }));
    expect(r.bundles[0]).toEqual(expect.objectContaining({ name: expect.any(String), kb: expect.any(Number), init_ms: expect.any(Number) }));
    expect(r.cost_per_million_usd).toEqual(expect.objectContaining({ total: expect.any(Number), floor: expect.any(Number), breakdown: expect.any(Object) }));
    expect(r.machine).toEqual(expect.objectContaining({ cores: expect.any(Number), memory_gb: expect.any(Number), node: expect.any(String) }));
    expect(r.settings).toBeDefined();
    expect(readFileSync(join(out, 'latency.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  }, 120_000);
});

describeLocal('capacity meter', () => {
  it('doubles transactions because DynamoDB Local reports them at the single-item rate (DynamoDB bills twice that)', async () => {
    const { dynamoDbEndpoint, tableName } = target().local!;
    const client = new DynamoDBClient({ endpoint: dynamoDbEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const key = `BENCH#${Date.now().toString(36)}`;
    const answer = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: ['a', 'b'].map((sk) => ({ Put: { TableName: tableName, Item: { pk: { S: key }, sk: { S: sk } } } })),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // Two items under 1 KB: DynamoDB reports 4 units; if DynamoDB Local ever does too, the meter must stop doubling.
    expect(answer.ConsumedCapacity?.[0]?.CapacityUnits).toBe(2);
    client.destroy();
  });
});
