import type { InvokeResult } from '../functions/protocol';
import type { EventSourceSpec } from '../template';
import type { LambdaStreamRecord } from './records';

/*
 * Delivers one batch of stream records to the function with Lambda's event-source semantics:
 * ReportBatchItemFailures (retry from the first failed item), BisectBatchOnFunctionError (split a
 * failing batch; splitting does not use up retries), MaximumRetryAttempts and
 * MaximumRecordAgeInSeconds. Records given up on are handed to `discard` (the on-failure destination).
 */

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DeliveryHooks {
  invoke: (event: { Records: LambdaStreamRecord[] }) => Promise<InvokeResult>;
  discard: (records: LambdaStreamRecord[], condition: FailureCondition, invokeCount: number, lastError: string) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now?: () => number;
}

type Settings = Pick<EventSourceSpec, 'bisectBatchOnFunctionError' | 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds' | 'reportBatchItemFailures'>;

/** Where a failed invocation says to resume: an index into the batch, or 'all' to retry the whole batch. */
function failedFrom(result: InvokeResult, batch: LambdaStreamRecord[], reportItemFailures: boolean): number | 'all' | undefined {
  if (!result.ok) return 'all';
  if (!reportItemFailures) return undefined;
  const failures = (result.result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 'all';
  if (failures.length === 0) return undefined;
  const indexes = failures.map((f: { itemIdentifier?: unknown }) => batch.findIndex((r) => r.dynamodb.SequenceNumber === f?.itemIdentifier));
  // An empty or unknown itemIdentifier fails the whole batch, as Lambda does.
  return indexes.some((i) => i < 0) ? 'all' : Math.min(...indexes);
}

export async function deliverBatch(batch: LambdaStreamRecord[], settings: Settings, hooks: DeliveryHooks, retries = 0): Promise<void> {
  const now = hooks.now ?? Date.now;
  let pending = batch;
  let invokeCount = 0;
  for (;;) {
    if (settings.maximumRecordAgeInSeconds >= 0) {
      const cutoff = now() / 1000 - settings.maximumRecordAgeInSeconds;
      const tooOld = pending.filter((r) => (r.dynamodb.ApproximateCreationDateTime ?? Infinity) < cutoff);
      if (tooOld.length > 0) {
        await hooks.discard(tooOld, 'RecordAgeExceeded', invokeCount, 'record older than MaximumRecordAgeInSeconds');
        pending = pending.filter((r) => !tooOld.includes(r));
      }
    }
    if (pending.length === 0) return;

    invokeCount++;
    const result = await hooks.invoke({ Records: pending });
    const from = failedFrom(result, pending, settings.reportBatchItemFailures);
    if (from === undefined) return;
    const lastError = result.ok ? 'batchItemFailures reported' : `${result.error.errorType}: ${result.error.errorMessage}`;

    if (from === 'all' && !result.ok && settings.bisectBatchOnFunctionError && pending.length > 1) {
      const half = Math.ceil(pending.length / 2);
      await deliverBatch(pending.slice(0, half), settings, hooks, retries);
      await deliverBatch(pending.slice(half), settings, hooks, retries);
      return;
    }
    if (from !== 'all') pending = pending.slice(from);
    retries++;
    if (settings.maximumRetryAttempts >= 0 && retries > settings.maximumRetryAttempts) {
      await hooks.discard(pending, 'RetryAttemptsExhausted', invokeCount, lastError);
      return;
    }
    await hooks.sleep(Math.min(5000, 100 * 2 ** retries));
  }
}
