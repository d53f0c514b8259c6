import { chatTable, postToConnection } from '../adapters/clients';
import { numberSetting } from '../config/env';
import type { ChatTable } from '../model/table';
import { createDelivery, type Delivery, type Shares } from './delivery';

/**
 * What the core talks to: the table's access patterns and the delivery to live connections. The
 * AWS adapters by default, each built on first use (a function without @connections never builds
 * the delivery); a test installs fakes of the same shape with `usePorts`, so core logic runs
 * without DynamoDB or API Gateway.
 */
export interface Ports {
  table: ChatTable;
  delivery: Delivery;
}

let installed: Partial<Ports> = {};

/** The table's access patterns. */
export const table = (): ChatTable => (installed.table ??= chatTable());

let shares: Shares | undefined;

/** Posting events to live connections. */
export const delivery = (): Delivery => (installed.delivery ??= (() => {
  const concurrency = numberSetting('deliveryConcurrency');
  return createDelivery({ post: postToConnection(concurrency), concurrency, batchSize: numberSetting('deliveryBatchSize'), shares });
})());

/**
 * This process's large deliveries go in shares (the fan-out sets it up: only its bundle carries
 * the Lambda client that invokes the deliver function).
 */
export function deliverInShares(through: Shares): void {
  shares = through;
  installed.delivery = undefined;
}

/** Replaces the ports (tests: fakes; `undefined` goes back to the AWS adapters). */
export function usePorts(replacement: Ports | undefined): void {
  installed = replacement ? { ...replacement } : {};
}
