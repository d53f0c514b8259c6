import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BINDINGS, environmentOf } from '../lambdas/config/settings';
import { jsonAccessLogFormat } from './access-log';
import { connectionsEndpointFrom } from './emulator-endpoints';
import { ProjectFunction, type MediaBinding, type TableAccess } from './project-function';
import { connectionLimitEnvironment, messageRateEnvironment, type RateLimits } from './rate-limits';

/** The JWT settings tokens are verified with (see lib/identity.ts). */
export interface JwtSettings {
  readonly jwtIssuer: string;
  readonly jwksUri: string;
  readonly jwtAudience: string;
  /** The JWKS may be fetched over plain http (an emulator's local issuer only). */
  readonly allowInsecureHttpJwks?: boolean;
}

/** What lambdas/edge/jwt.ts verifies tokens with: issuer, JWKS, audience (and plain-http JWKS for an emulator). */
export function jwtEnvironment(jwt: JwtSettings): Record<string, string> {
  return {
    [BINDINGS.jwtIssuer]: jwt.jwtIssuer,
    ...environmentOf({ jwksUri: jwt.jwksUri, jwtAudience: jwt.jwtAudience }),
    ...(jwt.allowInsecureHttpJwks ? environmentOf({ jwksAllowInsecureHttp: 'true' }) : {}),
  };
}

export interface RealtimeProps {
  /** The chat table. */
  readonly table: ITableV2;
  /** Who issues the tokens that `?token=` carries. */
  readonly jwt: JwtSettings;
  /** The workspace of users whose token has no `team` claim. */
  readonly defaultTeam: string;
  /** Browser origins allowed to open a WebSocket; `['*']` allows any. */
  readonly allowedOrigins: string[];
  /** Members past which a channel switches to pull (sync reports it as hot). */
  readonly hotChannelThreshold: number;
  /** Media CDN signing settings: sync signs `url_private` in the events it returns. */
  readonly media?: MediaBinding;
  /**
   * Retention of the functions' and the stage's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Steady-state requests per second across the stage's routes.
   * @default 500
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst capacity across the stage's routes.
   * @default 1000
   */
  readonly throttleBurstLimit?: number;
  /**
   * Set the account-wide API Gateway CloudWatch Logs role, which WebSocket access logs require.
   * Turn off when the account already has one managed elsewhere.
   * @default true
   */
  readonly configureAccountLogRole?: boolean;
  /**
   * The connection cap ($connect) and the message bucket (`message`).
   * @default DEFAULT_RATE_LIMITS
   */
  readonly rateLimits?: RateLimits;
  /**
   * Declare route responses for the routes that reply. Off only for emulators that lack
   * `AWS::ApiGatewayV2::RouteResponse` and send a reply whatever the route declares: on AWS a route
   * without one sends nothing back.
   * @default true
   */
  readonly routeResponses?: boolean;
  /**
   * The @connections endpoint the functions post to, as a template with `{apiId}` and `{stage}`
   * (see lib/emulator-endpoints.ts).
   * @default the stage's callback URL, https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}
   */
  readonly connectionsEndpoint?: string;
}

/** Route keys and their handlers; `reply` routes return the handler's `body` as the reply frame. */
const ROUTES = [
  { key: 'ping', entry: 'lambdas/ws/ping.ts', id: 'Ping', table: 'read-write', reply: true, connections: false },
  // sync only reads (the inbox, memberships, channel heads): it never writes the table.
  { key: 'sync', entry: 'lambdas/ws/sync.ts', id: 'Sync', table: 'read+rate-buckets', reply: true, connections: false },
  { key: 'message', entry: 'lambdas/ws/message.ts', id: 'Message', table: 'read-write', reply: true, connections: false },
  { key: 'typing', entry: 'lambdas/ws/typing.ts', id: 'Typing', table: 'read+rate-buckets', reply: false, connections: true },
  // presence_sub stores subscriptions and replies on its own route; presence_change posts come from $connect/$disconnect.
  { key: 'presence_sub', entry: 'lambdas/ws/presence-sub.ts', id: 'PresenceSub', table: 'read-write', reply: true, connections: false },
] as const satisfies readonly { key: string; entry: string; id: string; table: TableAccess; reply: boolean; connections: boolean }[];

