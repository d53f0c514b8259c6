import { Aws, Duration, Names, Validations } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EbsDeviceVolumeType, FlowLogDestination, GatewayVpcEndpointAwsService, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystem, ThroughputMode } from 'aws-cdk-lib/aws-efs';
import { ArnPrincipal, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FileSystem as LambdaFileSystem } from 'aws-cdk-lib/aws-lambda';
import { CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ProjectFunction } from './project-function';
import { BINDINGS, environmentOf, TEXT_SETTINGS } from '../lambdas/config/settings';
import { apiCallRateEnvironment, type RateLimits } from './rate-limits';

/** The engine behind search.messages: the SQLite FTS5 file on EFS, or an Amazon OpenSearch Service domain. */
export type SearchEngine = 'sqlite' | 'opensearch';

export interface SearchProps {
  /**
   * Which engine holds the index (CDK context `search=opensearch`).
   * @default 'sqlite'
   */
  readonly engine?: SearchEngine;
  /** The chat table: search reads memberships, channels and users; the indexer reads it too. */
  readonly table: ITableV2;
  /** The stream's dispatcher (lib/dispatch.ts): its search part hands message changes to the indexer. */
  readonly dispatcher: ProjectFunction;
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
}

/** Where the functions mount the index's EFS access point. */
const MOUNT_PATH = '/mnt/search';

/** The OpenSearch domain: the smallest that serves (README: Search, for the choice and its cost). */
const DOMAIN = { instanceType: 't3.small.search', volumeGiB: 10 } as const;

/**
 * Message search: an index written by its indexer (off the send path; the stream's dispatcher,
 * lib/dispatch.ts, invokes it with the message records) and read by the
 * function that serves search.messages and search.all, both in a VPC of isolated subnets only (no NAT)
 * with a DynamoDB gateway endpoint (free). The index is either an SQLite FTS5 file on EFS (the default:
 * nothing bills by the hour, EFS by the GB stored) or, for the workspace that outgrows it, an Amazon
 * OpenSearch Service domain in the same subnets, reached on 443 by these two functions only and
 * granted to them, per action and path, by the domain's access policy.
 */
