import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { APP_CONNECTION_PARTITION_PREFIX, FANOUT_SORT_KEYS, TABLE_KEYS } from '../lambdas/model/keys';
import { ProjectFunction } from './project-function';
import { consumeTableStream } from './stream-consumer';

export interface DispatchProps {
  readonly table: ITableV2;
  /**
   * Retries of a failing batch (halved each time) before it goes to the dead-letter queue.
   * @default 5
   */
  readonly retryAttempts?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * What any part of the dispatcher acts on (lambdas/stream/dispatch.ts): messages and memberships
 * (apps' events; new messages push, every message change reaches the search index), and apps' new
 * Socket Mode connections (`hello`).
 */
export function dispatchFilterPatterns(): Array<Record<string, unknown>> {
  return [
    { dynamodb: { Keys: { [TABLE_KEYS.sort]: { S: [{ prefix: FANOUT_SORT_KEYS.messagePrefix }, { prefix: FANOUT_SORT_KEYS.membershipPrefix }] } } } },
    { eventName: ['INSERT'], dynamodb: { Keys: { [TABLE_KEYS.partition]: { S: [{ prefix: APP_CONNECTION_PARTITION_PREFIX }] } } } },
  ];
}

/**
 * The table stream's second reader (the fan-out is the first; AWS advises at most two per shard):
 * one function that hands each change to what follows it outside the chat, pushes (lib/push.ts),
 * apps' events (lib/app-events.ts) and the search index (lib/search.ts). Those constructs bind what
 * their part needs to `handler`. The fan-out's discipline: bounded retries, bisect, partial batch
 * failures, records that can never be handled set aside, a dead-letter queue with its alarm.
 */
export class Dispatch extends Construct {
  readonly handler: ProjectFunction;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DispatchProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/stream/dispatch.ts',
      logRetention: props.logRetention,
      // The apps part waits for Socket Mode acks and retries (3 × 3 s) and one Events API try (3 s)
      // per app; the push part 5 s per device at worst; the index a batch of 100 documents.
      timeout: Duration.seconds(90),
      memorySize: 256,
    }).bindTable(props.table, 'read-write');
    const deadLetters = consumeTableStream(this, this.handler, props.table, {
      alarmDescription: 'The dispatcher gave up on stream records: pushes, apps\' events or search documents of those changes are missing (see the dead-letter queue)',
      setsAside: true,
      filter: dispatchFilterPatterns(),
      batchSize: 100,
      // One batch of a shard at a time: the search index takes one writer, apps get a channel's events in order.
      parallelizationFactor: 1,
      retryAttempts: props.retryAttempts ?? 5,
      // The index wants every change; the push and apps parts leave out what is too late for them.
      maxRecordAge: Duration.hours(1),
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
  }
}
