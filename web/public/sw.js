/*
 * The web client's service worker: shows a push as a notification (no text when the sender hid
 * it: the push then has no `body`), and a click focuses the client on that conversation (or opens
 * one at ./#channel=<id>). Pushes only come while this browser has no live connection (README:
 * Push notifications), so there is nothing to deduplicate against an open tab.
 */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = typeof data.title === 'string' && data.title ? data.title : 'New message';
  const options = {
    tag: typeof data.channel === 'string' ? data.channel : undefined,
    renotify: typeof data.channel === 'string',
    data: { channel: data.channel, ts: data.ts, thread_ts: data.thread_ts },
  };
  if (typeof data.body === 'string') options.body = data.body;
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const channel = event.notification.data && event.notification.data.channel;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (windows.length > 0) {
      const client = windows[0];
      await client.focus();
      client.postMessage({ type: 'open-channel', channel });
      return;
    }
    const url = new URL(channel ? `./#channel=${encodeURIComponent(channel)}` : './', self.registration.scope);
    await self.clients.openWindow(url.href);
  })());
});
