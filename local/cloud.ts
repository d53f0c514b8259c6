import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { startCapacityMeter, type CapacityMeter } from './dev/capacity-meter';
import { Checkpoints } from './streams/checkpoints';
import { devEndpoints, ISSUER_PATH } from './dev/dev-endpoints';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from './storage/dynamodb/dynamodb-local';
import { Faults, startDynamoFaultProxy } from './dev/faults';
import { startLocalQueue } from './queues/sqs-local';
import { QueuePoller } from './queues/sqs-poller';
import { localRefs, OVERRIDABLE, resolveEnvironment, type LocalOverrides } from './functions/env-resolver';
import { FunctionRuntime, type FunctionDefinition } from './functions/runtime';
import { startInvokeEndpoint } from './functions/invoke-endpoint';
import { HttpGateway } from './gateway/http/http-gateway';
import { JwtIssuer } from './identity/jwt-issuer';
import { loadOrCreateRsaKeyPair } from './cdn/key-store';
import { loadOrCreateVapidKeys } from './push/vapid-keys';
import { acquireLock } from './lock-file';
import { startMediaEndpoint } from './cdn/media-endpoint';
import { mediaResponseHeaders } from './cdn/media-response-headers';
import { freePort, HOST } from './net';
import type { LocalCloudOptions } from './options';
import { startS3 } from './storage/s3/s3-local';
import { StreamPoller } from './streams/poller';
import { ensureTable } from './storage/dynamodb/table';
import { buildCloudView, loadTemplate, templatePath, type CloudView } from './template';
import { ensureWebAppBuilt, startWebApp } from './cdn/web-app';
import { WebSocketGateway } from './gateway/websocket/websocket-gateway';

/*
 * Brings the whole system up on one machine from the synthesized template: DynamoDB Local and its
 * stream, s3rver and the media endpoint, the local issuer, the function runtime, both gateways and
 * the event-source poller. `stop()` takes it all down again.
 */

export const STACK_NAME = 'TeamChat';
export const LOCAL_TABLE_NAME = 'TeamChat-local';
export const LOCAL_BUCKET = 'teamchat-media-local';
export const LOCAL_KEY_PAIR_ID = 'LOCALKEYPAIR';
export const LOCAL_AUDIENCE = 'teamchat-local';
export const REGION = 'us-east-1';

export interface Outputs {
  HttpApiUrl: string;
  WebSocketUrl: string;
  MediaUrl: string;
  /** The web client (web/dist and a generated /config.json). */
  WebAppUrl: string;
}

export const LOCAL_ENDPOINTS_FILE = 'local-endpoints.json';
export interface LocalEndpoints {
  DynamoDbEndpoint: string;
  TableName: string;
  /** With LOCAL_DYNAMODB_METER=1: the counting proxy (callers name themselves with AWS_SDK_UA_APP_ID). */
  DynamoDbMeteredEndpoint?: string;
  S3Endpoint: string;
  Bucket: string;
  ports: LocalCloudOptions['ports'];
}

export interface LocalCloud {
  outputs: Outputs;
  outputsFile: string;
  view: CloudView;
  runtime: FunctionRuntime;
  stop(): Promise<void>;
}

