import type { PostToConnection } from '../core/delivery';
import { AwsServiceError, signedSender } from './aws-request';

/*
 * `POST @connections/{id}`: the one call every live event makes, posted by hand rather than through
 * @aws-sdk/client-apigatewaymanagementapi. Measured on this machine, 10,000 posts to a local server
 * took 4.5 s of CPU through the SDK client and 1.8 s signed here (the SDK's own SigV4 signer over
 * node:crypto, keep-alive sockets): the SDK's middleware, schema serde and JS hashing cost ~0.3 ms a
 * post, which is what caps one invocation's posts per second.
 * As the SDK's standard retry: a throttle (429), a 5xx or a dropped socket is tried again, three
 * attempts in all, after shorter waits than the SDK's (a live event is late after a second); 410 is
 * 'gone'; any other answer is thrown with API Gateway's error name.
 */

const ATTEMPTS = 3;

const retryable = (error: unknown) =>
  error instanceof AwsServiceError ? error.$metadata.httpStatusCode === 429 || error.$metadata.httpStatusCode >= 500 : (error as NodeJS.ErrnoException)?.code !== undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts to connections of the stage at `endpoint` (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`), `maxSockets` kept alive. */
export function connectionsPoster(endpoint: string, region: string, maxSockets: number): PostToConnection {
  const send = signedSender({ service: 'execute-api', url: endpoint, region, maxSockets });

  async function once(connectionId: string, data: Uint8Array): Promise<'sent' | 'gone'> {
    const response = await send({ method: 'POST', path: `/@connections/${encodeURIComponent(connectionId)}`, headers: { 'content-type': 'application/json' }, body: data });
    if (response.status === 200) return 'sent';
    if (response.status === 410) return 'gone';
    const name = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0] || `Http${response.status}`;
    throw new AwsServiceError(name, response.body.toString('utf8').slice(0, 200) || `status ${response.status}`, response.status);
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
