import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { browserSuite, launchChromium } from './harness/chromium';
import { call, eventually, LIVE_MS, newTeam, person } from './support';
import { LocalPushService } from '../../local/push/push-service';

/*
 * The web client's service worker in Chromium. Headless Chromium reaches no real push service, so
 * PushManager.subscribe cannot succeed here; what this proves instead:
 * - the client registers web/public/sw.js (scope = the app) once notifications are granted
 *   (Browser.grantPermissions, through playwright's grantPermissions);
 * - a push delivered to that registration (CDP ServiceWorker.deliverPushMessage) with the payload
 *   the server really sent (pushed by the dispatcher to the local push service, which decrypted
 *   it with the subscription's keys) is shown as a notification with that title, body and tag, and
 *   one with hidden content shows no text (registration.getNotifications());
 * - `./#channel=<id>` (what a click opens when no window is open) opens that conversation.
 * Not proven: a real browser push service's delivery, and the click on a notification itself
 * (no CDP command clicks one).
 */

const suite = browserSuite;
jest.setTimeout(120_000);

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { channel?: string; ts?: string };
}

const NOTIFICATIONS = `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))`;

suite('web push: the service worker in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let webUrl: string;
  const service = new LocalPushService();
  let registrationId = '';

  beforeAll(async () => {
    await service.start();
    webUrl = (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    await context.grantPermissions(['notifications'], { origin: webUrl });
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> }) => {
      const ours = e.registrations.find((r) => r.scopeURL === `${webUrl}/` && !r.isDeleted);
      if (ours) registrationId = ours.registrationId;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service.stop();
  });

  test('the client registers its service worker; a real push payload is shown as a notification, hidden content shows no text; #channel= opens that conversation', async () => {
    const team = newTeam();
    const [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    const dm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);

    await page.goto(webUrl);
    await page.getByLabel('Name').fill('bob');
    await page.getByLabel('Workspace').fill(team);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Create channel' }).waitFor();
    expect(await page.evaluate('navigator.serviceWorker.ready.then((r) => r.scope)')).toBe(`${webUrl}/`);
    await eventually(async () => registrationId || undefined, 10_000);
    // What headless Chromium does with PushManager.subscribe (no push service): recorded, not required.
    const subscribeOutcome = await page.evaluate(`navigator.serviceWorker.ready.then((r) => r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: new Uint8Array(65).fill(4) })).then(() => 'subscribed', (e) => e.name)`);
    console.log(`headless Chromium PushManager.subscribe: ${String(subscribeOutcome)}`);

    // The payload the server really sends: bob's device subscribed at the local push service.
    const vapidKey = String((await call(bob.token, 'push.vapidPublicKey')).public_key);
    const sub = service.subscribe(vapidKey);
    await call(bob.token, 'push.subscribe', { device_id: 'bob-browser-test', subscription: sub.json });
    // Bob's only live connection goes (the app's page closes): he is offline now. A page of the same
    // origin that runs no client (config.json) stays to read the service worker's notifications.
    const connections = async () => Number((await call(alice.token, 'users.getPresence', { user: bob.userId })).connection_count);
    // Connected first (a page closed while its $connect still runs would leave a lease behind).
    await eventually(async () => ((await connections()) === 1 ? true : undefined), LIVE_MS, 500);
    const app = page;
    page = await context.newPage();
    await page.goto(`${webUrl}/config.json`);
    cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await app.close();
    await eventually(async () => ((await connections()) === 0 ? true : undefined), LIVE_MS, 500);
    const ts = String((await call(alice.token, 'chat.postMessage', { channel: dm, text: 'lunch at noon?' })).ts);
    const pushed = await eventually(async () => service.pushesFor(sub.id).find((p) => p.payload.ts === ts), LIVE_MS);
    expect(pushed.payload).toMatchObject({ title: 'alice', body: 'lunch at noon?', channel: dm });

    const origin = new URL(webUrl).origin;
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: JSON.stringify(pushed.payload) });
    const shown = await eventually(async () => ((await page.evaluate(NOTIFICATIONS)) as ShownNotification[]).find((n) => n.data?.ts === ts), 10_000);
    expect(shown).toMatchObject({ title: 'alice', body: 'lunch at noon?', tag: dm, data: { channel: dm, ts } });

    const hidden = { title: 'alice', channel: dm, ts: `${ts}-hidden` };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: JSON.stringify(hidden) });
    const quiet = await eventually(async () => ((await page.evaluate(NOTIFICATIONS)) as ShownNotification[]).find((n) => n.data?.ts === hidden.ts), 10_000);
    expect(quiet).toMatchObject({ title: 'alice', body: '' });

    await page.goto(`${webUrl}/#channel=${dm}`);
    await page.locator('.messages .message .text', { hasText: 'lunch at noon?' }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate('location.hash')).toBe('');
  });
});
