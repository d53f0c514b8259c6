import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BINDINGS } from '../lambdas/config/settings';
import { FANOUT_SORT_KEYS, TABLE_KEYS } from '../lambdas/model/keys';
import { ProjectFunction } from './project-function';
import { consumeTableStream } from './stream-consumer';

export interface AppEventsProps {
  readonly table: ITableV2;
  /** The WebSocket stage apps' Socket Mode connections are on. */
  readonly stage: WebSocketStage;
  readonly connectionsUrl?: string;
  /**
   * Addresses apps' request URLs may resolve to beyond public ones (`127.0.0.1` for an emulator).
   * @default [] (private, loopback and link-local addresses refused)
   */
  readonly allowedAppAddresses?: string[];
  readonly logRetention?: RetentionDays;
}

/** Messages and memberships (the events apps subscribe to), and apps' Socket Mode connections (`hello`). */
export function appEventsFilterPatterns(): Array<Record<string, unknown>> {
  return [
    { dynamodb: { Keys: { [TABLE_KEYS.sort]: { S: [{ prefix: FANOUT_SORT_KEYS.messagePrefix }, { prefix: FANOUT_SORT_KEYS.membershipPrefix }] } } } },
    { eventName: ['INSERT'], dynamodb: { Keys: { [TABLE_KEYS.partition]: { S: [{ prefix: 'APPCONN#' }] } } } },
  ];
}

/**
 * Apps' events: a consumer of the table's stream of its own, beside the users' fan-out, so an app
 * that is slow or never acknowledges (each batch may wait for acks and retries) delays only apps.
 */
export class AppEvents extends Construct {
  readonly handler: ProjectFunction;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AppEventsProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/stream/app-events.ts',
      logRetention: props.logRetention,
      // Waits for acks and retries (3 × 3 s) and Events API timeouts (3 s, 4 tries) within one batch.
      timeout: Duration.seconds(90),
      memorySize: 256,
      environment: { [BINDINGS.appUrlAllowedAddresses]: (props.allowedAppAddresses ?? []).join(',') },
    })
      .bindTable(props.table, 'read-write')
      .bindConnections(props.stage, props.connectionsUrl);
    const deadLetters = consumeTableStream(this, this.handler, props.table, {
      alarmDescription: 'App events gave up on stream records: apps missed those events',
      filter: appEventsFilterPatterns(),
      batchSize: 50,
      parallelizationFactor: 1,
      retryAttempts: 3,
      maxRecordAge: Duration.minutes(10),
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
  }
}
