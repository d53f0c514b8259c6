import { binding, numberSetting, optionalVariable, textSetting } from '../config/env';
import { MOBILE_PUSH_APPLICATION_ARN } from '../config/settings';
import type { Caller } from './caller';
import { ClientError } from './errors';
import { table } from './ports';
import { endpointProblem } from './push-endpoint';

/*
 * push.subscribe / push.unsubscribe / push.vapidPublicKey: a device's push subscription (this API's
 * own methods; Slack has none). One per user and device, expiring after PUSH_SUBSCRIPTION_SECONDS
 * unless the device subscribes again (the web client does at every start).
 */

/** A user's devices with a subscription; one more is refused. */
export const MAX_PUSH_DEVICES = 20;

export interface WebPushInput {
  deviceId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
const bytesOf = (value: string) => (base64url.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0));

/** The browser's keys as RFC 8291 needs them: an uncompressed P-256 point and a 16-byte secret. */
function checkKeys(p256dh: string, auth: string): void {
  const point = bytesOf(p256dh);
  if (point.length !== 65 || point[0] !== 0x04) throw new ClientError('invalid_arguments', 'keys.p256dh');
  if (bytesOf(auth).length !== 16) throw new ClientError('invalid_arguments', 'keys.auth');
}

async function withinDeviceCap(userId: string, deviceId: string): Promise<void> {
  const current = await table().push.ofUser(userId);
  if (current.length >= MAX_PUSH_DEVICES && !current.some((s) => s.deviceId === deviceId)) throw new ClientError('invalid_arguments', 'device_id');
}

const expiry = () => Math.floor(Date.now() / 1000) + numberSetting('pushSubscriptionSeconds');

/** A browser's Web Push subscription for one of the caller's devices (replacing that device's). */
export async function subscribeWebPush(caller: Caller, input: WebPushInput): Promise<Record<string, unknown>> {
  if (endpointProblem(input.endpoint, textSetting('pushAllowLoopback') === 'true')) throw new ClientError('invalid_arguments', 'endpoint');
  checkKeys(input.p256dh, input.auth);
  await withinDeviceCap(caller.userId, input.deviceId);
  const expiresAt = expiry();
  await table().push.subscribe({
    userId: caller.userId, teamId: caller.teamId, deviceId: input.deviceId, kind: 'webpush',
    endpoint: input.endpoint, p256dh: input.p256dh, auth: input.auth, expiresAt,
  });
  return { device_id: input.deviceId, expires_at: expiresAt };
}

/**
 * A phone's APNs/FCM device token (only with the stack's `mobilePush` opt-in). The dispatcher
 * turns it into an SNS platform endpoint when it first pushes, so the Web API carries no SNS client.
 */
export async function subscribeMobile(caller: Caller, input: { deviceId: string; token: string }): Promise<Record<string, unknown>> {
  if (!optionalVariable(MOBILE_PUSH_APPLICATION_ARN)) throw new ClientError('invalid_arguments', 'mobile_token');
  if (!/^[\w:.-]{8,4096}$/.test(input.token)) throw new ClientError('invalid_arguments', 'mobile_token');
  await withinDeviceCap(caller.userId, input.deviceId);
  const expiresAt = expiry();
  await table().push.subscribe({ userId: caller.userId, teamId: caller.teamId, deviceId: input.deviceId, kind: 'sns', endpoint: input.token, expiresAt });
  return { device_id: input.deviceId, expires_at: expiresAt };
}

/** One of the caller's devices stops getting pushes. */
export async function unsubscribePush(caller: Caller, deviceId: string): Promise<Record<string, unknown>> {
  await table().push.unsubscribe(caller.userId, deviceId);
  return {};
}

/** The key browsers subscribe with (PushManager's applicationServerKey). */
export async function vapidPublicKey(): Promise<Record<string, unknown>> {
  return { public_key: binding('vapidPublicKey'), mobile_push: optionalVariable(MOBILE_PUSH_APPLICATION_ARN) !== undefined };
}
