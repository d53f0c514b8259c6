import type { AppEvents } from '../../lib/app-events';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FANOUT_SORT_KEYS, TTL_ATTRIBUTE } from '../../lambdas/model/keys';
import { FILE_METHOD_NAMES } from '../../lambdas/http/file-method-names';
import type { Fanout } from '../../lib/fanout';
import type { ChatHttpApi } from '../../lib/http-api';
import type { Realtime } from '../../lib/realtime';
import { MEDIA_CONTENT_SECURITY_POLICY } from '../../lib/media';
import { TeamChatStack } from '../../lib/team-chat-stack';

// The same feature flags and context as `cdk synth`, with bundling skipped to keep tests fast.
const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

let stack: TeamChatStack;
let template: Template;
let resources: Record<string, Resource>;
let realtime: Realtime;
let httpApi: ChatHttpApi;
let fanout: Fanout;

const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  stack = new TeamChatStack(app, 'TeamChat');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  realtime = stack.node.findChild('Realtime') as Realtime;
  httpApi = stack.node.findChild('HttpApi') as ChatHttpApi;
  fanout = stack.node.findChild('Fanout') as Fanout;
});

/** The logical id of the function an API Gateway v2 integration (or authorizer) invokes. */
function integrationFunction(integrationId: string): string {
  const { IntegrationUri, AuthorizerUri } = resources[integrationId].Properties;
  const match = /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(JSON.stringify(IntegrationUri ?? AuthorizerUri));
  expect(match).not.toBeNull();
  expect(resources[match![1]].Type).toBe('AWS::Lambda::Function');
  return match![1];
}

function integrationOf(route: Resource): string {
  const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
  expect(target['Fn::Join'][1][0]).toBe('integrations/');
  return target['Fn::Join'][1][1].Ref;
}

/** Every IAM statement attached to a role, from every policy that names it. */
function statementsOfRole(roleId: string): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

function roleOfFunction(functionId: string): string {
  return resources[functionId].Properties.Role['Fn::GetAtt'][0];
}

const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('table', () => {
  test('keys, index, TTL, stream, PITR, on-demand, retained', () => {
    const [[, table]] = ofType('AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
  });
});

describe('WebSocket API', () => {
  test('routes by action, every route key wired to its own function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    const expected: Record<string, string> = {
      $connect: logicalId(realtime.functions.$connect),
      $disconnect: logicalId(realtime.functions.$disconnect),
      $default: logicalId(realtime.functions.$default),
      ping: logicalId(realtime.functions.ping),
      sync: logicalId(realtime.functions.sync),
      message: logicalId(realtime.functions.message),
      typing: logicalId(realtime.functions.typing),
      presence_sub: logicalId(realtime.functions.presence_sub),
    };
    const wsApiId = logicalId(realtime.api);
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId.Ref === wsApiId);
    const actual = Object.fromEntries(routes.map(([, r]) => [r.Properties.RouteKey, integrationFunction(integrationOf(r))]));
    expect(actual).toEqual(expected);
  });

  test('$connect uses a REQUEST authorizer reading ?token=, other routes carry no authorizer', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'REQUEST');
    expect(resources[authorizerId].Properties.IdentitySource).toEqual(['route.request.querystring.token']);
    expect(integrationFunction(authorizerId)).toBe(logicalId(realtime.functions.authorizer));
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
    const authorized = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.AuthorizationType === 'CUSTOM');
    expect(authorized.map(([, r]) => r.Properties.RouteKey)).toEqual(['$connect']);
  });

  test('reply routes return the handler body; $connect, $disconnect and typing do not', () => {
    const routeKeyById = Object.fromEntries(ofType('AWS::ApiGatewayV2::Route').map(([id, r]) => [id, r.Properties.RouteKey]));
    const withResponse = ofType('AWS::ApiGatewayV2::RouteResponse').map(([, rr]) => {
      expect(rr.Properties.RouteResponseKey).toBe('$default');
      return routeKeyById[rr.Properties.RouteId.Ref];
    });
    expect(withResponse.sort()).toEqual(['$default', 'message', 'ping', 'presence_sub', 'sync']);
    for (const [, r] of ofType('AWS::ApiGatewayV2::Route')) {
      if (withResponse.includes(r.Properties.RouteKey)) expect(r.Properties.RouteResponseSelectionExpression).toBe('$default');
    }
  });

  test('stage v1: auto-deployed, throttled, access-logged', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: logicalId(realtime.api) },
      StageName: 'v1',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RealtimeAccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('connectionId') },
    });
    template.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: Match.anyValue() });
  });

  test('authorizer environment', () => {
    const env = resources[logicalId(realtime.functions.authorizer)].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['ALLOWED_ORIGINS', 'DEFAULT_TEAM', 'JWKS_URI', 'JWT_AUDIENCE', 'JWT_ISSUER', 'TABLE_NAME']);
    expect(env.DEFAULT_TEAM).toBe('default');
    expect(env.ALLOWED_ORIGINS).toBe('*');
    expect(JSON.stringify(env.JWT_ISSUER)).toContain('https://cognito-idp.');
    expect(JSON.stringify(env.JWKS_URI)).toContain('/.well-known/jwks.json');
    expect(env.JWT_AUDIENCE).toEqual({ Ref: expect.stringMatching(/^IdentityUserPoolAppClient/) });
  });
});

