import { appendFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { deliverBatch, type FailureCondition } from './batch-delivery';
import type { Checkpoints } from './checkpoints';
import { matchesAnyPattern } from './filter-pattern';
import { lanesOf } from './lanes';
import type { InvokeResult } from '../functions/protocol';
import { toLambdaRecord, type LambdaStreamRecord } from './records';
import type { EventSourceSpec } from '../template';

/*
 * Lambda's event-source poller for a DynamoDB stream, through the real Streams API of DynamoDB
 * Local: follows shard lineage (parent before child), polls each open shard, filters, batches,
 * delivers with the template's retry settings, and checkpoints per shard.
 */

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  source: EventSourceSpec;
  invoke: (functionId: string, event: unknown) => Promise<InvokeResult>;
  checkpoints: Checkpoints;
  /** The on-failure destination locally: a JSON-lines file. */
  failuresFile: string;
  pollMs: number;
  region: string;
  /** The table's partition key attribute: ParallelizationFactor keeps each key's records in one lane. */
  partitionKey: string;
  log: (line: string) => void;
}

/** What the poller did, for /dev/stats: records read, dropped by the filter, delivered, given up on. */
export interface PollerStats {
  received: number;
  filteredOut: number;
  delivered: number;
  discarded: number;
}

/** The last records seen and what became of them, so tests can follow one record through the filter. */
export interface RecentRecord {
  keys: Record<string, unknown>;
  outcome: 'filtered' | 'delivered';
}
const RECENT_LIMIT = 500;
/** Delivered records kept whole for /dev/replay. */
const REPLAYABLE_LIMIT = 200;

export class StreamPoller {
  readonly stats: PollerStats = { received: 0, filteredOut: 0, delivered: 0, discarded: 0 };
  readonly recent: RecentRecord[] = [];
  private readonly replayable: LambdaStreamRecord[] = [];
  private stopped = false;
  private readonly running = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();
  private supervisor?: Promise<void>;
  /** Pending sleeps; `wakeAll` ends them early (on stop, or when a shard closes so its children start). */
  private readonly sleepers = new Set<() => void>();

  /**
   * Where this mapping's position is kept: per stream AND function, as each event source mapping
   * keeps its own on AWS (two mappings on one stream sharing a checkpoint would skip each other's
   * unprocessed records after a restart).
   */
  private readonly mapping: string;

  constructor(private readonly options: StreamPollerOptions) {
    this.mapping = `${options.streamArn}|${options.source.functionId}`;
  }

