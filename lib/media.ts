import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { ProjectFunction, type MediaBinding } from './project-function';

/**
 * Headers on every media response. Files are users' bytes on the media domain: nosniff makes the
 * browser keep to the stored type, and the CSP makes a file that is opened as a page (an
 * attachment that a browser shows anyway, an old browser) a sandboxed document that can load
 * nothing and run nothing. The CSP does not reach the web client's <img>/<video> elements (a
 * response's CSP governs only documents it creates); it allows what the browser's own viewer needs
 * when an image or video is opened directly: the file itself and the viewer's inline styles.
 */
export const MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** Where clients upload before `files.completeUploadExternal`; what is never completed expires. */
export const PENDING_UPLOADS_PREFIX = 'uploads/pending/';
/** Where completed files live (lambdas/core/files.ts finalKey); files.delete removes them. */
export const COMPLETED_FILES_PREFIX = 'files/';

export interface MediaProps {
  /**
   * Browser origins allowed to upload straight to the bucket.
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * What happens to the media and log buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the signing-key function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * CloudFront edge locations to serve from.
   * @default PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * Serve media through CloudFront (signed URLs, a key group, origin access control). Off is for
   * emulators without those resource types or a CloudFront data plane: the bucket, the signing key
   * and URL signing stay, but `url_private` points at MEDIA_CDN_DISABLED_DOMAIN, which never resolves.
   * @default true
   */
  readonly cdn?: boolean;
}

/** The CDN domain named when `cdn` is off: `.invalid` is reserved (RFC 2606), so nothing answers it. */
export const MEDIA_CDN_DISABLED_DOMAIN = 'media-cdn-disabled.invalid';

/**
 * Files: a private bucket that clients upload to with presigned requests, served only through
 * CloudFront, and only by URLs signed with a key pair whose private half lives in Secrets Manager.
 */
export class Media extends Construct implements MediaBinding {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  /** Absent when `cdn` is off. */
  readonly distribution?: cloudfront.Distribution;
  readonly signingKeySecret: secretsmanager.Secret;
  /** Absent when `cdn` is off. */
  readonly publicKey?: cloudfront.PublicKey;
  readonly pendingUploadsPrefix = PENDING_UPLOADS_PREFIX;
  readonly completedFilesPrefix = COMPLETED_FILES_PREFIX;

  constructor(scope: Construct, id: string, props: MediaProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // ACLs stay enabled here because CloudFront standard logs are delivered with them.
    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 's3/',
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.POST],
          allowedOrigins: props.allowedOrigins ?? ['*'],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-pending-uploads', prefix: PENDING_UPLOADS_PREFIX, expiration: Duration.days(1) },
      ],
      removalPolicy,
    });

    this.signingKeySecret = new secretsmanager.Secret(this, 'SigningKeySecret', {
      description: 'PEM private key that signs media CDN URLs (written by the MediaSigningKey custom resource)',
    });
    const keyFunction = new ProjectFunction(this, 'SigningKeyFunction', {
      entry: path.join(__dirname, 'custom-resources', 'media-signing-key', 'index.ts'),
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      description: 'Custom resource: creates the media CDN signing key pair',
    });
    keyFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [this.signingKeySecret.secretArn],
      }),
    );
    const signingKey = new CustomResource(this, 'SigningKey', {
      serviceToken: keyFunction.functionArn,
      resourceType: 'Custom::MediaSigningKey',
      properties: { SecretArn: this.signingKeySecret.secretArn },
    });
    if (props.cdn === false) return;
    this.publicKey = new cloudfront.PublicKey(this, 'SigningPublicKey', {
      encodedKey: signingKey.getAttString('PublicKeyPem'),
      comment: 'Verifies signed media URLs',
    });
    const keyGroup = new cloudfront.KeyGroup(this, 'SigningKeyGroup', {
      items: [this.publicKey],
      comment: 'Signers of media URLs',
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Team chat media',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        // Content-Disposition (inline or attachment) comes from the object, set when a file is completed.
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'ResponseHeaders', {
          comment: 'Media: nosniff and a sandboxing CSP on every file',
          securityHeadersBehavior: {
            contentTypeOptions: { override: true },
            contentSecurityPolicy: { contentSecurityPolicy: MEDIA_CONTENT_SECURITY_POLICY, override: true },
          },
        }),
        trustedKeyGroups: [keyGroup],
      },
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
  }

  get distributionDomainName(): string {
    return this.distribution?.distributionDomainName ?? MEDIA_CDN_DISABLED_DOMAIN;
  }

  /** Without a CDN no key group trusts any key: `NONE` names that in the signed URLs. */
  get keyPairId(): string {
    return this.publicKey?.publicKeyId ?? 'NONE';
  }
}
