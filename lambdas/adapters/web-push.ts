import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { binding, optionalVariable, textSetting } from '../config/env';
import { LOCAL_VAPID_PRIVATE_KEY } from '../config/settings';
import { addressAllowed, endpointProblem } from '../core/push-endpoint';
import type { PushNotification, PushOptions, PushOutcome } from '../core/push';
import type { PushSubscriptionItem } from '../model/service';
import { secretString } from './aws-services';
import { webPushRequest } from './web-push-request';

/*
 * Web Push: adapters/web-push-request.ts builds the request (RFC 8291 aes128gcm encryption with the
 * subscription's keys, the RFC 8292 VAPID JWT and headers); this module sends it, so every connection goes
 * through one address check (SSRF: a public name resolving to a private address is refused at
 * connect time) with a timeout, and the local cloud's push service can be plain http on 127.0.0.1.
 * The VAPID private key is read once per cold start and never logged.
 */

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

let keys: Promise<VapidKeys> | undefined;

/** VAPID_PRIVATE_KEY (local cloud) or the deployment's secret; the public key is bound as VAPID_PUBLIC_KEY. */
export function vapidKeys(): Promise<VapidKeys> {
  const publicKey = binding('vapidPublicKey');
  const inline = optionalVariable(LOCAL_VAPID_PRIVATE_KEY);
  if (inline) return Promise.resolve({ publicKey, privateKey: inline });
  keys ??= (async () => {
    const stored = JSON.parse(await secretString(binding('vapidKeysSecretArn'))) as Partial<VapidKeys>;
    if (!stored.privateKey || stored.publicKey !== publicKey) throw new Error('the VAPID secret does not hold the bound key pair');
    return { publicKey, privateKey: stored.privateKey };
  })();
  // A failed read is not cached: the next invocation tries again.
  keys.catch(() => { keys = undefined; });
  return keys;
}

const allowLoopback = () => textSetting('pushAllowLoopback') === 'true';

/** dns.lookup that refuses private addresses (all of them when `all` is asked: Node's happy eyeballs). */
export function guardedLookup(loopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((a) => addressAllowed(a.address, loopback));
      if (allowed.length === 0) return callback(Object.assign(new Error(`push endpoint ${hostname} resolves to no public address`), { code: 'EPUSHPRIVATE' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/** The push service's answer as an outcome. */
export function outcomeOf(status: number): PushOutcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'gone';
  if (status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/** Sends one Web Push; network failures and timeouts are 'retry', a refused endpoint 'failed'. */
export async function sendWebPush(subscription: PushSubscriptionItem, notification: PushNotification, options: PushOptions & { timeoutMs: number }): Promise<PushOutcome> {
  const loopback = allowLoopback();
  if (endpointProblem(subscription.endpoint, loopback) || !subscription.p256dh || !subscription.auth) return 'failed';
  const vapid = await vapidKeys();
  const details = webPushRequest(subscription.endpoint, { p256dh: subscription.p256dh, auth: subscription.auth }, JSON.stringify(notification), {
    vapid: { subject: textSetting('vapidSubject'), publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    ttlSeconds: options.ttlSeconds,
    urgency: options.urgency,
    topic: options.topic,
  });
  const url = new URL(subscription.endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PushOutcome>((resolve) => {
    const req = send(url, {
      method: 'POST',
      headers: details.headers,
      lookup: guardedLookup(loopback),
      timeout: options.timeoutMs,
    }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(outcomeOf(res.statusCode ?? 0)));
      res.on('error', () => resolve('retry'));
    });
    req.on('timeout', () => req.destroy(new Error('push service timed out')));
    req.on('error', (error: Error & { code?: string }) => resolve(error.code === 'EPUSHPRIVATE' ? 'failed' : 'retry'));
    req.end(details.body);
  });
}
