import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { invokeForJson } from './aws-services';
import { logger } from './logger';

/*
 * The search index's records, handed by the dispatcher (lambdas/stream/dispatch.ts) to the indexer
 * function (lambdas/stream/search-indexer.ts), which lives in the index's VPC with no way out to
 * the internet, by synchronous invocations: the indexer gets the stream event shape it always had,
 * and the dispatcher learns the first record it could not index.
 */

/** Under Lambda's 6 MB synchronous payload, with room for the event's envelope. */
export const INDEX_REQUEST_BYTES = 5 * 1024 * 1024;

/** One invocation's records, and the event that carries them (each record serialized once, to measure and to send). */
export interface IndexRequest {
  records: DynamoDBRecord[];
  body: string;
}

/** The records in runs whose JSON stays under `limit` bytes each, in order (a single larger record is a run of its own). */
export function requestsOf(records: DynamoDBRecord[], limit = INDEX_REQUEST_BYTES): IndexRequest[] {
  const requests: IndexRequest[] = [];
  let run: DynamoDBRecord[] = [];
  let parts: string[] = [];
  let bytes = 0;
  const close = () => requests.push({ records: run, body: `{"Records":[${parts.join(',')}]}` });
  for (const record of records) {
    const json = JSON.stringify(record);
    const size = Buffer.byteLength(json) + 1;
    if (run.length > 0 && bytes + size > limit) {
      close();
      run = [];
      parts = [];
      bytes = 0;
    }
    run.push(record);
    parts.push(json);
    bytes += size;
  }
  if (run.length > 0) close();
  return requests;
}

/**
 * Indexes the records through `functionName`, one request after another, in order. Returns the
 * position of the first record not indexed (the indexer's reported failure, or the first record of
 * a request that failed as a whole), or undefined when all are.
 */
export async function indexThrough(functionName: string, records: DynamoDBRecord[]): Promise<number | undefined> {
  let offset = 0;
  for (const request of requestsOf(records)) {
    let response: DynamoDBBatchResponse | undefined;
    try {
      response = await invokeForJson<DynamoDBBatchResponse | undefined>(functionName, request.body, 'the search indexer');
    } catch (error) {
      logger.error('search indexing failed; its records will be retried', { records: request.records.length, error });
      return offset;
    }
    const failedSeq = response?.batchItemFailures?.[0]?.itemIdentifier;
    if (failedSeq !== undefined) {
      const at = request.records.findIndex((r) => r.dynamodb?.SequenceNumber === failedSeq);
      return offset + Math.max(at, 0);
    }
    offset += request.records.length;
  }
  return undefined;
}