describe('HTTP API', () => {
  test('GET and POST /api/{method} to the api function, which verifies the token itself (header, query or body); the JWT authorizer reads the header', () => {
    const [[, jwt]] = ofType('AWS::ApiGatewayV2::Authorizer').filter(([, a]) => a.Properties.AuthorizerType === 'JWT');
    expect(jwt.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(jwt.Properties.JwtConfiguration.Audience).toEqual([{ Ref: expect.stringMatching(/^IdentityUserPoolAppClient/) }]);
    expect(JSON.stringify(jwt.Properties.JwtConfiguration.Issuer)).toContain('https://cognito-idp.');
    for (const key of ['GET /api/{method}', 'POST /api/{method}']) {
      const [[, route]] = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === key);
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(integrationFunction(integrationOf(route))).toBe(logicalId(httpApi.handler));
    }
    // The function verifies with the same issuer and audience as the authorizers.
    const env = resources[logicalId(httpApi.handler)].Properties.Environment.Variables;
    expect(JSON.stringify(env.JWT_ISSUER)).toContain('https://cognito-idp.');
    expect(env.JWT_AUDIENCE).toEqual({ Ref: expect.stringMatching(/^IdentityUserPoolAppClient/) });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: logicalId(httpApi.api) },
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  test("POST /upload/v1/{file}: Slack's upload URL, no authorizer, a function that reads the table and puts under the pending prefix only", () => {
    const [[, route]] = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === 'POST /upload/v1/{file}');
    expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    const fnId = logicalId(httpApi.uploadHandler);
    expect(integrationFunction(integrationOf(route))).toBe(fnId);
    const statements = statementsOfRole(roleOfFunction(fnId));
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
    expect(actions.filter((a) => a.startsWith('dynamodb:') && !/^dynamodb:(Get|BatchGet|Query|ConditionCheck|Describe)/.test(a))).toEqual([]);
    const puts = statements.filter((s) => actionsOf(s).includes('s3:PutObject'));
    expect(JSON.stringify(puts.map((p) => p.Resource))).toContain('/uploads/pending/*');
    expect(Object.keys(resources[fnId].Properties.Environment.Variables).sort()).toEqual(['MEDIA_BUCKET', 'TABLE_NAME']);
  });

  test('CORS, throttled and access-logged default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowHeaders: ['authorization', 'content-type'],
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: logicalId(httpApi.api) },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  test('api function: table, url_private signing (no bucket access), team settings, and @connections for slash commands over Socket Mode only', () => {
    const fnId = logicalId(httpApi.handler);
    const env = resources[fnId].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual([
      'APP_SOCKET_URL',
      'APP_URL_ALLOWED_ADDRESSES',
      'DEFAULT_TEAM',
      'HOT_CHANNEL_THRESHOLD',
      'JWKS_URI',
      'JWT_AUDIENCE',
      'JWT_ISSUER',
      'MEDIA_KEY_PAIR_ID',
      'MEDIA_SIGNING_KEY_SECRET_ARN',
      'MEDIA_URL',
      'RATE_API_BURST',
      'RATE_API_PER_SECOND',
      'RATE_MESSAGE_BURST',
      'RATE_MESSAGE_PER_SECOND',
      'TABLE_NAME',
      // push.vapidPublicKey (lib/push.ts); the public half only
      'VAPID_PUBLIC_KEY',
      'WS_CALLBACK_URL',
    ]);
    const actions = statementsOfRole(roleOfFunction(fnId)).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'secretsmanager:GetSecretValue']));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  test('files function: the files methods on routes of their own, with the bucket access the api function no longer has', () => {
    const fnId = logicalId(httpApi.filesHandler);
    const env = resources[fnId].Properties.Environment.Variables;
    expect(env).toHaveProperty('MEDIA_BUCKET');
    expect(env).toHaveProperty('TABLE_NAME');
    expect(env).not.toHaveProperty('WS_CALLBACK_URL');
    const integrationOf = (routeKey: string) => Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }))[0]?.Properties.Target;
    const filesIntegration = JSON.stringify(integrationOf('POST /api/files.info'));
    for (const name of FILE_METHOD_NAMES) {
      for (const verb of ['GET', 'POST']) expect(JSON.stringify(integrationOf(`${verb} /api/${name}`))).toBe(filesIntegration);
    }
    expect(JSON.stringify(integrationOf('POST /api/{method}'))).not.toBe(filesIntegration);
    const statements = statementsOfRole(roleOfFunction(fnId));
    expect(statements.flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 's3:PutObject', 's3:GetObject', 'secretsmanager:GetSecretValue']));
    // Delete only under the pending-uploads prefix (what completeUploadExternal moves out of) and the completed files (files.delete).
    const deletes = statements.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    expect(actionsOf(deletes[0])).toEqual(['s3:DeleteObject']);
    expect(JSON.stringify(deletes[0].Resource)).toContain('/uploads/pending/*');
    expect(JSON.stringify(deletes[0].Resource)).toContain('/files/*');
    expect(deletes[0].Resource).toHaveLength(2);
  });

  test('url_private signers (fan-out, sync): the signing key and CDN settings, no bucket access', () => {
    for (const fn of [fanout.handler, realtime.functions.sync]) {
      const fnId = logicalId(fn);
      const env = resources[fnId].Properties.Environment.Variables;
      expect(env).toHaveProperty('MEDIA_URL');
      expect(env).toHaveProperty('MEDIA_KEY_PAIR_ID');
      expect(env).toHaveProperty('MEDIA_SIGNING_KEY_SECRET_ARN');
      expect(env).not.toHaveProperty('MEDIA_BUCKET');
      const actions = statementsOfRole(roleOfFunction(fnId)).flatMap(actionsOf);
      expect(actions).toContain('secretsmanager:GetSecretValue');
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    }
  });
});

