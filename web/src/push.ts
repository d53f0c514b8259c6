import type { Api } from './api';

/*
 * Web Push in the browser: register the service worker (web/public/sw.js), subscribe through the
 * PushManager with the deployment's VAPID key and hand the subscription to push.subscribe for this
 * device. Only once the user has granted notifications (the app never prompts on its own at load);
 * renewed at every start, so the server-side subscription does not expire while the browser is used.
 * A subscription made with another key (a new deployment) is replaced.
 */

const CHANNEL_HASH = /^#channel=([\w-]{1,64})$/;

/** A conversation named by a notification that opened this window (./#channel=<id>), consumed once. */
export function channelFromLocation(): string | undefined {
  const id = CHANNEL_HASH.exec(location.hash)?.[1];
  if (id) history.replaceState(null, '', location.pathname + location.search);
  return id;
}

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
};

const sameKey = (a: ArrayBuffer | null | undefined, b: Uint8Array) => !!a && a.byteLength === b.length && new Uint8Array(a).every((v, i) => v === b[i]);

export interface PushSetup {
  api: Api;
  deviceId: string;
  /** Opens a conversation (a notification was clicked while this window was open). */
  open: (channel: string) => void;
}

/** What the browser can do; 'subscribed' when the server has this device's subscription. */
export type PushState = 'unsupported' | 'registered' | 'subscribed' | 'failed';

export async function startPush(setup: PushSetup): Promise<PushState> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string; channel?: unknown } | undefined;
    if (data?.type === 'open-channel' && typeof data.channel === 'string') setup.open(data.channel);
  });
  const registration = await navigator.serviceWorker.register('./sw.js');
  if (Notification.permission !== 'granted') return 'registered';
  return subscribeDevice(setup, registration);
}

/** After the user granted notifications (or at start when they had): the subscription, sent to the server. */
export async function subscribeDevice(setup: PushSetup, registration?: ServiceWorkerRegistration): Promise<PushState> {
  try {
    const reg = registration ?? (await navigator.serviceWorker.ready);
    const key = keyBytes(String((await setup.api.call('push.vapidPublicKey')).public_key));
    let subscription = await reg.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await setup.api.call('push.subscribe', { device_id: setup.deviceId, subscription: subscription.toJSON() });
    return 'subscribed';
  } catch (error) {
    // No push service reachable (headless browsers, some privacy modes): live delivery still works.
    console.warn('push notifications unavailable:', (error as Error).message);
    return 'failed';
  }
}

/** Sign-out: this device stops getting the user's pushes. */
export async function stopPush(setup: Pick<PushSetup, 'api' | 'deviceId'>): Promise<void> {
  await setup.api.call('push.unsubscribe', { device_id: setup.deviceId }).catch(() => undefined);
  const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  await (await reg?.pushManager.getSubscription())?.unsubscribe();
}
