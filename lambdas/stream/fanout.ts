import type { DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';

/** Placeholder: fan-out from the table's stream. */
export const handler = async (_event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => ({ batchItemFailures: [] });
