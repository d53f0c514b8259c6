import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { environmentOf } from '../lambdas/config/settings';
import { FANOUT_SORT_KEYS, TABLE_KEYS } from '../lambdas/model/keys';
import { ProjectFunction, type MediaBinding } from './project-function';
import { consumeTableStream } from './stream-consumer';

export interface FanoutProps {
  /** The chat table; its stream feeds the function. */
  readonly table: ITableV2;
  /** The WebSocket stage whose connections receive events. */
  readonly stage: WebSocketStage;
  /**
   * Where to reach the stage's @connections API.
   * @default the stage's callback URL
   */
  readonly connectionsUrl?: string;
  /** Media CDN signing settings: live message events carry freshly signed `url_private`s. */
  readonly media?: MediaBinding;
  /**
   * Members past which a channel stops getting per-member inbox entries.
   * @default 1000
   */
  readonly hotChannelThreshold?: number;
  /**
   * Parallel `@connections` posts per invocation (and keep-alive sockets to the endpoint), spread
   * over batches of 500 connections that run in parallel.
   * @default 128
   */
  readonly concurrency?: number;
  /**
   * Stream records per invocation.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch (halved each time) before it goes to the dead-letter queue.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Batches of one stream shard processed at once (1–10). Lambda keeps every record of one
   * partition key (one channel: messages, memberships and its metadata share `CH#<id>`) in one
   * lane, in order, so raising it is safe; on AWS it lets one slow channel's batch stop holding up
   * the others. It stays 1 by default because it was measured only on the local cloud, where 10 made
   * chat slower (2 cores shared by the lanes' invocations and DynamoDB Local: README → Performance).
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Records older than this skip to the dead-letter queue instead of blocking the shard.
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The lambda event-filter pattern that lets only messages, memberships and channel metadata
 * through: `{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"MSG#"},{"prefix":"MEM#"},"META",{"prefix":"EPH#"},{"prefix":"PIN#"}]}}}}`.
 */
export function fanoutFilterPattern(): Record<string, unknown> {
  return {
    dynamodb: {
      Keys: {
        [TABLE_KEYS.sort]: {
          S: [
            { prefix: FANOUT_SORT_KEYS.messagePrefix }, { prefix: FANOUT_SORT_KEYS.membershipPrefix }, FANOUT_SORT_KEYS.channelMeta,
            { prefix: FANOUT_SORT_KEYS.ephemeralPrefix }, { prefix: FANOUT_SORT_KEYS.pinPrefix },
          ],
        },
      },
    },
  };
}

/** Store, then fan out: the table's stream drives delivery to the members that are online. */
export class Fanout extends Construct {
  readonly handler: ProjectFunction;
  /** Posts one share (FANOUT_SHARE_SIZE connections) of a large delivery, invoked synchronously by the handler. */
  readonly deliverHandler: ProjectFunction;
  /**
   * Batches that kept failing land here, and records the function sets aside as undeliverable
   * (their stream coordinates and keys, not the records' images).
   */
  readonly deadLetterQueue: Queue;
  /**
   * In alarm while the dead-letter queue holds anything: those events reached no device live (their
   * inbox entries may be missing too). Add an action (an SNS topic) to be told.
   */
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FanoutProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/stream/fanout.ts',
      logRetention: props.logRetention,
      // A batch of 100 records to channels of many members needs more than the API default.
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: environmentOf({ hotChannelThreshold: props.hotChannelThreshold, deliveryConcurrency: props.concurrency }),
    })
      .bindTable(props.table, 'read-write')
      .bindConnections(props.stage, props.connectionsUrl);
    if (props.media) this.handler.bindMediaSigning(props.media);
    // The event arrives signed and fitted; this function only posts, and closes gone connections.
    this.deliverHandler = new ProjectFunction(this, 'Deliver', {
      entry: 'lambdas/stream/deliver-share.ts',
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: environmentOf({ deliveryConcurrency: props.concurrency }),
    })
      .bindTable(props.table, 'read-write')
      .bindConnections(props.stage, props.connectionsUrl);
    this.handler.bindDeliverShares(this.deliverHandler);

    const deadLetters = consumeTableStream(this, this.handler, props.table, {
      alarmDescription: 'Fan-out gave up on stream records (see the dead-letter queue and docs/reliability.md)',
      setsAside: true,
      filter: fanoutFilterPattern(),
      batchSize: props.batchSize ?? 100,
      parallelizationFactor: props.parallelizationFactor ?? 1,
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(1),
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
  }
}
