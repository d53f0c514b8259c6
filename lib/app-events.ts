import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterPattern, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BINDINGS } from '../lambdas/config/settings';
import { ProjectFunction } from './project-function';
import { deadLetterQueueWithAlarm } from './stream-consumer';

export interface AppEventsProps {
  readonly table: ITableV2;
  /** The stream's dispatcher (lib/dispatch.ts): its apps part delivers the events. */
  readonly dispatcher: ProjectFunction;
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

/**
 * Apps' events: the dispatcher's apps part (lib/dispatch.ts), apart from the users' fan-out, so an
 * app that is slow or never acknowledges (a batch may wait for Socket Mode acks and one HTTP try per
 * event) never delays a person's live delivery. The Events API's later tries wait on an SQS queue,
 * not in the batch.
 */
export class AppEvents extends Construct {
  /** The function that delivers apps' events: the stream's dispatcher. */
  readonly handler: ProjectFunction;
  /** The Events API's later tries (SQS delays of 0, 60 and 300 s) and the function that makes them. */
  readonly retryQueue: Queue;
  readonly retryHandler: ProjectFunction;
  readonly retryDeadLetterQueue: Queue;
  /** Fires when an app's event delivery is disabled. */
  readonly disabledAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AppEventsProps) {
    super(scope, id);
    this.handler = props.dispatcher.bindConnections(props.stage, props.connectionsUrl);
    this.handler.addEnvironment(BINDINGS.appUrlAllowedAddresses, (props.allowedAppAddresses ?? []).join(','));

    // Slack's later tries (after 1 and 5 minutes) off the stream path: the consumer queues a failed
    // delivery with a delay and moves on; a small function makes each try and queues the next.
    const retryScope = new Construct(this, 'Retries');
    const retryDeadLetters = deadLetterQueueWithAlarm(retryScope, 'Events API retries failed repeatedly (the table unreachable?): apps missed those tries');
    this.retryDeadLetterQueue = retryDeadLetters.queue;
    this.retryQueue = new Queue(retryScope, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Past the last try (5 minutes) with room; a try older than this is of no use to the app.
      retentionPeriod: Duration.hours(1),
      visibilityTimeout: Duration.minutes(3),
      deadLetterQueue: { queue: retryDeadLetters.queue, maxReceiveCount: 3 },
    });
    this.retryHandler = new ProjectFunction(this, 'RetryHandler', {
      entry: 'lambdas/queue/app-retry.ts',
      logRetention: props.logRetention,
      // A batch of 10 tries, 3 s each at most.
      timeout: Duration.seconds(45),
      memorySize: 256,
      environment: { [BINDINGS.appUrlAllowedAddresses]: (props.allowedAppAddresses ?? []).join(',') },
    }).bindTable(props.table, 'read-write');
    for (const fn of [this.handler, this.retryHandler]) {
      fn.addEnvironment(BINDINGS.appRetryQueueUrl, this.retryQueue.queueUrl);
      this.retryQueue.grantSendMessages(fn);
    }
    this.retryHandler.addEventSource(new SqsEventSource(this.retryQueue, { batchSize: 10, reportBatchItemFailures: true }));

    // The owner's alert: the error line logged when an app's delivery is disabled, as a metric and an alarm.
    const disabledMetric = new MetricFilter(this, 'AppsDisabledFilter', {
      logGroup: this.handler.logGroup,
      filterPattern: FilterPattern.stringValue('$.alert', '=', 'app_events_disabled'),
      metricNamespace: 'TeamChat',
      metricName: 'AppEventsDisabled',
      metricValue: '1',
    });
    const retryDisabledMetric = new MetricFilter(this, 'AppsDisabledByRetriesFilter', {
      logGroup: this.retryHandler.logGroup,
      filterPattern: FilterPattern.stringValue('$.alert', '=', 'app_events_disabled'),
      metricNamespace: 'TeamChat',
      metricName: 'AppEventsDisabled',
      metricValue: '1',
    });
    this.disabledAlarm = new MathExpression({
      expression: 'a + b',
      usingMetrics: { a: disabledMetric.metric({ statistic: 'Sum', period: Duration.minutes(5) }), b: retryDisabledMetric.metric({ statistic: 'Sum', period: Duration.minutes(5) }) },
      period: Duration.minutes(5),
    }).createAlarm(this, 'AppsDisabledAlarm', {
      alarmDescription: "An app's Events API delivery was disabled (over 95% of its tries failed in an hour): see the app-events logs for app_events_disabled, then `npm run app -- enable`",
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
