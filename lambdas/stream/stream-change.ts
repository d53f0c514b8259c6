import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Change } from '../core/events';
import type { Item } from '../model/store';

/* A stream record as the domain sees a change: its id and both images, unmarshalled. Shared by every stream consumer. */

const image = (raw: unknown): Item | undefined =>
  raw ? (unmarshall(raw as Record<string, AttributeValue>, { wrapNumbers: false }) as Item) : undefined;

export function changeOf(record: DynamoDBRecord): Change {
  return {
    id: record.eventID ?? record.dynamodb?.SequenceNumber ?? '',
    kind: (record.eventName ?? 'MODIFY') as Change['kind'],
    oldItem: image(record.dynamodb?.OldImage),
    newItem: image(record.dynamodb?.NewImage),
  };
}
