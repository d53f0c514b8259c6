import { Annotations, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { WebConfig } from '../web/src/config-shape';

/** Where `npm run build:web` writes the browser app. */
export const WEB_DIST = path.join(__dirname, '..', 'web', 'dist');

export interface WebAppProps {
  /** What the app reads from /config.json: the stack's endpoints (tokens are fine); `local` is set here. */
  readonly config: Omit<WebConfig, 'local'>;
  /** Bucket for CloudFront standard logs (the media construct's logs bucket). */
  readonly logBucket: s3.IBucket;
  /**
   * The built app.
   * @default web/dist
   */
  readonly distDir?: string;
  /**
   * Retention of the deployment function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * CloudFront edge locations to serve from.
   * @default PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
}

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Team Chat</title></head>
<body><main><h1>Team Chat</h1><p>The web client was not built when this stack was deployed.
Run <code>npm run build:web</code> and deploy again.</p></main></body></html>`;

/**
 * The web client: a private bucket served only through CloudFront (origin access control,
 * HTTPS, index.html as default root and for unknown paths), filled by a BucketDeployment of
 * web/dist plus a config.json built from the stack's outputs. If web/dist is missing at synth
 * (a fresh clone, CDK unit tests) a placeholder page is deployed and synth warns.
 */
export class WebApp extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  readonly built: boolean;
  readonly deploymentRole: iam.Role;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const distDir = props.distDir ?? WEB_DIST;
    this.built = existsSync(path.join(distDir, 'index.html'));

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'web-s3/',
      // Only build output lives here, but like the media buckets it outlives the stack unless told otherwise.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Team chat web client',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      // A private bucket answers 403 for a missing key: serve the app and let it route.
      errorResponses: [{ httpStatus: 403, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) }],
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'web-cloudfront/',
    });

    if (!this.built) {
      Annotations.of(this).addWarningV2('teamchat:web-not-built', `${distDir} is missing: deploying a placeholder page. Run \`npm run build:web\` before \`cdk deploy\`.`);
    }
    // Its own role and log group instead of AWSLambdaBasicExecutionRole: logs go to one group only.
    const logGroup = new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.deploymentRole = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the web client into its bucket and invalidates CloudFront',
    });
    logGroup.grantWrite(this.deploymentRole);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      role: this.deploymentRole,
      logGroup,
      destinationBucket: this.bucket,
      sources: [
        this.built ? s3deploy.Source.asset(distDir) : s3deploy.Source.data('index.html', PLACEHOLDER),
        s3deploy.Source.jsonData('config.json', { ...props.config, local: false }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 512,
    });
  }

  /** The AwsSolutions findings this construct keeps on purpose, each with its reason. */
  acknowledgeNagFindings(): void {
    const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    const stack = Stack.of(this);
    ack(this.distribution, 'AwsSolutions-CFR1', 'Teams are worldwide; the app is static and every API call it makes is authenticated.');
    ack(this.distribution, 'AwsSolutions-CFR2', 'A static, public single-page app; its APIs are throttled and authenticated. A WAF web ACL is an optional per-deployment cost.');
    ack(this.distribution, 'AwsSolutions-CFR4', 'The distribution uses the default *.cloudfront.net certificate (no custom domain), for which CloudFront fixes the minimum protocol; TLSv1.2_2021 is set and applies once a custom certificate is configured.');
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
    const wildcards: Record<string, string> = {
      'Action::s3:GetBucket*': 'Granted by BucketDeployment (grantRead) on the CDK asset bucket only.',
      'Action::s3:GetObject*': 'Granted by BucketDeployment (grantRead) on the CDK asset bucket only.',
      'Action::s3:List*': 'Granted by BucketDeployment (grantRead/grantReadWrite) on the asset and web buckets only.',
      'Action::s3:Abort*': "Granted by BucketDeployment (grantReadWrite) on the web client's bucket only.",
      'Action::s3:DeleteObject*': "Granted by BucketDeployment (grantReadWrite) on the web client's bucket only: pruning removes files of older builds.",
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*': "The CDK bootstrap asset bucket's objects: asset keys are content hashes known only at deploy time.",
      [`Resource::${bucketArn}/*`]: "Every object of the web client's bucket: a deployment replaces the whole build.",
      'Resource::*': 'cloudfront:CreateInvalidation/GetInvalidation (after each deployment) do not support resource-level permissions in the policy BucketDeployment writes.',
    };
    for (const [finding, reason] of Object.entries(wildcards)) ack(this.deploymentRole, `AwsSolutions-IAM5[${finding}]`, reason);
    // The deployment function is CDK's singleton (Python, with the AWS CLI layer); its runtime is CDK's to choose.
    for (const fn of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      ack(fn, 'AwsSolutions-L1', "BucketDeployment's handler is a CDK-provided singleton whose runtime is pinned by aws-cdk-lib and moves with it.");
    }
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
