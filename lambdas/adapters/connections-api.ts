import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PostToConnection } from '../core/delivery';

/*
 * `POST @connections/{id}`: the one call every live event makes, posted by hand rather than through
 * @aws-sdk/client-apigatewaymanagementapi. Measured on this machine, 10,000 posts to a local server
 * took 4.5 s of CPU through the SDK client and 1.8 s signed here (the SDK's own SigV4 signer over
 * node:crypto, keep-alive sockets): the SDK's middleware, schema serde and JS hashing cost ~0.3 ms a
 * post, which is what caps one invocation's posts per second. Everything else keeps the SDK.
 * As the SDK's standard retry: a throttle (429), a 5xx or a dropped socket is tried again, three
 * attempts in all; 410 is 'gone'; any other answer is thrown with API Gateway's error name.
 */

const ATTEMPTS = 3;
const TIMEOUT_MS = 10_000;

/** SHA-256 and HMAC-SHA-256 on node:crypto, in the shape the signer takes. */
type Bytes = string | ArrayBuffer | ArrayBufferView;
const asBuffer = (data: Bytes) => (typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));

class NodeSha256 {
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

/** API Gateway refused a post (other than 410): its error name (`LimitExceededException`, `PayloadTooLargeException`, …) and status. */
export class ConnectionsApiError extends Error {
  constructor(name: string, readonly status: number, message: string) {
    super(message);
    this.name = name;
  }
}

const retryable = (error: unknown) =>
  error instanceof ConnectionsApiError ? error.status === 429 || error.status >= 500 : (error as NodeJS.ErrnoException)?.code !== undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts to connections of the stage at `endpoint` (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`), `maxSockets` kept alive. */
export function connectionsPoster(endpoint: string, region: string, maxSockets: number): PostToConnection {
  const base = new URL(endpoint);
  const secure = base.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets }) : new HttpAgent({ keepAlive: true, maxSockets });
  const send = secure ? httpsRequest : httpRequest;
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: fromEnv(), sha256: NodeSha256 });
  const basePath = base.pathname.replace(/\/$/, '');

  async function once(connectionId: string, data: Uint8Array): Promise<'sent' | 'gone'> {
    const path = `${basePath}/@connections/${encodeURIComponent(connectionId)}`;
    const signed = await signer.sign({
      method: 'POST', protocol: base.protocol, hostname: base.hostname, port: base.port ? Number(base.port) : undefined, path,
      headers: { host: base.host, 'content-type': 'application/json', 'content-length': String(data.byteLength) },
      body: data,
    });
    const response = await new Promise<{ status: number; errorType: string; body: string }>((resolve, reject) => {
      const req = send({ host: base.hostname, port: base.port || undefined, method: 'POST', path, headers: signed.headers, agent, timeout: TIMEOUT_MS }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, errorType: String(res.headers['x-amzn-errortype'] ?? '').split(':')[0], body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('@connections post timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(data);
    });
    if (response.status === 200) return 'sent';
    if (response.status === 410) return 'gone';
    throw new ConnectionsApiError(response.errorType || `Http${response.status}`, response.status, response.body.slice(0, 200) || `status ${response.status}`);
  }

  return async (connectionId, data) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(connectionId, data);
      } catch (error) {
        if (attempt >= ATTEMPTS || !retryable(error)) throw error;
        await sleep(25 * 4 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  };
}
