import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';

/*
 * Signed requests to AWS services, without the SDK's clients. Every function calls DynamoDB and a
 * few call Secrets Manager, SQS or Lambda, all through simple JSON or REST operations; the SDK
 * clients for them weigh 150-200 KB a bundle (its schema serde, middleware stack, event-stream and
 * JS hashing code), which was most of every handler's size and a third of its cold start
 * (measured; README, Performance). Here: the SDK's own SigV4 signer over node:crypto, keep-alive
 * sockets, and the SDK's standard retry rule. The credentials are the function's, from the
 * environment, as Lambda and the local cloud hand them.
 */

/** SHA-256 and HMAC-SHA-256 on node:crypto, in the shape the signer takes. */
type Bytes = string | ArrayBuffer | ArrayBufferView;
const asBuffer = (data: Bytes) => (typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));

export class NodeSha256 {
  private readonly secret?: Buffer;
  private hash;
  constructor(secret?: Bytes) {
    this.secret = secret === undefined ? undefined : asBuffer(secret);
    this.hash = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  update(data: Bytes): void {
    this.hash.update(asBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
}

/** A service's answer other than success, in the SDK's shape: `name` is the error code, `$metadata` the status. */
export class AwsServiceError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts?: number };
  readonly $fault: 'client' | 'server';
  constructor(name: string, message: string, status: number, requestId?: string, fields: Record<string, unknown> = {}) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$metadata = { httpStatusCode: status, requestId };
    this.$fault = status >= 500 ? 'server' : 'client';
  }
}

// The SDK's classification (@smithy/core, service-error-classification): what is tried again.
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** 'throttling' and 'transient' are tried again (throttling after longer waits); undefined is final. */
export function retryKind(error: unknown): 'throttling' | 'transient' | undefined {
  if (error instanceof AwsServiceError) {
    if (THROTTLING.has(error.name) || error.$metadata.httpStatusCode === 429) return 'throttling';
    if (TRANSIENT.has(error.name) || TRANSIENT_STATUS.has(error.$metadata.httpStatusCode)) return 'transient';
    return undefined;
  }
  return NETWORK.has((error as NodeJS.ErrnoException)?.code ?? '') ? 'transient' : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `attempt` tried up to `attempts` times, as the SDK's standard strategy does: full-jitter
 * exponential waits from 100 ms (500 ms after a throttle), capped at 20 s.
 */
export async function withRetries<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const kind = retryKind(error);
      if (n >= attempts || !kind) throw error;
      await sleep(Math.floor(Math.random() * Math.min(20_000, 2 ** n * (kind === 'throttling' ? 500 : 100))));
    }
  }
}

export interface SignedRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Already URI-encoded, no query. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ServiceEndpoint {
  /** The signing name: `dynamodb`, `secretsmanager`, `sqs`, `lambda`, `execute-api`. */
  service: string;
  /** e.g. `https://dynamodb.us-east-1.amazonaws.com` or a local stand-in's `http://127.0.0.1:port`. */
  url: string;
  region: string;
  maxSockets?: number;
  /** No answer (or no progress) for this long fails the attempt with ETIMEDOUT (tried again). */
  timeoutMs?: number;
  /** Default: the environment's (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The user agent's `app/<id>` (default AWS_SDK_UA_APP_ID, as the SDK reads it). */
  appId?: string;
  /** S3 signs the path as sent (false); every other service signs it encoded again (the default). */
  uriEscapePath?: boolean;
}

