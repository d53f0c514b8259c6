import type { PushNotification, PushOutcome } from '../core/push';
import { xmlText } from './aws-request';
import { snsAction } from './aws-services';

/*
 * Mobile push through Amazon SNS (the opt-in `mobilePush` stack flag): a device's APNs or FCM token
 * becomes a platform endpoint of the stack's platform application (CreatePlatformEndpoint answers the
 * same ARN for the same token, so it is asked at each push rather than stored), and a push is one
 * Publish to that endpoint with a message per platform. A thin adapter: unit-tested with a fake SNS
 * and, for its requests, a local server answering as SNS does; not exercised end to end (no APNs/FCM here).
 */

/** The two SNS actions this adapter uses (a fake in unit tests). */
export interface SnsLike {
  createPlatformEndpoint(applicationArn: string, token: string): Promise<string | undefined>;
  publish(targetArn: string, message: string): Promise<void>;
}

const sns: SnsLike = {
  async createPlatformEndpoint(applicationArn, token) {
    return xmlText(await snsAction('CreatePlatformEndpoint', { PlatformApplicationArn: applicationArn, Token: token }), 'EndpointArn');
  },
  async publish(targetArn, message) {
    await snsAction('Publish', { TargetArn: targetArn, MessageStructure: 'json', Message: message });
  },
};

/** A device token as a platform endpoint ARN (SNS answers the same ARN for the same token). */
export async function createMobileEndpoint(applicationArn: string, token: string, c: SnsLike = sns): Promise<string> {
  const arn = await c.createPlatformEndpoint(applicationArn, token);
  if (!arn) throw new Error('SNS returned no endpoint');
  return arn;
}

/** The per-platform message SNS expects with MessageStructure json. */
export function snsMessage(n: PushNotification, ttlSeconds: number): string {
  const data = { channel: n.channel, ts: n.ts, ...(n.thread_ts ? { thread_ts: n.thread_ts } : {}) };
  const apns = JSON.stringify({ aps: { alert: n.body === undefined ? { title: n.title } : { title: n.title, body: n.body }, sound: 'default' }, ...data });
  return JSON.stringify({
    default: n.body ?? n.title,
    APNS: apns,
    APNS_SANDBOX: apns,
    GCM: JSON.stringify({ fcmV1Message: { message: { notification: { title: n.title, ...(n.body === undefined ? {} : { body: n.body }) }, data, android: { ttl: `${ttlSeconds}s` } } } }),
  });
}

/** One Publish to the token's platform endpoint; a disabled or deleted endpoint is 'gone'. */
export async function sendMobilePush(applicationArn: string, token: string, n: PushNotification, ttlSeconds: number, c: SnsLike = sns): Promise<PushOutcome> {
  try {
    const endpointArn = await createMobileEndpoint(applicationArn, token, c);
    await c.publish(endpointArn, snsMessage(n, ttlSeconds));
    return 'sent';
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'EndpointDisabledException' || name === 'NotFoundException' || name === 'InvalidParameterException') return 'gone';
    if (name === 'ThrottledException' || name === 'InternalErrorException' || name === 'KMSThrottlingException') return 'retry';
    return 'failed';
  }
}
