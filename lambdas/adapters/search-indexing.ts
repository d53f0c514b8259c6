import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { invokeFunction } from './aws-services';
import { logger } from './logger';

/*
 * The search index's records, handed by the dispatcher (lambdas/stream/dispatch.ts) to the indexer
 * function (lambdas/stream/search-indexer.ts), which lives in the index's VPC with no way out to
 * the internet, by synchronous invocations: the indexer gets the stream event shape it always had,
 * and the dispatcher learns the first record it could not index.
 */

/** Under Lambda's 6 MB synchronous payload, with room for the event's envelope. */
export const INDEX_REQUEST_BYTES = 5 * 1024 * 1024;

/** The records in runs whose JSON stays under `limit` bytes each, in order (a single larger record is a run of its own). */
export function requestsOf(records: DynamoDBRecord[], limit = INDEX_REQUEST_BYTES): DynamoDBRecord[][] {
  const runs: DynamoDBRecord[][] = [];
  let run: DynamoDBRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (run.length > 0 && bytes + size > limit) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(record);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Indexes the records through `functionName`, one request after another, in order. Returns the
 * position of the first record not indexed (the indexer's reported failure, or the first record of
 * a request that failed as a whole), or undefined when all are.
 */
export async function indexThrough(functionName: string, records: DynamoDBRecord[]): Promise<number | undefined> {
  let offset = 0;
  for (const run of requestsOf(records)) {
    let response: DynamoDBBatchResponse | undefined;
    try {
      const out = await invokeFunction(functionName, JSON.stringify({ Records: run }));
      const body = out.payload.length ? JSON.parse(out.payload.toString('utf8')) : undefined;
      if (out.functionError) throw new Error(`the search indexer failed: ${body?.errorType ?? out.functionError}`);
      response = body as DynamoDBBatchResponse;
    } catch (error) {
      logger.error('search indexing failed; its records will be retried', { records: run.length, error });
      return offset;
    }
    const failedSeq = response?.batchItemFailures?.[0]?.itemIdentifier;
    if (failedSeq !== undefined) {
      const at = run.findIndex((r) => r.dynamodb?.SequenceNumber === failedSeq);
      return offset + Math.max(at, 0);
    }
    offset += run.length;
  }
  return undefined;
}