/** Sends signed requests to one endpoint over kept-alive sockets; one attempt each (see `withRetries`). */
export function signedSender(endpoint: ServiceEndpoint): (request: SignedRequest) => Promise<RawResponse> {
  const base = new URL(endpoint.url);
  const secure = base.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: endpoint.maxSockets ?? 50 }) : new HttpAgent({ keepAlive: true, maxSockets: endpoint.maxSockets ?? 50 });
  const send = secure ? httpsRequest : httpRequest;
  const signer = new SignatureV4({ service: endpoint.service, region: endpoint.region, credentials: endpoint.credentials ?? fromEnv(), sha256: NodeSha256, uriEscapePath: endpoint.uriEscapePath ?? true });
  const basePath = base.pathname.replace(/\/$/, '');
  const appId = endpoint.appId ?? process.env.AWS_SDK_UA_APP_ID;
  // The SDK's user-agent token for an application id (the local cloud meters capacity by it).
  const userAgent = `teamchat${appId ? ` app/${appId}` : ''}`;
  const timeoutMs = endpoint.timeoutMs ?? 10_000;

  return async (request) => {
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const path = `${basePath}${request.path}`;
    const signed = await signer.sign({
      method: request.method, protocol: base.protocol, hostname: base.hostname, port: base.port ? Number(base.port) : undefined, path,
      headers: { host: base.host, 'x-amz-user-agent': userAgent, ...(body ? { 'content-length': String(body.byteLength) } : {}), ...request.headers },
      body,
    });
    return new Promise<RawResponse>((resolve, reject) => {
      const req = send({ host: base.hostname, port: base.port || undefined, method: request.method, path, headers: signed.headers, agent, timeout: timeoutMs }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`${endpoint.service} request timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  };
}

/** The function's region (Lambda and the local cloud set AWS_REGION). */
export const awsRegion = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

/** An endpoint set for a service as the SDK reads it (AWS_ENDPOINT_URL_<ID>, else AWS_ENDPOINT_URL), if any. */
export const endpointOverride = (endpointId: string): string | undefined => process.env[`AWS_ENDPOINT_URL_${endpointId}`] ?? process.env.AWS_ENDPOINT_URL;

/** The region and endpoint of `service` as the SDK finds them: an override, else AWS's. */
export function serviceEndpoint(service: string, endpointId: string, hostPrefix = service): ServiceEndpoint {
  const region = awsRegion();
  return { service, url: endpointOverride(endpointId) ?? `https://${hostPrefix}.${region}.amazonaws.com`, region };
}

/** An error answer's code and message, from the JSON body's `__type` or the x-amzn-errortype header. */
export function errorOf(response: RawResponse): AwsServiceError {
  let body: Record<string, unknown> = {};
  try {
    body = response.body.length ? (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    // Not JSON (a proxy's page): the status names it.
  }
  const type = String(body.__type ?? body.code ?? response.headers['x-amzn-errortype'] ?? `Http${response.status}`);
  const name = type.split('#').pop()!.split(':')[0]!;
  const message = String(body.message ?? body.Message ?? `status ${response.status}`);
  const { __type: _type, message: _m, Message: _M, ...fields } = body;
  return new AwsServiceError(name, message, response.status, String(response.headers['x-amzn-requestid'] ?? '') || undefined, fields);
}

/**
 * A JSON-protocol service (`awsJson1_0` / `awsJson1_1`): `call(operation, input)` posts the input
 * with `X-Amz-Target: <prefix>.<operation>` and answers the parsed output, retried as the SDK does.
 */
export function jsonService(endpoint: ServiceEndpoint, targetPrefix: string, version: '1.0' | '1.1', reviver?: (key: string, value: unknown) => unknown) {
  const send = signedSender(endpoint);
  const contentType = `application/x-amz-json-${version}`;
  return async function call<T>(operation: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input, blobsAsBase64);
    return withRetries(async () => {
      const response = await send({ method: 'POST', path: '/', headers: { 'content-type': contentType, 'x-amz-target': `${targetPrefix}.${operation}` }, body });
      if (response.status !== 200) throw errorOf(response);
      return (response.body.length ? JSON.parse(response.body.toString('utf8'), reviver) : {}) as T;
    });
  };
}

/** The JSON protocols send blobs as base64 (`this[key]`: the value before Buffer's own toJSON). */
function blobsAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/** The text of the first `<tag>` of an AWS XML answer (S3's, the query protocol's): no attributes, entities decoded. */
export function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m?.[1]?.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}