describe('fan-out', () => {
  test('event source mapping settings and filter', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(fanout.handler) },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTable'), 'StreamArn'] },
      BatchSize: 100,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(fanout.deadLetterQueue), 'Arn'] } } },
      FilterCriteria: {
        Filters: [{ Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"MSG#"},{"prefix":"MEM#"},"META",{"prefix":"EPH#"},{"prefix":"PIN#"}]}}}}' }],
      },
    });
    // The pattern is built from the shared constants, not retyped.
    expect(FANOUT_SORT_KEYS).toEqual({ messagePrefix: 'MSG#', membershipPrefix: 'MEM#', channelMeta: 'META', ephemeralPrefix: 'EPH#', pinPrefix: 'PIN#' });
  });

  test('dead-letter queue is encrypted and TLS-only, with an alarm while it holds anything', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(fanout.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(fanout.deadLetterQueue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('rate limits and the connection cap: defaults in the functions that enforce them, overridable by prop', () => {
    const envOf = (fn: IConstruct) => resources[logicalId(fn)].Properties.Environment.Variables;
    expect(envOf(httpApi.handler)).toMatchObject({ RATE_MESSAGE_PER_SECOND: '1', RATE_MESSAGE_BURST: '5', RATE_API_PER_SECOND: '20', RATE_API_BURST: '50' });
    expect(envOf(realtime.functions.message)).toMatchObject({ RATE_MESSAGE_PER_SECOND: '1', RATE_MESSAGE_BURST: '5' });
    expect(envOf(realtime.functions.$connect)).toMatchObject({ MAX_CONNECTIONS_PER_USER: '20' });
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const custom = new TeamChatStack(app, 'Limits', { rateLimits: { messageBurst: 9, apiCallsPerSecond: 7, maxConnectionsPerUser: 3 } });
    const fns = Object.values(Template.fromStack(custom).findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment?.Variables ?? {});
    // The Web API, its files function and search (lib/search.ts) charge the API bucket; the first two send messages.
    expect(fns.filter((e) => e.RATE_API_PER_SECOND !== undefined)).toEqual([
      expect.objectContaining({ RATE_API_PER_SECOND: '7', RATE_API_BURST: '50', RATE_MESSAGE_BURST: '9' }),
      expect.objectContaining({ RATE_API_PER_SECOND: '7', RATE_API_BURST: '50', RATE_MESSAGE_BURST: '9', MEDIA_BUCKET: expect.anything() }),
      expect.objectContaining({ RATE_API_PER_SECOND: '7', RATE_API_BURST: '50', SEARCH_INDEX_PATH: expect.any(String) }),
    ]);
    expect(fns.filter((e) => e.MAX_CONNECTIONS_PER_USER !== undefined)).toEqual([expect.objectContaining({ MAX_CONNECTIONS_PER_USER: '3' })]);
    expect(fns.filter((e) => e.RATE_MESSAGE_BURST === '9')).toHaveLength(4); // message route, api, files, incoming webhooks
  });

  test('fan-out environment', () => {
    const env = resources[logicalId(fanout.handler)].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual([
      'DELIVER_FUNCTION_NAME', 'FANOUT_CONCURRENCY', 'FANOUT_DEAD_LETTER_QUEUE_URL', 'HOT_CHANNEL_THRESHOLD', 'MEDIA_KEY_PAIR_ID', 'MEDIA_SIGNING_KEY_SECRET_ARN', 'MEDIA_URL', 'TABLE_NAME', 'WS_CALLBACK_URL',
    ]);
    // The shares of a large delivery: the deliver function by name, and invoking exactly it.
    expect(env.DELIVER_FUNCTION_NAME).toEqual({ Ref: logicalId(fanout.deliverHandler) });
    const invokes = statementsOfRole(roleOfFunction(logicalId(fanout.handler))).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    expect(actionsOf(invokes[0])).toEqual(['lambda:InvokeFunction']);
    expect(invokes[0].Resource).toEqual({ 'Fn::GetAtt': [logicalId(fanout.deliverHandler), 'Arn'] });
    const deliverEnv = resources[logicalId(fanout.deliverHandler)].Properties.Environment.Variables;
    expect(deliverEnv).not.toHaveProperty('DELIVER_FUNCTION_NAME');
    expect(deliverEnv).toHaveProperty('WS_CALLBACK_URL');
    expect(env.HOT_CHANNEL_THRESHOLD).toBe('1000');
    expect(env.FANOUT_CONCURRENCY).toBe('128');
    expect(JSON.stringify(env.WS_CALLBACK_URL)).toMatch(/https:\/\/.*execute-api.*\/v1/);
  });

  test('the fan-out sets undeliverable records aside in its own dead-letter queue: send only, that queue only', () => {
    const queueId = logicalId(fanout.deadLetterQueue);
    const env = resources[logicalId(fanout.handler)].Properties.Environment.Variables;
    expect(env.FANOUT_DEAD_LETTER_QUEUE_URL).toEqual({ Ref: queueId });
    const sqs = statementsOfRole(roleOfFunction(logicalId(fanout.handler))).filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
    expect(sqs).toHaveLength(1);
    expect(actionsOf(sqs[0]).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(sqs[0].Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('media', () => {
  test('private, TLS-only bucket with upload CORS and lifecycle', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT', 'POST'] })] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'uploads/pending/', ExpirationInDays: 1, Status: 'Enabled' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^MediaBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('CloudFront: OAC origin, HTTPS only, trusted key group from the custom resource', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2); // media and the web client
    const [[keyGroupId]] = ofType('AWS::CloudFront::KeyGroup');
    const [[publicKeyId, publicKey]] = ofType('AWS::CloudFront::PublicKey');
    expect(resources[keyGroupId].Properties.KeyGroupConfig.Items).toEqual([{ Ref: publicKeyId }]);
    const [[signingKeyId]] = ofType('Custom::MediaSigningKey');
    expect(publicKey.Properties.PublicKeyConfig.EncodedKey).toEqual({ 'Fn::GetAtt': [signingKeyId, 'PublicKeyPem'] });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only', TrustedKeyGroups: [{ Ref: keyGroupId }] }),
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] } })],
      }),
    });
    template.hasResourceProperties('Custom::MediaSigningKey', { SecretArn: { Ref: Match.stringLikeRegexp('^MediaSigningKeySecret') } });
  });

  test('CloudFront: every media response carries nosniff and a sandboxing CSP (a response headers policy on the signed-URL behavior)', () => {
    const [[policyId, policy]] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
      ContentTypeOptions: { Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: MEDIA_CONTENT_SECURITY_POLICY, Override: true },
    });
    expect(MEDIA_CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(MEDIA_CONTENT_SECURITY_POLICY).toMatch(/(^|; )sandbox($|;)/);
    expect(MEDIA_CONTENT_SECURITY_POLICY).not.toMatch(/script-src/);
    const media = ofType('AWS::CloudFront::Distribution').filter(([, d]) => d.Properties.DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups);
    expect(media).toHaveLength(1);
    expect(media[0][1].Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});