/** The template's plain DEFAULT_TEAM, as the handlers will see it. */
function defaultTeam(view: CloudView): string {
  for (const f of view.functions.values()) if (typeof f.environment.DEFAULT_TEAM === 'string') return f.environment.DEFAULT_TEAM;
  return 'default';
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const { dataDir, log } = options;
  const template = loadTemplate(templatePath(options.cdkOut, STACK_NAME));
  const view = buildCloudView(template, options.cdkOut);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(dataDir);
  const stops: (() => Promise<void>)[] = [async () => releaseLock()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((e: Error) => log(`stop: ${e.message}`));
  };

  try {
    const port = async (p: number) => (p === 0 ? freePort() : p);
    const ports = { http: await port(options.ports.http), ws: await port(options.ports.ws), media: await port(options.ports.media) };
    const urls = {
      http: `http://${HOST}:${ports.http}`,
      ws: `ws://${HOST}:${ports.ws}/${view.webSocketApi.stage}`,
      callback: `http://${HOST}:${ports.ws}/${view.webSocketApi.stage}`,
      media: `http://${HOST}:${ports.media}`,
    };

    const dynamo = await startDynamoDbLocal({ port: options.ports.dynamodb, path: options.dynamoDbInMemory ? null : join(dataDir, 'dynamodb'), log });
    stops.push(dynamo.stop);
    log(`✓ DynamoDB Local on ${HOST}:${dynamo.port}${options.dynamoDbInMemory ? ' (in memory: LOCAL_DYNAMODB_IN_MEMORY=1, nothing survives a stop)' : ''}`);
    // LOCAL_DYNAMODB_METER=1: functions go through a proxy that sums consumed capacity per function.
    let meter: CapacityMeter | undefined;
    if (options.meterCapacity) {
      meter = await startCapacityMeter({ target: dynamo.endpoint, log });
      stops.push(meter.stop);
      log(`! capacity meter in front of DynamoDB Local on ${meter.endpoint} (LOCAL_DYNAMODB_METER=1; units in /dev/stats)`);
    }
    // LOCAL_FAULTS: functions reach DynamoDB through a proxy that throttles and fails some requests.
    const faults = options.faults ? new Faults(options.faults) : undefined;
    let functionsDynamoEndpoint = meter?.endpoint ?? dynamo.endpoint;
    if (faults) {
      const proxy = await startDynamoFaultProxy({ target: functionsDynamoEndpoint, faults, log });
      stops.push(proxy.stop);
      functionsDynamoEndpoint = proxy.endpoint;
      log(`! FAULT INJECTION ON (LOCAL_FAULTS): ${faults.describe() || 'none yet'}; DynamoDB fault proxy on ${proxy.endpoint}; counters in /dev/stats, POST /dev/faults to change`);
    }
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    const { streamArn, created } = await ensureTable(dynamoClient, LOCAL_TABLE_NAME, view.table);
    log(`✓ table ${LOCAL_TABLE_NAME} ${created ? 'created' : 'found'} (stream ${view.table.streamViewType ?? 'off'})`);

    const s3 = await startS3({ port: options.ports.s3, directory: join(dataDir, 's3'), bucket: LOCAL_BUCKET });
    stops.push(s3.stop);
    log(`✓ S3 (s3rver) on ${HOST}:${s3.port}, bucket ${LOCAL_BUCKET}`);

    const vapidKeys = loadOrCreateVapidKeys(join(dataDir, 'vapid-keys.json'));
    const mediaKey = loadOrCreateRsaKeyPair(join(dataDir, 'media-signing-key.pem'), join(dataDir, 'media-signing-key.pub.pem'));
    const s3Client = new S3Client({ endpoint: s3.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    const media = await startMediaEndpoint({ port: ports.media, s3: s3Client, bucket: LOCAL_BUCKET, keyPairId: LOCAL_KEY_PAIR_ID, publicKeyPem: mediaKey.publicKeyPem, responseHeaders: mediaResponseHeaders(template), log });
    stops.push(media.close);
    log(`✓ media endpoint (CloudFront stand-in) on ${urls.media}`);

    // The fan-out's dead-letter queue, for records a function sets aside (the poller's on-failure
    // records go to the same file).
    const failuresFile = join(dataDir, 'fanout-failures.jsonl');
    const deadLetters = await startLocalQueue({ port: 0, file: failuresFile, log, queues: view.queues });
    stops.push(deadLetters.close);
    log(`✓ SQS stand-in on ${deadLetters.endpoint}: the dead-letter queue (written to ${failuresFile}) and ${view.queues.length} template queues`);
    const refs = localRefs(view.queues.map((q) => q.logicalId), view.functions.keys(), (id) => deadLetters.urlOf(id));
    // Lambda's Invoke API, for functions that invoke others (the runtime below serves it).
    const lambdaApi = await startInvokeEndpoint({ port: 0, has: (name) => runtime.has(name), invoke: (name, event) => runtime.invoke(name, event) });
    stops.push(lambdaApi.close);

    // The search index is a copy of the table: a table created anew starts an empty index too.
    const searchIndexPath = join(dataDir, 'search', 'messages.sqlite');
    if (created) rmSync(dirname(searchIndexPath), { recursive: true, force: true });

    const issuer = JwtIssuer.open(join(dataDir, 'issuer-key.json'), { issuer: `${urls.http}${ISSUER_PATH}`, audience: LOCAL_AUDIENCE, defaultTeam: defaultTeam(view) });

    const overrides: LocalOverrides = {
      TABLE_NAME: LOCAL_TABLE_NAME,
      WS_CALLBACK_URL: urls.callback,
      JWT_ISSUER: issuer.issuer,
      JWKS_URI: issuer.jwksUri,
      JWT_AUDIENCE: issuer.audience,
      MEDIA_BUCKET: LOCAL_BUCKET,
      MEDIA_URL: urls.media,
      MEDIA_KEY_PAIR_ID: LOCAL_KEY_PAIR_ID,
      MEDIA_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:local-media-signing-key',
      FANOUT_DEAD_LETTER_QUEUE_URL: deadLetters.queueUrl,
      SEARCH_INDEX_PATH: searchIndexPath,
      VAPID_PUBLIC_KEY: vapidKeys.publicKey,
      VAPID_KEYS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:local-vapid-keys',
      APP_SOCKET_URL: urls.ws,
      // Apps' request URLs on this machine (test apps listen on 127.0.0.1), nothing else internal.
      APP_URL_ALLOWED_ADDRESSES: '127.0.0.1',
    } satisfies Record<(typeof OVERRIDABLE)[number], string>;
    const definitions: FunctionDefinition[] = [...view.functions.values()].map((f) => ({
      logicalId: f.logicalId,
      codePath: f.codePath,
      handlerName: f.handlerName,
      timeoutSeconds: f.timeoutSeconds,
      memorySize: f.memorySize,
      env: {
        ...resolveEnvironment(f.logicalId, f.environment, overrides, refs),
        ...('MEDIA_SIGNING_KEY_SECRET_ARN' in f.environment ? { MEDIA_SIGNING_KEY_PEM: mediaKey.privateKeyPem } : {}),
        ...('VAPID_KEYS_SECRET_ARN' in f.environment ? { VAPID_PRIVATE_KEY: vapidKeys.privateKey } : {}),
        // Push endpoints on 127.0.0.1 (the local push service of the tests): local only, never in a deployment.
        ...('VAPID_PUBLIC_KEY' in f.environment ? { PUSH_ALLOW_LOOPBACK: 'true' } : {}),
        // LOCAL_FUNCTION_ENV (local only, explicit, printed below): over the template's values.
        ...options.functionEnv,
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: functionsDynamoEndpoint,
        ...(meter ? { AWS_SDK_UA_APP_ID: f.logicalId.slice(0, 50) } : {}),
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_SQS: deadLetters.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: lambdaApi.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_LAMBDA_FUNCTION_NAME: f.logicalId,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.memorySize),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        TZ: 'UTC',
      },
    }));
    const runtime = new FunctionRuntime(definitions, {
      log,
      maxInstances: options.maxInstances,
      ...(faults ? { faults: { cuttable: new Set(view.eventSources.map((s) => s.functionId)), clockOffset: () => faults.clockOffset(), cutShort: () => faults.cutShort(), count: (k) => faults.count(k) } } : {}),
    });
    stops.push(() => runtime.stop());
    const invoke = (id: string, event: unknown) => runtime.invoke(id, event);
    log(`✓ ${definitions.length} functions from the template (worker threads, started on first use, up to ${options.maxInstances} instances each)`);
    const extraEnv = Object.entries(options.functionEnv);
    if (extraEnv.length > 0) log(`! LOCAL_FUNCTION_ENV over every function's environment: ${extraEnv.map(([k, v]) => `${k}=${v}`).join(' ')}`);

    const pollers: { source: (typeof view.eventSources)[number]; poller: StreamPoller }[] = [];
    const queuePollers: QueuePoller[] = [];
    const ws = new WebSocketGateway({ api: view.webSocketApi, invoke, port: ports.ws, idleSeconds: options.wsIdleSeconds, maxAgeSeconds: options.wsMaxAgeSeconds, log, faults });
    const http = new HttpGateway({
      api: view.httpApi,
      invoke,
      port: ports.http,
      jwt: { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks() },
      devEndpoints: devEndpoints(
        issuer,
        () => ({
          functions: runtime.stats(),
          eventSources: pollers.map((p) => ({ functionId: p.source.functionId, ...p.poller.stats, recent: p.poller.recent })),
          queueSources: queuePollers.map((p) => ({ ...p.stats })),
          gateway: ws.counters,
          ...(meter ? { capacity: meter.stats() } : {}),
          ...(faults ? { faults: faults.stats() } : {}),
        }),
        () => ws.list(),
        faults,
        async (functionPart, keys) => {
          const out = [];
          for (const { source, poller } of pollers.filter((p) => p.source.functionId.includes(functionPart))) {
            const key = (v: unknown) => (v as { S?: string } | undefined)?.S;
            const done = await poller.replay((k) => key(k.pk) === keys.pk && key(k.sk) === keys.sk);
            if (done) out.push({ functionId: source.functionId, records: done.records, ...(done.result.ok ? {} : { error: done.result.error?.errorMessage ?? 'failed' }) });
          }
          return out;
        },
      ),
      log,
    });
    await http.start();
    stops.push(() => http.stop());
    log(`✓ HTTP API on ${urls.http} (${view.httpApi.routes.length} routes)`);

    await ws.start();
    stops.push(() => ws.stop());
    log(`✓ WebSocket API on ${urls.ws} (${view.webSocketApi.routes.length} routes, idle ${options.wsIdleSeconds} s, max age ${options.wsMaxAgeSeconds} s)`);

    const checkpoints = new Checkpoints(join(dataDir, 'stream-checkpoints.json'));
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    for (const source of view.eventSources) {
      const poller = new StreamPoller({
        client: streams,
        streamArn,
        source,
        invoke,
        checkpoints,
        failuresFile,
        pollMs: options.streamPollMs,
        region: REGION,
        partitionKey: view.table.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? 'pk',
        log,
      });
      poller.start();
      pollers.push({ source, poller });
      stops.push(() => poller.stop());
      log(`✓ event source → ${source.functionId} (batch ${source.batchSize}, parallelization ${source.parallelizationFactor}, retries ${source.maximumRetryAttempts}, bisect ${source.bisectBatchOnFunctionError})`);
    }

    // SQS event sources: Lambda's queue poller, over the stand-in's in-memory template queues.
    for (const source of view.queueSources) {
      const queue = deadLetters.queue(source.queueId);
      if (!queue) throw new Error(`event source ${source.logicalId}: queue ${source.queueId} is not in the template`);
      const poller = new QueuePoller({ source, queue, queueArn: `arn:aws:sqs:${REGION}:000000000000:${source.queueId}`, region: REGION, invoke, pollMs: Math.min(options.streamPollMs, 250), log });
      poller.start();
      queuePollers.push(poller);
      stops.push(() => poller.stop());
      log(`✓ queue ${source.queueId} → ${source.functionId} (batch ${source.batchSize}, visibility ${queue.spec.visibilityTimeoutSeconds} s, max receives ${queue.spec.maxReceiveCount ?? '∞'})`);
    }

    // EventBridge rules on a schedule: a timer per target, each run an asynchronous invocation with a
    // Scheduled Event (a failed run is logged; the next one picks up, as for a rule's retries).
    for (const schedule of view.schedules) {
      const periodSeconds = options.scheduleSeconds > 0 ? options.scheduleSeconds : schedule.periodSeconds;
      const timer = setInterval(() => {
        const event = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), region: REGION, resources: [schedule.logicalId], detail: {} };
        invoke(schedule.functionId, event).catch((error: unknown) => log(`! scheduled run of ${schedule.functionId} failed: ${(error as Error).message}`));
      }, periodSeconds * 1000);
      timer.unref();
      stops.push(async () => clearInterval(timer));
      log(`✓ schedule → ${schedule.functionId} (every ${periodSeconds} s)`);
    }

    // Local-only endpoints the e2e harness needs (direct table access, and the ports to restart on).
    const local: LocalEndpoints = {
      DynamoDbEndpoint: dynamo.endpoint,
      ...(meter ? { DynamoDbMeteredEndpoint: meter.endpoint } : {}),
      TableName: LOCAL_TABLE_NAME,
      S3Endpoint: s3.endpoint,
      Bucket: LOCAL_BUCKET,
      ports: { http: ports.http, ws: ports.ws, media: ports.media, s3: s3.port, dynamodb: dynamo.port, web: options.ports.web },
    };
    ensureWebAppBuilt(log);
    const web = await startWebApp({ port: options.ports.web, config: { HttpApiUrl: urls.http, WebSocketUrl: urls.ws, MediaUrl: urls.media, region: REGION, local: true }, log });
    stops.push(web.close);
    log(`✓ web client on ${web.url}`);
    local.ports.web = web.port;

    writeFileSync(join(dataDir, LOCAL_ENDPOINTS_FILE), JSON.stringify(local, null, 2));
    // Written last: its appearance means everything is up.
    const outputs: Outputs = { HttpApiUrl: urls.http, WebSocketUrl: urls.ws, MediaUrl: urls.media, WebAppUrl: web.url };
    const outputsFile = join(dataDir, 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify({ [STACK_NAME]: outputs }, null, 2));
    return { outputs, outputsFile, view, runtime, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