export class Search extends Construct {
  readonly engine: SearchEngine;
  readonly indexer: ProjectFunction;
  readonly handler: ProjectFunction;
  readonly vpc: Vpc;
  /** The SQLite engine's file system. */
  readonly fileSystem?: FileSystem;
  /** The OpenSearch engine's domain, and the security group in front of it. */
  readonly domain?: Domain;
  readonly domainSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.engine = props.engine ?? 'sqlite';

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'search', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: { rejected: { destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention: logRetention })) } },
    });
    const inVpc = { vpc: this.vpc, vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED }, logRetention };
    let placement: typeof inVpc & { filesystem?: LambdaFileSystem };
    let engineEnvironment: Record<string, string>;
    // The domain's name is fixed before it exists, so its access policy can name its ARN (no self-reference).
    const domainName = Names.uniqueResourceName(this, { maxLength: 28, separator: '-' }).toLowerCase();
    const indexName = TEXT_SETTINGS.searchIndexName.default;
    if (this.engine === 'sqlite') {
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
      placement = { ...inVpc, filesystem: LambdaFileSystem.fromEfsAccessPoint(accessPoint, MOUNT_PATH) };
      engineEnvironment = { [BINDINGS.searchIndexPath]: `${MOUNT_PATH}/messages.sqlite` };
    } else {
      this.domainSecurityGroup = new SecurityGroup(this, 'DomainSecurityGroup', {
        vpc: this.vpc,
        allowAllOutbound: false,
        description: 'The search domain: HTTPS from the search indexer and the search function only',
      });
      this.domain = new Domain(this, 'Domain', {
        domainName,
        version: EngineVersion.OPENSEARCH_2_19,
        vpc: this.vpc,
        // One node, so one subnet (a domain wants one subnet per zone it spans).
        vpcSubnets: [{ subnets: [this.vpc.isolatedSubnets[0]] }],
        securityGroups: [this.domainSecurityGroup],
        capacity: { dataNodes: 1, dataNodeInstanceType: DOMAIN.instanceType, multiAzWithStandbyEnabled: false },
        zoneAwareness: { enabled: false },
        ebs: { volumeSize: DOMAIN.volumeGiB, volumeType: EbsDeviceVolumeType.GP3 },
        encryptionAtRest: { enabled: true },
        nodeToNodeEncryption: true,
        enforceHttps: true,
        tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2,
      });
      placement = inVpc;
      engineEnvironment = {
        ...environmentOf({ searchEngine: 'opensearch', searchIndexName: indexName }),
        [BINDINGS.searchEndpoint]: `https://${this.domain.domainEndpoint}`,
      };
    }

    this.indexer = new ProjectFunction(this, 'Indexer', {
      entry: 'lambdas/stream/search-indexer.ts',
      ...placement,
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: engineEnvironment,
    }).bindTable(props.table, 'read');

    // The dispatcher, outside the VPC, invokes it with the batch's message records: the stream keeps two readers.
    props.dispatcher.bindSearchIndexer(this.indexer);

    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/search/http.ts',
      ...placement,
      memorySize: 1024,
      environment: {
        ...engineEnvironment,
        // Under the function's 10 s, so a slow domain is an error reply rather than a killed function.
        ...(this.engine === 'opensearch' ? environmentOf({ searchRequestTimeoutMs: 5000 }) : {}),
        ...environmentOf({ defaultTeam: props.defaultTeam }),
        ...apiCallRateEnvironment(props.rateLimits),
      },
    }).bindTable(props.table, 'read+rate-buckets');

    if (this.domain && this.domainSecurityGroup) {
      for (const fn of [this.indexer, this.handler]) this.domainSecurityGroup.connections.allowFrom(fn, Port.tcp(443), `HTTPS from ${fn.node.id}`);
      this.grantDomain(this.domain, domainName, indexName);
    }

    const integration = new HttpLambdaIntegration('SearchIntegration', this.handler);
    for (const method of ['search.messages', 'search.all']) {
      props.httpApi.addRoutes({ path: `/api/${method}`, methods: [HttpMethod.GET, HttpMethod.POST], integration, authorizer: props.authorizer });
    }
  }

  /**
   * The domain's access policy, the one place that grants it: the indexer may check for and create
   * the index and send `_bulk` to it; the search function may only `_search` it. Nothing else, and
   * no one else (requests must be signed by one of the two roles).
   */
  private grantDomain(domain: Domain, domainName: string, indexName: string): void {
    const indexArn = `arn:${Aws.PARTITION}:es:${Aws.REGION}:${Aws.ACCOUNT_ID}:domain/${domainName}/${indexName}`;
    const role = (fn: ProjectFunction) => new ArnPrincipal(fn.executionRole.roleArn);
    const policy = new PolicyDocument({
      statements: [
        new PolicyStatement({ principals: [role(this.indexer)], actions: ['es:ESHttpHead', 'es:ESHttpPut'], resources: [indexArn] }),
        new PolicyStatement({ principals: [role(this.indexer)], actions: ['es:ESHttpPost'], resources: [`${indexArn}/_bulk`] }),
        new PolicyStatement({ principals: [role(this.handler)], actions: ['es:ESHttpGet', 'es:ESHttpPost'], resources: [`${indexArn}/_search`] }),
      ],
    });
    (domain.node.defaultChild as CfnDomain).accessPolicies = policy.toJSON();
  }

  /** The findings this construct keeps on purpose, each with its reason. */
  acknowledgeNagFindings(): void {
    for (const fn of [this.indexer, this.handler]) {
      Validations.of(fn.executionRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: "AWS's documented policy for a function in a VPC (its network interfaces); the functions must be in the VPC to reach the index (EFS or the OpenSearch domain).",
      });
    }
    if (this.domain) {
      const single = 'One data node (t3.small.search) is the smallest domain that serves; the index is a copy of the table, so a lost node costs a re-index, not data (README: Search).';
      for (const [id, reason] of [
        ['AwsSolutions-OS3', 'The domain is in the VPC, reachable only on 443 from the two search functions\' security groups, and its access policy names their roles: no IP address ever reaches it.'],
        ['AwsSolutions-OS4', single],
        ['AwsSolutions-OS7', single],
        ['AwsSolutions-OS9[LogExport::SEARCH_SLOW_LOGS]', 'Slow logs would need thresholds set on the index and a CloudWatch Logs resource policy; a failed search is logged by the Web API edge (`request failed`) with the domain\'s status and error type.'],
        ['AwsSolutions-OS9[LogExport::INDEX_SLOW_LOGS]', 'As for search slow logs: the indexer logs every batch and every document the domain refuses.'],
      ] as const) {
        Validations.of(this.domain).acknowledge({ id, reason });
      }
    }
  }
}
