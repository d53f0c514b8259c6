import { RemovalPolicy } from 'aws-cdk-lib';
import { type WebSocketStage, CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BINDINGS, environmentOf } from '../lambdas/config/settings';
import { FILE_METHOD_NAMES } from '../lambdas/http/file-method-names';
import { jsonAccessLogFormat } from './access-log';
import { ProjectFunction, type MediaBinding } from './project-function';
import { apiRateEnvironment, messageRateEnvironment, type RateLimits } from './rate-limits';
import { jwtEnvironment, type JwtSettings } from './realtime';

export interface HttpApiProps {
  /** The chat table. */
  readonly table: ITableV2;
  /** Media bucket and CDN signing settings, for file uploads and `url_private`. */
  readonly media: MediaBinding;
  /** Who issues the bearer tokens. */
  readonly jwt: JwtSettings;
  /** The workspace of users whose token has no `team` claim. */
  readonly defaultTeam: string;
  /** Members past which a channel switches to pull. */
  readonly hotChannelThreshold: number;
  /**
   * Browser origins allowed by CORS.
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * Retention of the function's and the stage's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Steady-state requests per second on the default stage.
   * @default 200
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst capacity on the default stage.
   * @default 400
   */
  readonly throttleBurstLimit?: number;
  /**
   * Per-user rate limits of the Web API.
   * @default DEFAULT_RATE_LIMITS
   */
  readonly rateLimits?: RateLimits;
  /** The WebSocket URL apps' Socket Mode connections open (apps.connections.open). */
  readonly appSocketUrl: string;
  /** The stage of apps' Socket Mode connections (slash commands post envelopes; response URLs post ephemeral replies), and its @connections URL. */
  readonly appStage: WebSocketStage;
  readonly connectionsUrl?: string;
  /**
   * Addresses apps' URLs may resolve to beyond public ones (slash commands are POSTed from this API).
   * @default []
   */
  readonly allowedAppAddresses?: string[];
}

/** The Web API: `GET|POST /api/{method}`, one function for every method, which verifies the caller's token; and Slack's upload URL. */
export class ChatHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly handler: ProjectFunction;
  /** `GET` and `POST /api/{method}`. */
  readonly apiRoutes: HttpRoute[];
  /** The files methods' function and routes (`/api/files.*`, ahead of `/api/{method}`). */
  readonly filesHandler: ProjectFunction;
  readonly filesRoutes: HttpRoute[];
  /** Slack's upload URL: `POST /upload/v1/{file}?s=<secret>`, no authorizer (the URL is the credential). */
  readonly uploadHandler: ProjectFunction;
  readonly uploadRoute: HttpRoute;
  /** Apps' incoming webhooks: `POST /services/{hook}`, no authorizer (the URL's secret is the credential). */
  readonly webhookHandler: ProjectFunction;
  readonly webhookRoute: HttpRoute;
  /** Slash commands' response URLs: `POST /commands/{hook}`, on the webhook function (the URL's secret is the credential). */
  readonly responseUrlRoute: HttpRoute;
  /** The JWT authorizer of routes whose token is only ever a header (search). */
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    // What every Web API function needs: the token check, the workspace defaults and the rate buckets.
    const webApiEnvironment = {
      ...jwtEnvironment(props.jwt),
      ...environmentOf({ defaultTeam: props.defaultTeam, hotChannelThreshold: props.hotChannelThreshold }),
      ...apiRateEnvironment(props.rateLimits),
    };
    this.handler = new ProjectFunction(this, 'Handler', {
      entry: 'lambdas/http/api.ts',
      logRetention,
      environment: {
        ...webApiEnvironment,
        [BINDINGS.appSocketUrl]: props.appSocketUrl,
        [BINDINGS.appUrlAllowedAddresses]: (props.allowedAppAddresses ?? []).join(','),
      },
    })
      .bindConnections(props.appStage, props.connectionsUrl)
      .bindTable(props.table, 'read-write')
      .bindMediaSigning(props.media);

    this.api = new HttpApi(this, 'Api', {
      apiName: 'team-chat-http',
      description: "Team chat Web API (Slack's method names)",
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins ?? ['*'],
        allowHeaders: ['authorization', 'content-type'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 200, burstLimit: props.throttleBurstLimit ?? 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: jsonAccessLogFormat('http') },
    });

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.jwtIssuer, {
      identitySource: ['$request.header.Authorization'],
      jwtAudience: [props.jwt.jwtAudience],
    });
    // No authorizer: Slack's clients may send the token in the body or `?token=`, and a JWT
    // authorizer reads one header or one query parameter only (never the body). The function
    // verifies every request with the WebSocket authorizer's check (lambdas/edge/jwt.ts).
    this.apiRoutes = this.api.addRoutes({
      path: '/api/{method}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('ApiIntegration', this.handler),
    });

    // The files methods on a function of their own, so no chat call loads the S3 client (issue 15).
    this.filesHandler = new ProjectFunction(this, 'FilesHandler', {
      entry: 'lambdas/http/files-api.ts',
      logRetention,
      environment: webApiEnvironment,
    })
      .bindTable(props.table, 'read-write')
      .bindMedia(props.media);
    const filesIntegration = new HttpLambdaIntegration('FilesIntegration', this.filesHandler);
    this.filesRoutes = FILE_METHOD_NAMES.flatMap((name) =>
      this.api.addRoutes({ path: `/api/${name}`, methods: [HttpMethod.GET, HttpMethod.POST], integration: filesIntegration }),
    );

    this.uploadHandler = new ProjectFunction(this, 'UploadHandler', { entry: 'lambdas/http/upload.ts', logRetention })
      .bindTable(props.table, 'read')
      .bindPendingUploads(props.media);
    [this.uploadRoute] = this.api.addRoutes({
      path: '/upload/v1/{file}',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('UploadIntegration', this.uploadHandler),
    });
  
    this.webhookHandler = new ProjectFunction(this, 'WebhookHandler', {
      entry: 'lambdas/http/webhook.ts',
      logRetention,
      environment: { ...environmentOf({ hotChannelThreshold: props.hotChannelThreshold }), ...messageRateEnvironment(props.rateLimits) },
    })
      .bindTable(props.table, 'read-write')
      .bindConnections(props.appStage, props.connectionsUrl);
    const webhookIntegration = new HttpLambdaIntegration('WebhookIntegration', this.webhookHandler);
    [this.webhookRoute] = this.api.addRoutes({ path: '/services/{hook}', methods: [HttpMethod.POST], integration: webhookIntegration });
    [this.responseUrlRoute] = this.api.addRoutes({ path: '/commands/{hook}', methods: [HttpMethod.POST], integration: webhookIntegration });
  }

  /** The API's base URL (the `$default` stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
