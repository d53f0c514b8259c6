import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { NUMBER_SETTINGS } from '../lambdas/config/settings';
import { Data } from './data';
import { Dispatch } from './dispatch';
import { Fanout } from './fanout';
import { AppEvents } from './app-events';
import { ChatHttpApi } from './http-api';
import { Identity } from './identity';
import { Media } from './media';
import { Push, type MobilePushProps } from './push';
import { pathStyleApiUrl } from './emulator-endpoints';
import { applyNagSuppressions } from './nag-suppressions';
import { Realtime } from './realtime';
import { ScheduledMessages } from './scheduled-messages';
import { Search, type SearchEngine } from './search';
import type { RateLimits } from './rate-limits';
import { WebApp } from './web-app';

export interface TeamChatStackProps extends StackProps {
  /**
   * Workspace of users whose token carries no `team` claim.
   * @default 'default'
   */
  readonly defaultTeam?: string;
  /**
   * Members past which a channel switches from push (inbox entries) to pull (history).
   * @default 1000
   */
  readonly hotChannelThreshold?: number;
  /**
   * Browser origins allowed to call the APIs, open WebSockets and upload media.
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * Accept tokens from this OIDC issuer instead of the stack's user pool (needs `jwtAudience`).
   * @default the user pool's issuer
   */
  readonly jwtIssuer?: string;
  /**
   * JWKS endpoint of the issuer.
   * @default `${jwtIssuer}/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
  /**
   * Expected `aud` of the tokens.
   * @default the user pool app client id
   */
  readonly jwtAudience?: string;
  /**
   * Retention of every function's and API stage's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Protect the table against `DeleteTable`.
   * @default true
   */
  readonly tableDeletionProtection?: boolean;
  /**
   * Set the account-wide API Gateway CloudWatch Logs role that WebSocket access logs need.
   * @default true
   */
  readonly configureApiGatewayAccountLogRole?: boolean;
  /**
   * Per-user rate limits and the connection cap.
   * @default DEFAULT_RATE_LIMITS (1 message/s per channel with bursts of 5; 20 calls/s with bursts of 50; 20 connections)
   */
  readonly rateLimits?: RateLimits;
  /**
   * Let the WebSocket authorizer fetch `jwksUri` over plain http: an emulator's local issuer only.
   * @default false
   */
  readonly allowInsecureHttpJwks?: boolean;
  /**
   * Deploy the web client (bucket, CloudFront, BucketDeployment). Off for emulators: the
   * deployment's Lambda needs the AWS CLI layer at /opt/awscli.
   * @default true
   */
  readonly webApp?: boolean;
  /**
   * Deploy message search (its indexer, its function, and the VPC and the store that hold the
   * index): true or 'sqlite' for the SQLite FTS5 file on EFS, 'opensearch' for an Amazon OpenSearch
   * Service domain. false for emulators without EFS; search.messages then answers unknown_method.
   * @default true
   */
  readonly search?: boolean | SearchEngine;
  /**
   * Serve media through CloudFront. Off for emulators without CloudFront key groups, public keys,
   * origin access control or a CloudFront data plane (see Media's `cdn`).
   * @default true
   */
  readonly mediaCdn?: boolean;
  /**
   * Declare WebSocket route responses. Off only for emulators without `AWS::ApiGatewayV2::RouteResponse`
   * that reply anyway (see Realtime's `routeResponses`).
   * @default true
   */
  readonly webSocketRouteResponses?: boolean;
  /**
   * The @connections endpoint, a template with `{apiId}` and `{stage}`, e.g.
   * `http://127.0.0.1:4566/_aws/execute-api/{apiId}/{stage}`.
   * @default the stage's own callback URL
   */
  readonly connectionsEndpoint?: string;
  /**
   * Output HttpApiUrl and WebSocketUrl in path form under this base (e.g.
   * `http://127.0.0.1:4566/_aws/execute-api`), for emulators whose `<id>.execute-api.localhost`
   * hostnames do not resolve.
   * @default the APIs' own endpoints
   */
  readonly executeApiPathBase?: string;
  /**
   * Push notifications to offline devices (Web Push; its VAPID key pair, the dispatcher's push part).
   * @default true
   */
  readonly push?: boolean;
  /**
   * The VAPID `sub` claim push services may contact (`mailto:` or `https:`).
   * @default 'mailto:push@example.invalid'
   */
  readonly vapidSubject?: string;
  /**
   * Mobile push through an SNS platform application (APNs or FCM), with the operator's credentials.
   * @default none
   */
  readonly mobilePush?: MobilePushProps;
  /**
   * Addresses apps' request URLs (Events API) may resolve to beyond public ones, e.g. `127.0.0.1`
   * for an emulator on this machine.
   * @default [] (private, loopback and link-local addresses are refused)
   */
  readonly allowedAppAddresses?: string[];
}

