import * as path from 'node:path';
import { APP_ENVELOPE_PARTITION_PREFIX } from '../lambdas/model/keys';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BINDINGS } from '../lambdas/config/settings';
import { BY_OWNER_INDEX, RATE_LIMIT_KEYS } from '../lambdas/model/keys';

/** The repository root: bundles resolve `lambdas/**` and package-lock.json from here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Import substitutions for every function bundle: the SDK clients' default credential chain is
 * replaced by environment credentials, all a function has on Lambda (see the module itself).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': path.join(PROJECT_ROOT, 'lambdas/adapters/lambda-credentials.ts'),
};

/** 'read+rate-buckets': reads, and updates of the caller's own rate-limit buckets only (`RL#` partitions). */
export type TableAccess = 'read' | 'read+rate-buckets' | 'read-write' | 'app-acks';

/** Item-level actions only: no Scan (fan-out and reads go by key), no table management. */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** What a function needs to presign uploads and sign CDN URLs (see lib/media.ts). */
export interface MediaBinding {
  readonly bucket: IBucket;
  /** The CloudFront distribution's domain name, without scheme. */
  readonly distributionDomainName: string;
  /** The CloudFront public key id that signed URLs name as their key pair id. */
  readonly keyPairId: string;
  /** The secret holding the PEM private key of that key pair. */
  readonly signingKeySecret: ISecret;
  /** Where uploads wait for `files.completeUploadExternal` (for example `uploads/pending/`). */
  readonly pendingUploadsPrefix: string;
  /** Where completed files live (for example `files/`): files.delete removes from there. */
  readonly completedFilesPrefix: string;
}