describe('web client', () => {
  test('private bucket behind CloudFront (OAC, index.html, HTTPS) and a deployment with config.json', () => {
    const webBucket = Object.keys(resources).find((id) => id.startsWith('WebAppBucket') && resources[id].Type === 'AWS::S3::Bucket')!;
    expect(resources[webBucket].Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ DomainName: { 'Fn::GetAtt': [webBucket, 'RegionalDomainName'] }, OriginAccessControlId: Match.anyValue() })],
      }),
    });
    const [[, deployment]] = ofType('Custom::CDKBucketDeployment');
    expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: webBucket });
    // web/dist (or the placeholder) and config.json.
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    for (const token of ['ApiEndpoint', logicalId(realtime.api), 'IdentityUserPool', 'MediaDistribution']) expect(markers).toContain(token);
  });
});

describe('functions', () => {
  test('every function: nodejs22.x on arm64, traced, logging to its own log group with retention', () => {
    // BucketDeployment's CDK-provided singleton (web client upload) is the one function not built by the project.
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    // 12, the fan-out's deliver function (lib/fanout.ts), the files methods (lib/http-api.ts), Slack's upload URL, search's indexer and query function (lib/search.ts),
    // the stream's dispatcher (lib/dispatch.ts: push, apps, the index), push's VAPID key custom resource (lib/push.ts), the Events API retries (lib/app-events.ts),
    // incoming webhooks and the scheduled-message deliverer.
    expect(functions.length).toBe(22);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, MemorySize: expect.any(Number) });
      // No --enable-source-maps (it parses the map at every cold start): the logger maps stacks from the shipped map.
      expect(fn.Properties.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId].Properties.RetentionInDays).toBe(30);
    }
  });

  test('no AWSLambdaBasicExecutionRole and no table Scan anywhere', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain('AWSLambdaBasicExecutionRole');
    }
    for (const [, policy] of ofType('AWS::IAM::Policy')) expect(JSON.stringify(policy.Properties)).not.toContain('dynamodb:Scan');
  });

  test('only fan-out (and its deliver function), app events, typing, $connect, $disconnect, the api (Socket Mode slash commands) and webhooks (ephemeral replies) may use @connections: POST only (their code only posts), on exactly v1', () => {
    const appEvents = stack.node.findChild('AppEvents') as AppEvents;
    const allowed = [fanout.handler, fanout.deliverHandler, appEvents.handler, httpApi.handler, httpApi.webhookHandler, realtime.functions.typing, realtime.functions.$connect, realtime.functions.$disconnect].map(logicalId).sort();
    const withCallbacks = ofType('AWS::Lambda::Function')
      .filter(([id]) => statementsOfRole(roleOfFunction(id)).some((s) => actionsOf(s).includes('execute-api:ManageConnections')))
      .map(([id]) => id)
      .sort();
    expect(withCallbacks).toEqual(allowed);
    for (const id of allowed) {
      const statements = statementsOfRole(roleOfFunction(id)).filter((s) => actionsOf(s).includes('execute-api:ManageConnections'));
      expect(statements).toHaveLength(1);
      expect(actionsOf(statements[0])).toEqual(['execute-api:ManageConnections']);
      const arns = [statements[0].Resource].flat().map((r) => JSON.stringify(r));
      expect(arns).toHaveLength(1);
      expect(arns[0]).toMatch(/\/v1\/POST\/@connections\/\*"\]\]\}$/);
      expect(resources[id].Properties.Environment.Variables.WS_CALLBACK_URL).toBeDefined();
    }
    // presence_sub replies on its own route; presence_change posts come from $connect and $disconnect.
    expect(resources[logicalId(realtime.functions.presence_sub)].Properties.Environment.Variables.WS_CALLBACK_URL).toBeUndefined();
  });

  test("the Events API's later tries: an SQS retry queue (a dead-letter queue with an alarm behind it) consumed by its own function; both app functions may send to it; an alarm on apps disabled", () => {
    const appEvents = stack.node.findChild('AppEvents') as AppEvents;
    const queueId = logicalId(appEvents.retryQueue);
    expect(resources[queueId].Properties).toMatchObject({
      MessageRetentionPeriod: 3600,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(appEvents.retryDeadLetterQueue), 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: logicalId(appEvents.retryHandler) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // SQS refuses a mapping whose function can outlive the queue's visibility timeout.
    expect(resources[logicalId(appEvents.retryHandler)].Properties.Timeout).toBeLessThanOrEqual(180);
    for (const fn of [appEvents.handler, appEvents.retryHandler]) {
      expect(resources[logicalId(fn)].Properties.Environment.Variables.APP_RETRY_QUEUE_URL).toEqual({ Ref: queueId });
      const sends = statementsOfRole(roleOfFunction(logicalId(fn))).filter((st) => actionsOf(st).includes('sqs:SendMessage'));
      expect(sends.flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r))).toContain(JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }));
    }
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.alert = "app_events_disabled" }', MetricTransformations: [{ MetricName: 'AppEventsDisabled', MetricNamespace: 'TeamChat', MetricValue: '1' }] });
    expect(resources[logicalId(appEvents.disabledAlarm)].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  test('table grants: typing and sync read (and charge their own rate bucket), none for $default and the authorizer', () => {
    const tableActions = (fn: IConstruct) =>
      statementsOfRole(roleOfFunction(logicalId(fn)))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'));
    expect(tableActions(realtime.functions.typing)).not.toContain('dynamodb:PutItem');
    expect(tableActions(realtime.functions.typing)).toContain('dynamodb:Query');
    // $default marks apps' envelopes acknowledged, nothing else; the authorizer reads Socket Mode tickets.
    const defaultStatements = statementsOfRole(roleOfFunction(logicalId(realtime.functions.$default))).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(defaultStatements).toHaveLength(1);
    expect(actionsOf(defaultStatements[0])).toEqual(['dynamodb:UpdateItem']);
    expect((defaultStatements[0] as { Condition?: unknown }).Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ENV#*'] } });
    expect(tableActions(realtime.functions.authorizer)).not.toContain('dynamodb:PutItem');
    expect(tableActions(realtime.functions.authorizer)).not.toContain('dynamodb:DeleteItem');
    expect(tableActions(realtime.functions.message)).toContain('dynamodb:PutItem');
    // sync and typing read, and update nothing but their caller's rate-limit bucket (RL# partitions).
    for (const fn of [realtime.functions.sync, realtime.functions.typing]) {
      expect(tableActions(fn)).toContain('dynamodb:Query');
      for (const write of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(tableActions(fn)).not.toContain(write);
      const updates = statementsOfRole(roleOfFunction(logicalId(fn))).filter((st) => actionsOf(st).includes('dynamodb:UpdateItem'));
      expect(updates).toHaveLength(1);
      expect(actionsOf(updates[0])).toEqual(['dynamodb:UpdateItem']);
      expect((updates[0] as { Condition?: unknown }).Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RL#*'] } });
    }
  });
});

describe('scheduled messages', () => {
  test('an EventBridge rule runs the deliverer every minute; the deliverer has the table and nothing else', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Properties.State).toBe('ENABLED');
    const fnId = rule.Properties.Targets[0].Arn['Fn::GetAtt'][0];
    expect(resources[fnId].Type).toBe('AWS::Lambda::Function');
    expect(Object.keys(resources[fnId].Properties.Environment.Variables)).toContain('TABLE_NAME');
    const actions = statementsOfRole(roleOfFunction(fnId)).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(actions.filter((a) => /^(s3|execute-api|secretsmanager|sqs):/.test(a))).toEqual([]);
  });
});

