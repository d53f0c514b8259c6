import { BY_OWNER_INDEX, TABLE_KEYS } from './keys';
import type { Key } from './store';

/*
 * Keys as the entities build them: every key and key prefix the access modules use comes from an
 * entity's own request (`.get(...).params()`, `.query.<index>(...).params()`), never from a
 * template written out again, so a key format lives in exactly one place (./entities.ts).
 */

/** The primary key of an item, from an entity's `get(...).params()`. */
export const keyOf = (getParams: object): Key => (getParams as { Key: Key }).Key;

/** Where a query reads: its index (if any), the partition, and the sort-key prefix the entity gives it. */
export interface QueryStart {
  index?: string;
  partitionField: string;
  sortField: string;
  partition: string;
  /** The static start of the sort key ('MSG#', 'MEM#'); empty when the sort key has none. */
  sortPrefix: string;
}

/** The partition and sort-key prefix of an entity's query, from its `query.<index>(...).params()`. */
export function queryStart(queryParams: object): QueryStart {
  const params = queryParams as { IndexName?: string; ExpressionAttributeValues: Record<string, unknown> };
  const onIndex = params.IndexName !== undefined;
  const values = params.ExpressionAttributeValues;
  return {
    index: params.IndexName,
    partitionField: onIndex ? BY_OWNER_INDEX.partition : TABLE_KEYS.partition,
    sortField: onIndex ? BY_OWNER_INDEX.sort : TABLE_KEYS.sort,
    partition: String(values[':pk']),
    sortPrefix: typeof values[':sk1'] === 'string' ? values[':sk1'] : '',
  };
}

/** A sort key just above `value`: a range from it leaves `value` itself out. */
export const justAfter = (value: string) => `${value}\u0000`;
/** Past every sort key that starts with `prefix`. */
export const endOf = (prefix: string) => `${prefix}\uffff`;
