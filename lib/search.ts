import { Duration, Validations } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FlowLogDestination, GatewayVpcEndpointAwsService, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystem, ThroughputMode } from 'aws-cdk-lib/aws-efs';
import { FileSystem as LambdaFileSystem } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FANOUT_SORT_KEYS, TABLE_KEYS } from '../lambdas/model/keys';
import { ProjectFunction } from './project-function';
import { BINDINGS, environmentOf } from '../lambdas/config/settings';
import { apiCallRateEnvironment, type RateLimits } from './rate-limits';
import { deadLetterQueueWithAlarm, streamEventSource } from './stream-consumer';

export interface SearchProps {
  /** The chat table: its stream feeds the index; search reads memberships, channels and users. */
  readonly table: ITableV2;
  /** The Web API that gains the search routes, and its JWT authorizer. */
  readonly httpApi: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
  /** The workspace of users whose token has no `team` claim. */
  readonly defaultTeam: string;
  /** Per-user rate limits: search charges the general Web API bucket. */
  readonly rateLimits?: RateLimits;
  /**
   * Retention of the functions' and the VPC flow logs' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Retries of a failing batch (halved each time) before it goes to the dead-letter queue.
   * @default 10
   */
  readonly retryAttempts?: number;
}

/** Where the functions mount the index's EFS access point. */
const MOUNT_PATH = '/mnt/search';

/** Only message items (the stream's other records never touch the index). */
export function searchIndexFilterPattern(): Record<string, unknown> {
  return { dynamodb: { Keys: { [TABLE_KEYS.sort]: { S: [{ prefix: FANOUT_SORT_KEYS.messagePrefix }] } } } };
}

/**
 * Message search: an SQLite FTS5 file on EFS, written by its own stream consumer (off the send path)
 * and read by the function that serves search.messages and search.all. Nothing runs or bills by the
 * hour: Lambda, EFS by the GB stored, a VPC with isolated subnets only (no NAT) and a DynamoDB gateway
 * endpoint (free). The functions reach nothing but DynamoDB and EFS.
 */
export class Search extends Construct {
  readonly indexer: ProjectFunction;
  readonly handler: ProjectFunction;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;
  readonly vpc: Vpc;
  readonly fileSystem: FileSystem;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'search', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: { rejected: { destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention: logRetention })) } },
    });
    this.fileSystem = new FileSystem(this, 'Index', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      encrypted: true,
      throughputMode: ThroughputMode.ELASTIC,
    });
    const accessPoint = this.fileSystem.addAccessPoint('IndexAccessPoint', {
      path: '/search',
      createAcl: { ownerUid: '1001', ownerGid: '1001', permissions: '750' },
      posixUser: { uid: '1001', gid: '1001' },
    });
    const placement = {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      filesystem: LambdaFileSystem.fromEfsAccessPoint(accessPoint, MOUNT_PATH),
      logRetention,
    };
    const indexPath = { [BINDINGS.searchIndexPath]: `${MOUNT_PATH}/messages.sqlite` };

    this.indexer = new ProjectFunction(this, 'Indexer', {
      entry: 'lambdas/stream/search-indexer.ts',
      ...placement,
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: indexPath,
    }).bindTable(props.table, 'read');

    const deadLetters = deadLetterQueueWithAlarm(this, 'The search indexer gave up on stream records: those messages are missing from search (see the dead-letter queue)');
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
    this.indexer.addEventSource(
      streamEventSource(props.table, {
        filter: searchIndexFilterPattern(),
        deadLetterQueue: this.deadLetterQueue,
        batchSize: 100,
        // One writer: every batch of the shard in turn (SQLite takes one writer at a time anyway).
        parallelizationFactor: 1,
        retryAttempts: props.retryAttempts ?? 10,
        maxRecordAge: Duration.hours(1),
      }),
    );

    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/search/http.ts',
      ...placement,
      memorySize: 1024,
      environment: { ...indexPath, ...environmentOf({ defaultTeam: props.defaultTeam }), ...apiCallRateEnvironment(props.rateLimits) },
    }).bindTable(props.table, 'read+rate-buckets');

    const integration = new HttpLambdaIntegration('SearchIntegration', this.handler);
    for (const method of ['search.messages', 'search.all']) {
      props.httpApi.addRoutes({ path: `/api/${method}`, methods: [HttpMethod.GET, HttpMethod.POST], integration, authorizer: props.authorizer });
    }
  }

  /** The findings this construct keeps on purpose, each with its reason. */
  acknowledgeNagFindings(): void {
    for (const fn of [this.indexer, this.handler]) {
      Validations.of(fn.executionRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: "AWS's documented policy for a function in a VPC (its network interfaces); the functions must be in the VPC to mount the index's EFS file system.",
      });
    }
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter (on-failure) destination of the search indexer stream mapping.',
    });
  }
}