  start(): void {
    this.supervisor = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeAll();
    await this.supervisor;
    await Promise.all(this.running.values());
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private log(line: string): void {
    this.options.log(`[event-source] ${line}`);
  }

  /** Finds shards and starts a reader for each one whose parent is done. */
  private async supervise(): Promise<void> {
    while (!this.stopped) {
      try {
        const shards = await this.listShards();
        const known = new Set(shards.map((s) => s.ShardId));
        for (const shard of shards) {
          const id = shard.ShardId ?? '';
          if (this.running.has(id) || this.finished.has(id)) continue;
          if (this.options.checkpoints.get(this.mapping, id).finished) {
            this.finished.add(id);
            continue;
          }
          const parent = shard.ParentShardId;
          if (parent && known.has(parent) && !this.finished.has(parent)) continue;
          this.running.set(id, this.readShard(id).finally(() => this.running.delete(id)));
        }
      } catch (error) {
        this.log(`DescribeStream failed: ${(error as Error).message}`);
      }
      await this.sleep(1000);
    }
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async iteratorFor(shardId: string): Promise<string | undefined> {
    const { sequenceNumber } = this.options.checkpoints.get(this.mapping, shardId);
    const { ShardIterator } = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        // New shards from the start: nothing written is ever skipped.
        ...(sequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  private async readShard(shardId: string): Promise<void> {
    const { client, streamArn, checkpoints, pollMs } = this.options;
    let iterator = await this.iteratorFor(shardId).catch((error: Error) => this.log(`GetShardIterator ${shardId}: ${error.message}`));
    while (!this.stopped && iterator) {
      try {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = (page.Records ?? []).map((r) => toLambdaRecord(r, streamArn, this.options.region));
        if (records.length > 0) await this.process(shardId, records);
        iterator = page.NextShardIterator;
        if (records.length === 0 && iterator) await this.sleep(pollMs);
      } catch (error) {
        if (error instanceof ExpiredIteratorException) iterator = await this.iteratorFor(shardId);
        else {
          this.log(`GetRecords ${shardId}: ${(error as Error).message}`);
          await this.sleep(1000);
        }
      }
    }
    if (!iterator && !this.stopped) {
      // A closed shard ends with no next iterator: done, its children may start.
      checkpoints.set(this.mapping, shardId, { ...checkpoints.get(this.mapping, shardId), finished: true });
      this.finished.add(shardId);
      this.wakeAll();
    }
  }

  private async process(shardId: string, records: LambdaStreamRecord[]): Promise<void> {
    const { source, checkpoints } = this.options;
    // Records that match no filter are dropped without an invocation, and count as processed.
    const matching = records.filter((r) => matchesAnyPattern(r, source.filterPatterns));
    this.stats.received += records.length;
    this.stats.filteredOut += records.length - matching.length;
    for (const r of records) this.remember(r, matching.includes(r) ? 'delivered' : 'filtered');
    // Lanes run side by side, each key's records in order within one; the shard's checkpoint moves
    // once every lane is done (a retried lane holds it back, as Lambda's does).
    const lanes = lanesOf(matching, source.parallelizationFactor, this.options.partitionKey);
    await Promise.all(lanes.map((lane) => this.deliverLane(shardId, lane)));
    if (this.stopped) return;
    const last = records[records.length - 1].dynamodb.SequenceNumber;
    checkpoints.set(this.mapping, shardId, { sequenceNumber: last });
  }

  private async deliverLane(shardId: string, lane: LambdaStreamRecord[]): Promise<void> {
    const { source } = this.options;
    for (let i = 0; i < lane.length && !this.stopped; i += source.batchSize) {
      await deliverBatch(lane.slice(i, i + source.batchSize), source, {
        invoke: (event) => {
          this.stats.delivered += event.Records.length;
          this.replayable.push(...event.Records);
          if (this.replayable.length > REPLAYABLE_LIMIT) this.replayable.splice(0, this.replayable.length - REPLAYABLE_LIMIT);
          return this.options.invoke(source.functionId, event);
        },
        discard: (failed, condition, invokeCount, lastError) => this.discard(shardId, failed, condition, invokeCount, lastError),
        sleep: (ms) => this.sleep(ms),
      });
    }
  }

  /**
   * Hands the function again, in one batch, the delivered records whose keys match (dev tooling:
   * /dev/replay): the same records, ids and sequence numbers, as Lambda redelivers a retried batch.
   * Undefined when none of the last ones delivered matches.
   */
  async replay(matches: (keys: Record<string, unknown>) => boolean): Promise<{ records: number; result: InvokeResult } | undefined> {
    const records = this.replayable.filter((r) => matches(r.dynamodb.Keys ?? {}));
    if (records.length === 0) return undefined;
    return { records: records.length, result: await this.options.invoke(this.options.source.functionId, { Records: records }) };
  }

  private remember(record: LambdaStreamRecord, outcome: RecentRecord['outcome']): void {
    this.recent.push({ keys: record.dynamodb.Keys ?? {}, outcome });
    if (this.recent.length > RECENT_LIMIT) this.recent.splice(0, this.recent.length - RECENT_LIMIT);
  }

  /** The on-failure destination: one record per given-up batch, in the shape Lambda sends. */
  private async discard(shardId: string, records: LambdaStreamRecord[], condition: FailureCondition, invokeCount: number, lastError: string): Promise<void> {
    const { source, streamArn } = this.options;
    const first = records[0].dynamodb;
    const last = records[records.length - 1].dynamodb;
    const arrival = (s?: number) => (s === undefined ? undefined : new Date(s * 1000).toISOString());
    const entry = {
      requestContext: { requestId: crypto.randomUUID(), functionArn: source.functionId, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: lastError },
      version: '1.0',
      timestamp: new Date().toISOString(),
      destination: source.onFailureDestination,
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber,
        endSequenceNumber: last.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
        batchSize: records.length,
        streamArn,
      },
    };
    this.stats.discarded += records.length;
    appendFileSync(this.options.failuresFile, `${JSON.stringify(entry)}\n`);
    this.log(`gave up on ${records.length} record(s) (${condition}: ${lastError}); written to ${this.options.failuresFile}`);
  }
}
