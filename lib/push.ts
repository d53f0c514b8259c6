import * as path from 'node:path';
import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BINDINGS, environmentOf, MOBILE_PUSH_APPLICATION_ARN } from '../lambdas/config/settings';
import { ProjectFunction } from './project-function';

/** The SNS platforms a platform application can be made for. */
export const MOBILE_PUSH_PLATFORMS = ['GCM', 'APNS', 'APNS_SANDBOX'] as const;
export type MobilePushPlatform = (typeof MOBILE_PUSH_PLATFORMS)[number];

export interface MobilePushProps {
  /** `GCM` (Firebase Cloud Messaging), `APNS` or `APNS_SANDBOX`. */
  readonly platform: MobilePushPlatform;
  /**
   * Name or ARN of a Secrets Manager secret the operator made beforehand, holding JSON
   * `{"PlatformCredential": "...", "PlatformPrincipal": "..."}` (FCM: the service account JSON as the
   * credential; APNs: the private key and the certificate or the signing key id).
   */
  readonly credentialsSecret: string;
}

export interface PushProps {
  /** The stream's dispatcher (lib/dispatch.ts): its push part sends the pushes. */
  readonly dispatcher: ProjectFunction;
  /** Functions that serve push.vapidPublicKey (the Web API function). */
  readonly publicKeyReaders: ProjectFunction[];
  /**
   * The VAPID `sub` claim: a contact address for push services.
   * @default 'mailto:push@example.invalid'
   */
  readonly vapidSubject?: string;
  /**
   * Mobile push through an SNS platform application (APNs or FCM); the credentials are the operator's.
   * @default none: Web Push only
   */
  readonly mobilePush?: MobilePushProps;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * Push notifications to offline devices: the deployment's VAPID key pair (made once, kept in Secrets
 * Manager), bound to the dispatcher whose push part sends them (lib/dispatch.ts: a reader of the
 * table's stream apart from the fan-out, so a push service never holds up live delivery).
 * Optionally an SNS platform application for phones.
 */
export class Push extends Construct {
  /** The function that sends pushes: the stream's dispatcher. */
  readonly handler: ProjectFunction;
  readonly vapidSecret: secretsmanager.Secret;
  readonly vapidPublicKey: string;
  /** The platform application's ARN, with `mobilePush`. */
  readonly mobilePushApplicationArn?: string;

  constructor(scope: Construct, id: string, props: PushProps) {
    super(scope, id);
    this.vapidSecret = new secretsmanager.Secret(this, 'VapidKeys', {
      description: 'VAPID key pair of Web Push, JSON {publicKey, privateKey} (written by the VapidKeyPair custom resource)',
    });
    const keyFunction = new ProjectFunction(this, 'VapidKeysFunction', {
      entry: path.join(__dirname, 'custom-resources', 'vapid-keys', 'index.ts'),
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      description: 'Custom resource: creates the Web Push VAPID key pair',
    });
    keyFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      resources: [this.vapidSecret.secretArn],
    }));
    const keyPair = new CustomResource(this, 'VapidKeyPair', {
      serviceToken: keyFunction.functionArn,
      resourceType: 'Custom::VapidKeyPair',
      properties: { SecretArn: this.vapidSecret.secretArn },
    });
    this.vapidPublicKey = keyPair.getAttString('PublicKey');

    this.handler = props.dispatcher;
    for (const [name, value] of Object.entries(environmentOf({ vapidSubject: props.vapidSubject }))) this.handler.addEnvironment(name, value);
    this.handler.addEnvironment(BINDINGS.vapidPublicKey, this.vapidPublicKey);
    this.handler.addEnvironment(BINDINGS.vapidKeysSecretArn, this.vapidSecret.secretArn);
    this.vapidSecret.grantRead(this.handler);
    for (const fn of props.publicKeyReaders) fn.addEnvironment(BINDINGS.vapidPublicKey, this.vapidPublicKey);

    if (props.mobilePush) this.mobilePushApplicationArn = this.addMobilePush(props.mobilePush, props);
  }

  private addMobilePush(mobile: MobilePushProps, props: PushProps): string {
    const stack = Stack.of(this);
    const credentials = secretsmanager.Secret.fromSecretNameV2(this, 'MobilePushCredentials', mobile.credentialsSecret);
    const appFunction = new ProjectFunction(this, 'MobilePushApplicationFunction', {
      entry: path.join(__dirname, 'custom-resources', 'mobile-push-application', 'index.ts'),
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      description: 'Custom resource: the SNS platform application for mobile push',
    });
    const applicationArns = stack.formatArn({ service: 'sns', resource: 'app', resourceName: `${mobile.platform}/*` });
    appFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sns:CreatePlatformApplication', 'sns:SetPlatformApplicationAttributes', 'sns:DeletePlatformApplication'],
      resources: [applicationArns],
    }));
    // CreatePlatformApplication authorizes on `*` (the application does not exist yet).
    appFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:CreatePlatformApplication'], resources: ['*'] }));
    credentials.grantRead(appFunction);
    const application = new CustomResource(this, 'MobilePushApplication', {
      serviceToken: appFunction.functionArn,
      resourceType: 'Custom::SnsPlatformApplication',
      properties: { Name: `${stack.stackName}-${mobile.platform}`.slice(0, 256), Platform: mobile.platform, CredentialsSecret: mobile.credentialsSecret },
    });
    const arn = application.getAttString('Arn');
    this.handler.addEnvironment(MOBILE_PUSH_APPLICATION_ARN, arn);
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:CreatePlatformEndpoint'], resources: [arn] }));
    // Publish to the application's endpoints only (endpoint ARNs are endpoint/<platform>/<app>/<id>).
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'],
      resources: [stack.formatArn({ service: 'sns', resource: 'endpoint', resourceName: `${mobile.platform}/${stack.stackName}-${mobile.platform}/*` })],
    }));
    return arn;
  }

  /** Lets push.subscribe take device tokens (it only needs to know mobile push is on; the push function talks to SNS). */
  bindMobileSubscribe(fn: ProjectFunction): void {
    if (this.mobilePushApplicationArn) fn.addEnvironment(MOBILE_PUSH_APPLICATION_ARN, this.mobilePushApplicationArn);
  }

  /** The findings this construct keeps on purpose, each with its reason. */
  acknowledgeNagFindings(): void {
    Validations.of(this.vapidSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: "The secret is the deployment's VAPID key pair: every browser subscription is bound to its public key, so a rotation would silently end every subscription; a new pair is a deliberate replacement of the VapidKeyPair custom resource, not a scheduled rotation.",
    });
  }
}
