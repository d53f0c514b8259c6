import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ProjectFunction } from './project-function';

export interface ScheduledMessagesProps {
  table: ITableV2;
  logRetention?: RetentionDays;
}

/**
 * chat.scheduleMessage's delivery: a function that an EventBridge rule runs every minute, which
 * posts the scheduled messages that are due (lambdas/core/scheduled.ts). A minute rule rather than a
 * schedule per message: no scheduler role or create/delete calls per message, and the local cloud
 * runs the same rule as a timer. DynamoDB TTL is no option: it deletes expired items hours late.
 */
export class ScheduledMessages extends Construct {
  readonly handler: ProjectFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduledMessagesProps) {
    super(scope, id);
    this.handler = new ProjectFunction(this, 'Deliverer', {
      entry: 'lambdas/scheduled/deliver.ts',
      logRetention: props.logRetention,
      timeout: Duration.seconds(50),
    }).bindTable(props.table, 'read-write');
    this.rule = new Rule(this, 'EveryMinute', {
      description: 'Posts the scheduled messages that are due (chat.scheduleMessage)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.handler, { retryAttempts: 2 })],
    });
  }
}
