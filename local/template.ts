import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The local cloud's view of the synthesized CloudFormation template: which functions exist, which
 * routes invoke them, which authorizers guard them, the table and its event source. Everything the
 * local cloud runs is read from here, so what runs locally is what deploys.
 */

export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
type Properties = Record<string, TemplateValue>;
interface Resource {
  Type: string;
  Properties?: Properties;
  Metadata?: Record<string, TemplateValue>;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export interface FunctionSpec {
  logicalId: string;
  /** Absolute path of the bundle's entry file. */
  codePath: string;
  /** The exported handler's name (from `Handler`, e.g. `index.handler` → `handler`). */
  handlerName: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Environment as in the template: plain strings or intrinsics, resolved later. */
  environment: Record<string, TemplateValue>;
}

export interface RouteSpec {
  logicalId: string;
  routeKey: string;
  functionId: string;
  authorizationType: string;
  authorizerId?: string;
  /** WebSocket only: the route has a route response, so the Lambda result's body goes back to the client. */
  hasRouteResponse: boolean;
}

export type AuthorizerSpec =
  | { logicalId: string; type: 'REQUEST'; functionId: string; identitySource: string[] }
  | { logicalId: string; type: 'JWT'; issuer: TemplateValue; audience: TemplateValue[] };

export interface CorsSpec {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials: boolean;
}

export interface WebSocketApiSpec {
  logicalId: string;
  routeSelectionExpression: string;
  stage: string;
  routes: RouteSpec[];
  authorizers: AuthorizerSpec[];
}

export interface HttpApiSpec {
  logicalId: string;
  routes: RouteSpec[];
  authorizers: AuthorizerSpec[];
  cors?: CorsSpec;
}

export interface EventSourceSpec {
  logicalId: string;
  functionId: string;
  batchSize: number;
  bisectBatchOnFunctionError: boolean;
  /** -1 = retry until the record expires (Lambda's default). */
  maximumRetryAttempts: number;
  /** -1 = no limit. */
  maximumRecordAgeInSeconds: number;
  reportBatchItemFailures: boolean;
  /** EventBridge-style patterns, already parsed; empty = every record. */
  filterPatterns: unknown[];
  startingPosition: string;
  onFailureDestination?: string;
  /** Concurrent batches per shard (1–10); records of one partition key stay in one lane, in order. */
  parallelizationFactor: number;
}

/** An SQS queue of the template, served by the local queue stand-in under its logical id. */
export interface QueueSpec {
  logicalId: string;
  /** The queue's default DelaySeconds (0–900). */
  delaySeconds: number;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  /** Its RedrivePolicy: where a message goes after maxReceiveCount receives. */
  deadLetterQueueId?: string;
  maxReceiveCount?: number;
}

/** An event source mapping that reads an SQS queue (Lambda's SQS poller). */
export interface QueueSourceSpec {
  logicalId: string;
  functionId: string;
  queueId: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

/** An EventBridge rule on a schedule (`rate(N minute|minutes|hour|hours)`) that invokes a function. */
export interface ScheduleSpec {
  logicalId: string;
  functionId: string;
  periodSeconds: number;
}

export interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface TableSpec {
  logicalId: string;
  keySchema: KeyElement[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  globalSecondaryIndexes: { IndexName: string; KeySchema: KeyElement[]; Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } }[];
  streamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  ttlAttribute?: string;
}

export interface CloudView {
  functions: Map<string, FunctionSpec>;
  webSocketApi: WebSocketApiSpec;
  httpApi: HttpApiSpec;
  eventSources: EventSourceSpec[];
  queues: QueueSpec[];
  queueSources: QueueSourceSpec[];
  schedules: ScheduleSpec[];
  table: TableSpec;
}

export const templatePath = (cdkOut: string, stackName = 'TeamChat') => join(cdkOut, `${stackName}.template.json`);

export function loadTemplate(path: string): Template {
  return JSON.parse(readFileSync(path, 'utf8')) as Template;
}

const isObject = (v: TemplateValue | undefined): v is { [key: string]: TemplateValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{Ref: X}` → X. */
function refOf(value: TemplateValue | undefined): string | undefined {
  return isObject(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
}

/** The logical ids that a value reaches through `Fn::GetAtt [X, attribute]`, anywhere inside it. */
export function getAttTargets(value: TemplateValue | undefined, attribute: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => getAttTargets(v, attribute));
  if (!isObject(value)) return [];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === attribute && typeof getAtt[0] === 'string') return [getAtt[0]];
  if (typeof getAtt === 'string' && getAtt.endsWith(`.${attribute}`)) return [getAtt.slice(0, -attribute.length - 1)];
  return Object.values(value).flatMap((v) => getAttTargets(v, attribute));
}

const str = (v: TemplateValue | undefined, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: TemplateValue | undefined, fallback: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : fallback);
const strings = (v: TemplateValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Functions the local cloud can run: Node.js ones (a missing Runtime is an inline or image function we do not run either). */
export const isNodeRuntime = (runtime: TemplateValue | undefined): boolean => typeof runtime === 'string' && runtime.startsWith('nodejs');

export function buildCloudView(template: Template, cdkOut: string): CloudView {
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type).map(([id, r]) => ({ id, p: r.Properties ?? {}, r }));

  const functions = new Map<string, FunctionSpec>();
  for (const { id, p, r } of ofType('AWS::Lambda::Function')) {
    // Deploy-time helpers in other runtimes (CDK's BucketDeployment is Python) have no part in the running system.
    if (!isNodeRuntime(p.Runtime)) continue;
    const assetPath = str(r.Metadata?.['aws:asset:path']);
    const handler = str(p.Handler, 'index.handler');
    const dot = handler.lastIndexOf('.');
    const variables = isObject(p.Environment) ? p.Environment.Variables : undefined;
    functions.set(id, {
      logicalId: id,
      codePath: join(cdkOut, assetPath, `${handler.slice(0, dot)}.js`),
      handlerName: handler.slice(dot + 1),
      timeoutSeconds: num(p.Timeout, 3),
      memorySize: num(p.MemorySize, 128),
      environment: isObject(variables) ? variables : {},
    });
  }

  const functionOf = (value: TemplateValue | undefined, what: string): string => {
    const target = getAttTargets(value, 'Arn').find((t) => functions.has(t));
    if (!target) throw new Error(`${what}: no Lambda function found in its integration`);
    return target;
  };

  const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map(({ id, p }) => [id, functionOf(p.IntegrationUri, `integration ${id}`)]));
  const routeResponses = new Set(ofType('AWS::ApiGatewayV2::RouteResponse').map(({ p }) => refOf(p.RouteId)));
  const routesByApi = new Map<string, RouteSpec[]>();
  for (const { id, p } of ofType('AWS::ApiGatewayV2::Route')) {
    const target = str(p.Target);
    const integrationId = target.startsWith('integrations/') ? target.slice('integrations/'.length) : undefined;
    const joined = isObject(p.Target) && Array.isArray(p.Target['Fn::Join']) ? p.Target['Fn::Join'] : undefined;
    const joinedRef = joined && Array.isArray(joined[1]) ? joined[1].map(refOf).find((x) => x !== undefined) : undefined;
    const functionId = integrations.get(integrationId ?? joinedRef ?? '');
    if (!functionId) throw new Error(`route ${id} (${str(p.RouteKey)}): its target is not a known integration`);
    const api = refOf(p.ApiId) ?? '';
    const list = routesByApi.get(api) ?? [];
    list.push({
      logicalId: id,
      routeKey: str(p.RouteKey),
      functionId,
      authorizationType: str(p.AuthorizationType, 'NONE'),
      authorizerId: refOf(p.AuthorizerId),
      hasRouteResponse: routeResponses.has(id),
    });
    routesByApi.set(api, list);
  }

  const authorizersByApi = new Map<string, AuthorizerSpec[]>();
  for (const { id, p } of ofType('AWS::ApiGatewayV2::Authorizer')) {
    const api = refOf(p.ApiId) ?? '';
    const spec: AuthorizerSpec =
      p.AuthorizerType === 'JWT'
        ? {
            logicalId: id,
            type: 'JWT',
            issuer: isObject(p.JwtConfiguration) ? p.JwtConfiguration.Issuer : null,
            audience: isObject(p.JwtConfiguration) && Array.isArray(p.JwtConfiguration.Audience) ? p.JwtConfiguration.Audience : [],
          }
        : { logicalId: id, type: 'REQUEST', functionId: functionOf(p.AuthorizerUri, `authorizer ${id}`), identitySource: strings(p.IdentitySource) };
    authorizersByApi.set(api, [...(authorizersByApi.get(api) ?? []), spec]);
  }

  const stages = ofType('AWS::ApiGatewayV2::Stage');
  const apis = ofType('AWS::ApiGatewayV2::Api');
  const wsApi = apis.find(({ p }) => p.ProtocolType === 'WEBSOCKET');
  const httpApi = apis.find(({ p }) => p.ProtocolType === 'HTTP');
  if (!wsApi || !httpApi) throw new Error('the template needs one WEBSOCKET and one HTTP AWS::ApiGatewayV2::Api');
  const wsStage = stages.find(({ p }) => refOf(p.ApiId) === wsApi.id);

  const cors = isObject(httpApi.p.CorsConfiguration) ? httpApi.p.CorsConfiguration : undefined;

  const queues = ofType('AWS::SQS::Queue').map(({ id, p }): QueueSpec => {
    const redrive = isObject(p.RedrivePolicy) ? p.RedrivePolicy : undefined;
    return {
      logicalId: id,
      delaySeconds: num(p.DelaySeconds, 0),
      visibilityTimeoutSeconds: num(p.VisibilityTimeout, 30),
      messageRetentionSeconds: num(p.MessageRetentionPeriod, 4 * 24 * 3600),
      ...(redrive ? { deadLetterQueueId: getAttTargets(redrive.deadLetterTargetArn, 'Arn')[0], maxReceiveCount: num(redrive.maxReceiveCount, 10) } : {}),
    };
  });
  const queueIds = new Set(queues.map((q) => q.logicalId));
  const queueOf = (p: Properties) => getAttTargets(p.EventSourceArn, 'Arn').find((t) => queueIds.has(t));
  const mappings = ofType('AWS::Lambda::EventSourceMapping');
  const functionOfMapping = (id: string, p: Properties) => {
    const functionId = refOf(p.FunctionName) ?? getAttTargets(p.FunctionName, 'Arn')[0] ?? '';
    if (!functions.has(functionId)) throw new Error(`event source ${id}: its function is not in the template`);
    return functionId;
  };
  const queueSources = mappings.flatMap(({ id, p }): QueueSourceSpec[] => {
    const queueId = queueOf(p);
    if (!queueId) return [];
    return [{ logicalId: id, functionId: functionOfMapping(id, p), queueId, batchSize: num(p.BatchSize, 10), reportBatchItemFailures: strings(p.FunctionResponseTypes).includes('ReportBatchItemFailures') }];
  });

  const eventSources = mappings.filter(({ p }) => queueOf(p) === undefined).map(({ id, p }): EventSourceSpec => {
    const functionId = refOf(p.FunctionName) ?? getAttTargets(p.FunctionName, 'Arn')[0] ?? '';
    if (!functions.has(functionId)) throw new Error(`event source ${id}: its function is not in the template`);
    const filters = isObject(p.FilterCriteria) && Array.isArray(p.FilterCriteria.Filters) ? p.FilterCriteria.Filters : [];
    const onFailure = isObject(p.DestinationConfig) && isObject(p.DestinationConfig.OnFailure) ? p.DestinationConfig.OnFailure.Destination : undefined;
    return {
      logicalId: id,
      functionId,
      batchSize: num(p.BatchSize, 100),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true || p.BisectBatchOnFunctionError === 'true',
      maximumRetryAttempts: num(p.MaximumRetryAttempts, -1),
      maximumRecordAgeInSeconds: num(p.MaximumRecordAgeInSeconds, -1),
      reportBatchItemFailures: strings(p.FunctionResponseTypes).includes('ReportBatchItemFailures'),
      filterPatterns: filters.map((f) => JSON.parse(str(isObject(f) ? f.Pattern : undefined, '{}')) as unknown),
      startingPosition: str(p.StartingPosition, 'LATEST'),
      onFailureDestination: onFailure === undefined ? undefined : JSON.stringify(onFailure),
      parallelizationFactor: num(p.ParallelizationFactor, 1),
    };
  });

  const schedules = ofType('AWS::Events::Rule').flatMap(({ id, p }): ScheduleSpec[] => {
    if (p.State === 'DISABLED' || typeof p.ScheduleExpression !== 'string') return [];
    const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(p.ScheduleExpression);
    if (!rate) throw new Error(`rule ${id}: the local cloud runs rate(N minutes|hours) schedules only, not ${p.ScheduleExpression}`);
    const periodSeconds = Number(rate[1]) * (rate[2].startsWith('hour') ? 3600 : 60);
    const targets = Array.isArray(p.Targets) ? p.Targets : [];
    return targets.map((target) => {
      const functionId = getAttTargets(isObject(target) ? target.Arn : undefined, 'Arn').find((t) => functions.has(t));
      if (!functionId) throw new Error(`rule ${id}: its target is not a function of the template`);
      return { logicalId: id, functionId, periodSeconds };
    });
  });

  const tables = [...ofType('AWS::DynamoDB::Table'), ...ofType('AWS::DynamoDB::GlobalTable')];
  if (tables.length !== 1) throw new Error(`the template should declare one DynamoDB table, found ${tables.length}`);
  const [{ id: tableId, p: t }] = tables;
  const stream = isObject(t.StreamSpecification) ? t.StreamSpecification.StreamViewType : undefined;
  const ttl = isObject(t.TimeToLiveSpecification) ? t.TimeToLiveSpecification : undefined;

  return {
    functions,
    webSocketApi: {
      logicalId: wsApi.id,
      routeSelectionExpression: str(wsApi.p.RouteSelectionExpression),
      stage: str(wsStage?.p.StageName, 'v1'),
      routes: routesByApi.get(wsApi.id) ?? [],
      authorizers: authorizersByApi.get(wsApi.id) ?? [],
    },
    httpApi: {
      logicalId: httpApi.id,
      routes: routesByApi.get(httpApi.id) ?? [],
      authorizers: authorizersByApi.get(httpApi.id) ?? [],
      cors: cors && {
        allowOrigins: strings(cors.AllowOrigins),
        allowMethods: strings(cors.AllowMethods),
        allowHeaders: strings(cors.AllowHeaders),
        exposeHeaders: strings(cors.ExposeHeaders),
        maxAge: typeof cors.MaxAge === 'number' ? cors.MaxAge : undefined,
        allowCredentials: cors.AllowCredentials === true,
      },
    },
    eventSources,
    queues,
    queueSources,
    schedules,
    table: {
      logicalId: tableId,
      keySchema: t.KeySchema as unknown as KeyElement[],
      attributeDefinitions: t.AttributeDefinitions as unknown as TableSpec['attributeDefinitions'],
      globalSecondaryIndexes: (t.GlobalSecondaryIndexes ?? []) as unknown as TableSpec['globalSecondaryIndexes'],
      streamViewType: typeof stream === 'string' ? (stream as TableSpec['streamViewType']) : undefined,
      ttlAttribute: ttl && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined,
    },
  };
}
