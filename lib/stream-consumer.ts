import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BINDINGS } from '../lambdas/config/settings';
import type { ProjectFunction } from './project-function';

/*
 * The one discipline of every consumer of the table's stream (fan-out, search indexer, push, app
 * events): retries
 * bounded in count and age, a failing batch bisected, partial batch failures reported, and what is
 * given up on sent to a dead-letter queue whose alarm fires while it holds anything.
 */

/** The consumer's dead-letter queue (`DeadLetterQueue`) and its alarm (`DeadLetterAlarm`), in `scope`. */
export function deadLetterQueueWithAlarm(scope: Construct, alarmDescription: string): { queue: Queue; alarm: Alarm } {
  const queue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const alarm = queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
    .createAlarm(scope, 'DeadLetterAlarm', {
      alarmDescription,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  return { queue, alarm };
}

export interface StreamSourceOptions {
  /** The event filter pattern (lambda FilterCriteria); several: a record passing any of them. */
  readonly filter: Record<string, unknown> | Array<Record<string, unknown>>;
  readonly deadLetterQueue: Queue;
  readonly batchSize: number;
  readonly parallelizationFactor: number;
  readonly retryAttempts: number;
  readonly maxRecordAge: Duration;
}

/** The table's stream as an event source with that discipline. */
export function streamEventSource(table: ITableV2, o: StreamSourceOptions): DynamoEventSource {
  return new DynamoEventSource(table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: o.batchSize,
    parallelizationFactor: o.parallelizationFactor,
    bisectBatchOnError: true,
    retryAttempts: o.retryAttempts,
    maxRecordAge: o.maxRecordAge,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(o.deadLetterQueue),
    filters: (Array.isArray(o.filter) ? o.filter : [o.filter]).map((f) => FilterCriteria.filter(f)),
  });
}

export interface TableStreamConsumerOptions extends Omit<StreamSourceOptions, 'deadLetterQueue'> {
  /** What the dead-letter alarm says when it fires. */
  readonly alarmDescription: string;
  /** The function sends records it can never handle to the queue itself (DEAD_LETTER_QUEUE_URL and the grant). */
  readonly setsAside?: boolean;
}

/** `fn` consumes the table's stream with that discipline: its dead-letter queue and alarm in `scope`, and the mapping. */
export function consumeTableStream(scope: Construct, fn: ProjectFunction, table: ITableV2, o: TableStreamConsumerOptions): { queue: Queue; alarm: Alarm } {
  const { alarmDescription, setsAside, ...source } = o;
  const deadLetters = deadLetterQueueWithAlarm(scope, alarmDescription);
  if (setsAside) {
    // Records that can never be handled are set aside by the function itself, at once, instead of
    // blocking the shard through every retry (lambdas/adapters/dead-letters.ts).
    fn.addEnvironment(BINDINGS.deadLetterQueueUrl, deadLetters.queue.queueUrl);
    deadLetters.queue.grantSendMessages(fn);
  }
  fn.addEventSource(streamEventSource(table, { ...source, deadLetterQueue: deadLetters.queue }));
  return deadLetters;
}