describe('outputs and checks', () => {
  test('outputs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(['HttpApiUrl', 'MediaUrl', 'UserPoolClientId', 'UserPoolId', 'WebAppUrl', 'WebSocketUrl']);
    expect(JSON.stringify(outputs.WebAppUrl.Value)).toContain('https://');
    expect(JSON.stringify(outputs.WebSocketUrl.Value)).toMatch(/wss:\/\/.*\/v1/);
    expect(JSON.stringify(outputs.MediaUrl.Value)).toContain('https://');
  });

  test('user pool: invite-only, strong passwords, mutable team attribute, public client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireNumbers: true }) },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'team', Mutable: true, AttributeDataType: 'String' })]),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
      AllowedOAuthFlows: Match.absent(),
    });
  });

  test('app client: users read their workspace attribute but may write only profile fields, never custom:team', () => {
    const [[, client]] = ofType('AWS::Cognito::UserPoolClient');
    expect([...client.Properties.WriteAttributes].sort()).toEqual(['email', 'name', 'preferred_username']);
    expect(client.Properties.WriteAttributes).not.toContain('custom:team');
    expect([...client.Properties.ReadAttributes].sort()).toEqual(['custom:team', 'email', 'email_verified', 'name', 'preferred_username']);
  });

  test('no CDK errors, and cdk-nag AwsSolutions reports no unacknowledged finding', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    // cdk-nag 3 is a policy-validation plugin, not an Aspect: it reports through validateScope, not annotations.
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('configuration', () => {
  test('another issuer: issuer, JWKS and audience flow to both authorizers', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const custom = new TeamChatStack(app, 'Custom', {
      jwtIssuer: 'https://issuer.example.com',
      jwksUri: 'https://issuer.example.com/keys',
      jwtAudience: 'chat',
      defaultTeam: 'acme',
      allowedOrigins: ['https://chat.example.com'],
    });
    const t = Template.fromStack(custom);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['chat'] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_ISSUER: 'https://issuer.example.com',
          JWKS_URI: 'https://issuer.example.com/keys',
          JWT_AUDIENCE: 'chat',
          DEFAULT_TEAM: 'acme',
          ALLOWED_ORIGINS: 'https://chat.example.com',
        }),
      },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://chat.example.com'] }) });
  });

  test('an issuer without an audience is refused', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new TeamChatStack(app, 'Bad', { jwtIssuer: 'https://issuer.example.com' })).toThrow(/jwtAudience/);
  });
});
