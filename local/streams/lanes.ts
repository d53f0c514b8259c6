import type { LambdaStreamRecord } from './records';

/*
 * ParallelizationFactor, as Lambda applies it to a stream shard: up to `factor` batches of one shard
 * are processed at once, and every record of one partition key goes to the same lane, so each key's
 * records are still handled one after another in stream order.
 */

/** FNV-1a: a small, stable string hash (the lane of a key must not change between polls). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Splits records into at most `factor` lanes by partition key, keeping stream order inside each lane. */
export function lanesOf(records: LambdaStreamRecord[], factor: number, partitionKey: string): LambdaStreamRecord[][] {
  const count = Math.max(1, Math.min(10, Math.floor(factor)));
  if (count === 1) return records.length ? [records] : [];
  const lanes: LambdaStreamRecord[][] = Array.from({ length: count }, () => []);
  for (const record of records) {
    const key = JSON.stringify(record.dynamodb.Keys?.[partitionKey] ?? null);
    lanes[hash(key) % count].push(record);
  }
  return lanes.filter((lane) => lane.length > 0);
}