/**
 * The WebSocket API: a REQUEST authorizer on `$connect` verifies `?token=`; later frames are routed
 * by their `action` and carry the authorizer's context. Stage `v1`.
 */
export class Realtime extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** Every function behind the API, by route key (and `authorizer`). */
  readonly functions: Record<string, ProjectFunction> = {};
  /** Where functions reach the stage's @connections API. */
  readonly connectionsUrl: string;

  constructor(scope: Construct, id: string, props: RealtimeProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const routeResponses = props.routeResponses ?? true;
    const fn = (fnId: string, entry: string, environment: Record<string, string> = {}) =>
      new ProjectFunction(this, fnId, { entry, logRetention, environment });

    const authorizerFn = fn('Authorizer', 'lambdas/ws/authorizer.ts', {
      ...jwtEnvironment(props.jwt),
      ...environmentOf({ defaultTeam: props.defaultTeam, allowedOrigins: props.allowedOrigins.join(',') }),
    }).bindTable(props.table, 'read'); // apps' Socket Mode tickets
    const connectFn = fn('Connect', 'lambdas/ws/connect.ts', connectionLimitEnvironment(props.rateLimits)).bindTable(props.table, 'read-write');
    const disconnectFn = fn('Disconnect', 'lambdas/ws/disconnect.ts').bindTable(props.table, 'read-write');
    // $default answers "unknown action", and takes apps' Socket Mode acks (it deletes the pending envelope).
    const defaultFn = fn('Default', 'lambdas/ws/default.ts').bindTable(props.table, 'app-acks');

    this.api = new WebSocketApi(this, 'Api', {
      apiName: 'team-chat-ws',
      description: 'Team chat WebSocket API: authorize at $connect, then frames routed by action',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: new WebSocketLambdaIntegration('ConnectIntegration', connectFn),
        authorizer: new WebSocketLambdaAuthorizer('TokenAuthorizer', authorizerFn, {
          identitySource: ['route.request.querystring.token'],
        }),
      },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('DisconnectIntegration', disconnectFn) },
      defaultRouteOptions: {
        integration: new WebSocketLambdaIntegration('DefaultIntegration', defaultFn),
        returnResponse: routeResponses,
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'v1',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 500, burstLimit: props.throttleBurstLimit ?? 1000 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: jsonAccessLogFormat('websocket') },
    });
    this.connectionsUrl = props.connectionsEndpoint
      ? connectionsEndpointFrom(props.connectionsEndpoint, this.api.apiId, this.stage.stageName)
      : this.stage.callbackUrl;
    if (props.configureAccountLogRole ?? true) {
      const account = this.accountLogRole();
      this.stage.node.addDependency(account);
    }

    for (const route of ROUTES) {
      const handler = fn(route.id, route.entry);
      if (route.key === 'sync') for (const [k, v] of Object.entries(environmentOf({ hotChannelThreshold: props.hotChannelThreshold }))) handler.addEnvironment(k, v);
      if (route.key === 'message') for (const [k, v] of Object.entries(messageRateEnvironment(props.rateLimits))) handler.addEnvironment(k, v);
      if (route.key === 'sync' && props.media) handler.bindMediaSigning(props.media);
      handler.bindTable(props.table, route.table);
      if (route.connections) handler.bindConnections(this.stage, this.connectionsUrl);
      this.api.addRoute(route.key, {
        integration: new WebSocketLambdaIntegration(`${route.id}Integration`, handler),
        returnResponse: route.reply && routeResponses,
      });
      this.functions[route.key] = handler;
    }
    connectFn.bindConnections(this.stage, this.connectionsUrl);
    disconnectFn.bindConnections(this.stage, this.connectionsUrl);
    Object.assign(this.functions, {
      authorizer: authorizerFn,
      $connect: connectFn,
      $disconnect: disconnectFn,
      $default: defaultFn,
    });
  }

  /** API Gateway's account-level role for CloudWatch Logs; WebSocket stages cannot log without it. */
  private accountLogRole(): CfnAccount {
    const role = new iam.Role(this, 'ApiGatewayLogsRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    const account = new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
    // The setting is account-wide and other APIs may rely on it: leave it and its role when this stack goes.
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    account.node.addDependency(role);
    return account;
  }
}
