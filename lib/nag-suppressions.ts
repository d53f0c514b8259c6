import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { FeaturePlan, type CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import type { AppEvents } from './app-events';
import type { IConstruct } from 'constructs';
import type { Dispatch } from './dispatch';
import type { Fanout } from './fanout';
import type { ChatHttpApi } from './http-api';
import type { Identity } from './identity';
import type { Media } from './media';
import { ProjectFunction } from './project-function';
import type { Realtime } from './realtime';

export interface NagScope {
  readonly identity: Identity;
  readonly media: Media;
  readonly realtime: Realtime;
  readonly httpApi: ChatHttpApi;
  readonly fanout: Fanout;
  readonly dispatch: Dispatch;
  readonly appEvents: AppEvents;
}

const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

/** The logical id of a construct's CloudFormation resource, as cdk-nag prints references to it. */
const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/**
 * Every AwsSolutions finding this stack keeps on purpose, acknowledged on the narrowest construct
 * that carries it, each with the reason it is accepted. Anything not listed here fails `cdk synth`.
 */
export function applyNagSuppressions(stack: Stack, scope: NagScope): void {
  const { identity, media, realtime, httpApi, fanout, dispatch, appEvents } = scope;

  // Lambda: every function, by the project's base construct.
  for (const fn of stack.node.findAll().filter((c): c is ProjectFunction => c instanceof ProjectFunction)) {
    ack(fn, 'AwsSolutions-L1', 'Node.js 22 is the runtime the team builds, tests and bundles for (esbuild target node22); moving to 24 is a deliberate upgrade, not a drift.');
    const streamReader = fn === fanout.handler || fn === dispatch.handler;
    ack(
      fn.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      streamReader
        ? 'xray:PutTraceSegments/PutTelemetryRecords (active tracing) and dynamodb:ListStreams (stream event source) do not support resource-level permissions.'
        : 'xray:PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions.',
    );
  }

  // @connections: connection ids are runtime values; the grant is pinned to this API, stage v1 and POST.
  const callbacks = [realtime.functions.$connect, realtime.functions.$disconnect, realtime.functions.typing, fanout.handler, fanout.deliverHandler, appEvents.handler, httpApi.handler, httpApi.webhookHandler];
  for (const fn of callbacks) {
    ack(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(realtime.api)}>/${realtime.stage.stageName}/POST/@connections/*]`,
      `Connection ids are only known at run time; ManageConnections is limited to POST @connections (PostToConnection) on this API's ${realtime.stage.stageName} stage.`,
    );
  }

  ack(
    httpApi.filesHandler.executionRole,
    `AwsSolutions-IAM5[Resource::<${logicalId(media.bucket)}.Arn>/*]`,
    'The files methods presign uploads and read back objects under keys they generate per file at run time; this function is the only principal with object read access to this bucket.',
  );
  ack(
    httpApi.filesHandler.executionRole,
    `AwsSolutions-IAM5[Resource::<${logicalId(media.bucket)}.Arn>/${media.pendingUploadsPrefix}*]`,
    'files.completeUploadExternal deletes an upload from the pending prefix once it is copied to its final key; the file ids in those keys are only known at run time, and delete is granted under that prefix only.',
  );
  ack(
    httpApi.filesHandler.executionRole,
    `AwsSolutions-IAM5[Resource::<${logicalId(media.bucket)}.Arn>/${media.completedFilesPrefix}*]`,
    "files.delete removes the owner's completed file, at a key with the file id chosen at run time; delete is granted under the completed-files prefix only.",
  );

  ack(
    httpApi.uploadHandler.executionRole,
    `AwsSolutions-IAM5[Resource::<${logicalId(media.bucket)}.Arn>/${media.pendingUploadsPrefix}*]`,
    "Slack's upload URL writes a pending upload at the key files.getUploadURLExternal chose for it (file ids are only known at run time); put is granted under the pending prefix only.",
  );
  for (const route of [...httpApi.apiRoutes, ...httpApi.filesRoutes]) {
    ack(
      route,
      'AwsSolutions-APIG4',
      "Slack's clients send the token in the Authorization header, the query (?token=) or the form body, and an HTTP API's JWT authorizer reads one header or query parameter only, never the body. The function verifies every request's token itself with the WebSocket authorizer's check (issuer, JWKS signature, audience, expiry, ID token) before any method runs; no token is 401.",
    );
  }
  ack(
    httpApi.uploadRoute,
    'AwsSolutions-APIG4',
    "Slack's upload URL carries its own credential, as files.slack.com's does: a 256-bit secret per file, stored hashed, expiring, bound to the file's declared length, type and key, checked by the function before it writes.",
  );
  ack(
    httpApi.responseUrlRoute,
    'AwsSolutions-APIG4',
    "A slash command's response_url is its credential, as Slack's is: a 192-bit secret per invocation, stored hashed, for one app, channel and user, at most 5 uses within 30 minutes.",
  );
  ack(
    httpApi.webhookRoute,
    'AwsSolutions-APIG4',
    "An incoming webhook's URL is its credential, as hooks.slack.com's is: a 192-bit secret per webhook, stored hashed, issued by an administrator for one app and one channel, revoked with the app; the function looks it up before it posts.",
  );

  // WebSocket: API Gateway authorizes a connection once, at $connect; later frames carry that context.
  ack(
    realtime.api,
    'AwsSolutions-APIG4',
    'WebSocket APIs only accept an authorizer on $connect. Every other route runs on a connection that the $connect REQUEST authorizer admitted (JWT from ?token=), and handlers read the caller from its context.',
  );
  const logsRole = realtime.node.tryFindChild('ApiGatewayLogsRole');
  if (logsRole) {
    ack(
      logsRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "AmazonAPIGatewayPushToCloudWatchLogs is AWS's documented policy for API Gateway's account-level logging role, which WebSocket access logs require.",
    );
  }

  ack(
    fanout.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is itself the dead-letter (on-failure) destination of the fan-out stream mapping.',
  );
  ack(
    dispatch.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is itself the dead-letter (on-failure) destination of the dispatcher stream mapping.',
  );
  ack(
    appEvents.retryDeadLetterQueue,
    'AwsSolutions-SQS3',
    "This queue is itself the dead-letter queue of the Events API's retry queue.",
  );

  // Cognito
  const pool = identity.userPool.node.defaultChild as CfnUserPool;
  ack(
    identity.userPool,
    'AwsSolutions-COG2',
    'MFA is not enforced: the web client and the integration tests sign in with USER_PASSWORD_AUTH and answer no MFA challenge. What holds instead: self sign-up is off by default (administrators create users), the workspace attribute custom:team is set only by administrators (the app client cannot write it), and the password policy asks for 12 characters of four kinds.',
  );
  if (pool.userPoolTier !== FeaturePlan.PLUS) {
    ack(
      identity.userPool,
      'AwsSolutions-COG8',
      'The Plus feature plan (threat protection) is priced per monthly active user; it is opt-in through the featurePlan prop.',
    );
  }

  // Media
  ack(
    media.signingKeySecret,
    'AwsSolutions-SMG4',
    'The secret is a CloudFront signing key whose public half is registered in the key group; rotating it means a new public key and key group entry, done by replacing the MediaSigningKey custom resource, not by a Secrets Manager rotation Lambda.',
  );
  const distribution = media.distribution;
  if (distribution) {
    ack(
      distribution,
      'AwsSolutions-CFR1',
      'Teams are worldwide. Every request must carry a CloudFront signed URL; those are minted only for members of the channel a file is in, but they are bearer URLs: whoever holds one can read that file until it expires (1 hour), wherever they are.',
    );
    ack(
      distribution,
      'AwsSolutions-CFR2',
      'Every request must carry a CloudFront signature from the trusted key group, so unsigned traffic is refused at the edge. The signed URLs are bearer URLs (minted for channel members, readable by whoever holds one until it expires, 1 hour), which a WAF would not change; a WAF web ACL is an optional per-deployment cost.',
    );
    ack(
      distribution,
      'AwsSolutions-CFR4',
      'The distribution uses the default *.cloudfront.net certificate (no custom domain), for which CloudFront fixes the minimum protocol; TLSv1.2_2021 applies once a custom certificate is configured.',
    );
  }
}