export interface ProjectFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'logGroup' | 'logRetention'> {
  /** The handler file, relative to the repository root (for example `lambdas/ws/ping.ts`) or absolute. */
  readonly entry: string;
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the function is removed.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The project's one Lambda base: Node.js 22 on arm64, X-Ray tracing, an explicit log group with
 * retention, esbuild-minified CommonJS bundles with source maps and every import (AWS SDK v3
 * included) bundled. Defaults sit under the caller's props; the caller's environment is kept.
 * The bind helpers set an environment variable and its IAM grant together, so neither drifts.
 */
export class ProjectFunction extends NodejsFunction {
  /** The function's execution role (its own unless the caller passed one). */
  readonly executionRole: iam.IRole;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    const { logRetention, logRemovalPolicy, entry, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An own role with a log-group-scoped grant instead of the AWSLambdaBasicExecutionRole managed policy.
    const role =
      rest.role ??
      new iam.Role(scope, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${id}`,
      });
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: 256,
      timeout: Duration.seconds(10),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      ...rest,
      role,
      logGroup,
      entry: path.isAbsolute(entry) ? entry : path.join(PROJECT_ROOT, entry),
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        // ESM builds of the SDK v3 tree-shake far better than its CommonJS builds.
        mainFields: ['module', 'main'],
        externalModules: [],
        esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
        ...bundling,
      },
      // No --enable-source-maps: it parses the map at every cold start (10–20 ms); the map ships beside
      // the bundle and the logger reads it at the first logged error (lambdas/adapters/source-mapped-stack.ts).
      environment,
    });
    this.executionRole = role;
    // Only when the role is ours: a caller's role is the caller's business.
    if (!rest.role) {
      role.attachInlinePolicy(
        new iam.Policy(scope, `${id}LogsPolicy`, {
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      );
    }
  }

  /**
   * `TABLE_NAME` and item reads (plus writes for 'read-write') on the table and its one index,
   * named exactly rather than `index/*`. Transactions need no action of their own: DynamoDB
   * checks the per-item actions of each part.
   */
  bindTable(table: ITableV2, access: TableAccess): this {
    this.addEnvironment(BINDINGS.table, table.tableName);
    if (access === 'app-acks') {
      // $default marks an app's envelope acknowledged (ENV#<app> partitions) and touches nothing else.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${APP_ENVELOPE_PARTITION_PREFIX}*`] } },
        }),
      );
      return this;
    }
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'read-write' ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : TABLE_READ_ACTIONS,
        resources: [table.tableArn],
      }),
    );
    if (access === 'read+rate-buckets') {
      // A route that only reads still charges its caller's token bucket (lambdas/core/rate-limit.ts).
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_LIMIT_KEYS.partitionPrefix}*`] } },
        }),
      );
    }
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${BY_OWNER_INDEX.name}`],
      }),
    );
    return this;
  }

  /**
   * `WS_CALLBACK_URL` (https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}) and
   * `execute-api:ManageConnections` on exactly that stage's `POST @connections` operation
   * (PostToConnection): no handler reads (GetConnection) or closes (DeleteConnection) a connection.
   * `endpoint` replaces the URL (an emulator's @connections endpoint); the grant stays the stage's.
   */
  bindConnections(stage: WebSocketStage, endpoint: string = stage.callbackUrl): this {
    this.addEnvironment(BINDINGS.connectionsEndpoint, endpoint);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['execute-api:ManageConnections'],
        resources: [
          Stack.of(this).formatArn({
            service: 'execute-api',
            resource: stage.api.apiId,
            resourceName: `${stage.stageName}/POST/@connections/*`,
          }),
        ],
      }),
    );
    return this;
  }

  /**
   * `DELIVER_FUNCTION_NAME` and invoking exactly that function (its unqualified ARN only): the
   * fan-out hands the shares of a large delivery to it (lambdas/adapters/delivery-shares.ts).
   */
  bindDeliverShares(deliver: ProjectFunction): this {
    return this.bindInvoked(BINDINGS.deliverFunction, deliver);
  }

  /**
   * `SEARCH_INDEXER_FUNCTION_NAME` and invoking exactly that function: the stream's dispatcher hands
   * it the message records (lambdas/adapters/search-indexing.ts).
   */
  bindSearchIndexer(indexer: ProjectFunction): this {
    return this.bindInvoked(BINDINGS.searchIndexerFunction, indexer);
  }

  /** `variable` names `target`, and this function may invoke exactly it (its unqualified ARN only). */
  private bindInvoked(variable: string, target: ProjectFunction): this {
    this.addEnvironment(variable, target.functionName);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
    return this;
  }

  /**
   * `MEDIA_BUCKET` plus everything of bindMediaSigning; object put and get (get covers HEAD, and
   * both sides of the copy out of the pending prefix) in the bucket, and delete only under the
   * pending-uploads prefix (completing a file) and the completed-files prefix (files.delete).
   */
  bindMedia(media: MediaBinding): this {
    this.addEnvironment(BINDINGS.mediaBucket, media.bucket.bucketName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [media.bucket.arnForObjects('*')],
      }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [media.bucket.arnForObjects(`${media.pendingUploadsPrefix}*`), media.bucket.arnForObjects(`${media.completedFilesPrefix}*`)],
      }),
    );
    return this.bindMediaSigning(media);
  }

  /**
   * `MEDIA_BUCKET` and object put under the pending-uploads prefix only: Slack's upload URL writes
   * an upload where files.completeUploadExternal looks for it, and nothing else.
   */
  bindPendingUploads(media: MediaBinding): this {
    this.addEnvironment(BINDINGS.mediaBucket, media.bucket.bucketName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [media.bucket.arnForObjects(`${media.pendingUploadsPrefix}*`)],
      }),
    );
    return this;
  }

  /**
   * `MEDIA_URL`, `MEDIA_KEY_PAIR_ID`, `MEDIA_SIGNING_KEY_SECRET_ARN` and reading the signing key:
   * enough to mint `url_private` for messages on their way to members, and no bucket access.
   */
  bindMediaSigning(media: MediaBinding): this {
    this.addEnvironment(BINDINGS.mediaUrl, `https://${media.distributionDomainName}`);
    this.addEnvironment(BINDINGS.mediaKeyPairId, media.keyPairId);
    this.addEnvironment(BINDINGS.mediaSigningKeySecretArn, media.signingKeySecret.secretArn);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [media.signingKeySecret.secretArn],
      }),
    );
    return this;
  }
}