/** The whole backend: table, identity, WebSocket and HTTP APIs, stream fan-out, media CDN. */
export class TeamChatStack extends Stack {
  constructor(scope: Construct, id: string, props: TeamChatStackProps = {}) {
    super(scope, id, props);
    const defaultTeam = props.defaultTeam ?? 'default';
    const hotChannelThreshold = props.hotChannelThreshold ?? NUMBER_SETTINGS.hotChannelThreshold.default;
    const allowedOrigins = props.allowedOrigins ?? ['*'];
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    const data = new Data(this, 'Data', { deletionProtection: props.tableDeletionProtection });
    const identity = new Identity(this, 'Identity', {
      jwtIssuer: props.jwtIssuer,
      jwksUri: props.jwksUri,
      jwtAudience: props.jwtAudience,
      allowInsecureHttpJwks: props.allowInsecureHttpJwks,
    });
    const media = new Media(this, 'Media', { allowedOrigins, logRetention, cdn: props.mediaCdn });
    const realtime = new Realtime(this, 'Realtime', {
      table: data.table,
      jwt: identity,
      defaultTeam,
      allowedOrigins,
      hotChannelThreshold,
      media,
      logRetention,
      configureAccountLogRole: props.configureApiGatewayAccountLogRole,
      rateLimits: props.rateLimits,
      routeResponses: props.webSocketRouteResponses,
      connectionsEndpoint: props.connectionsEndpoint,
    });
    const httpApi = new ChatHttpApi(this, 'HttpApi', {
      table: data.table,
      media,
      jwt: identity,
      defaultTeam,
      hotChannelThreshold,
      allowedOrigins,
      logRetention,
      rateLimits: props.rateLimits,
      appSocketUrl: realtime.stage.url,
      appStage: realtime.stage,
      connectionsUrl: realtime.connectionsUrl,
      allowedAppAddresses: props.allowedAppAddresses,
    });
    // The table stream's two readers: the fan-out (members' devices) and the dispatcher (pushes, apps, the search index).
    const dispatch = new Dispatch(this, 'Dispatch', { table: data.table, logRetention });
    const appEvents = new AppEvents(this, 'AppEvents', { table: data.table, dispatcher: dispatch.handler, stage: realtime.stage, connectionsUrl: realtime.connectionsUrl, allowedAppAddresses: props.allowedAppAddresses, logRetention });
    const fanout = new Fanout(this, 'Fanout', { table: data.table, stage: realtime.stage, connectionsUrl: realtime.connectionsUrl, media, hotChannelThreshold, logRetention });
    new ScheduledMessages(this, 'ScheduledMessages', { table: data.table, logRetention });
    if (props.push ?? true) {
      const push = new Push(this, 'Push', {
        dispatcher: dispatch.handler,
        publicKeyReaders: [httpApi.handler],
        vapidSubject: props.vapidSubject,
        mobilePush: props.mobilePush,
        logRetention,
      });
      push.bindMobileSubscribe(httpApi.handler);
      push.acknowledgeNagFindings();
    }
    if (props.search ?? true) {
      const engine = props.search === 'opensearch' ? 'opensearch' : 'sqlite';
      new Search(this, 'Search', { engine, table: data.table, dispatcher: dispatch.handler, httpApi: httpApi.api, authorizer: httpApi.authorizer, defaultTeam, rateLimits: props.rateLimits, logRetention })
        .acknowledgeNagFindings();
    }

    const pathBase = props.executeApiPathBase;
    const httpApiUrl = pathBase ? pathStyleApiUrl(pathBase, httpApi.api.apiId) : httpApi.url;
    const webSocketUrl = pathBase ? pathStyleApiUrl(pathBase, realtime.api.apiId, { webSocket: realtime.stage.stageName }) : realtime.stage.url;
    new CfnOutput(this, 'HttpApiUrl', { value: httpApiUrl, description: 'Web API base: POST {HttpApiUrl}/api/<method>' });
    new CfnOutput(this, 'WebSocketUrl', { value: webSocketUrl, description: 'WebSocket URL: {WebSocketUrl}?token=<jwt>' });
    new CfnOutput(this, 'MediaUrl', { value: `https://${media.distributionDomainName}`, description: 'Media CDN' });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: identity.userPoolClient.userPoolClientId });

    if (props.webApp ?? true) {
      const webApp = new WebApp(this, 'WebApp', {
        logBucket: media.logsBucket,
        config: {
          HttpApiUrl: httpApi.url,
          WebSocketUrl: realtime.stage.url,
          MediaUrl: `https://${media.distributionDomainName}`,
          UserPoolId: identity.userPool.userPoolId,
          UserPoolClientId: identity.userPoolClient.userPoolClientId,
          region: this.region,
        },
      });
      new CfnOutput(this, 'WebAppUrl', { value: webApp.url, description: 'Web client (CloudFront)' });
      webApp.acknowledgeNagFindings();
    }

    applyNagSuppressions(this, { identity, media, realtime, httpApi, fanout, dispatch, appEvents });
  }
}
