import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { browserSuite, launchChromium } from './harness/chromium';
import { waitForStreamDrain } from './harness/stream-drain';
import { target } from './harness/target';
import { call, eventually, person, type Person } from './support';

/*
 * Mentions and channel details in a real browser against the local cloud: the mention badge
 * (distinct from the unread badge) and its clearing, the topic, Add people, the member list, a
 * conversation's notification preferences, the DND pause, and a browser notification for a mention
 * while the tab is hidden. Screenshots go to test-results/screenshots/mentions-*.png.
 */

const SHOTS = resolve(__dirname, '../../test-results/screenshots');
const suite = browserSuite;

jest.setTimeout(180_000);

const webAppUrl = () => (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `mentions-${name}.png`) });
}

/**
 * Browser-side instrumentation (a string: the root project compiles without DOM types): the page's
 * visibility can be switched to hidden, and every Notification the page constructs is recorded
 * (the real one is still shown).
 */
const INSTRUMENT = `(() => {
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  window.__notifications = [];
  const Real = window.Notification;
  if (Real) {
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options && options.body });
      }
    };
  }
})()`;

async function signInPage(context: BrowserContext, name: string, team: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name} page error] ${e.message}`));
  await page.addInitScript(INSTRUMENT);
  await page.goto(webAppUrl());
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Workspace').fill(team);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Create channel' }).waitFor();
  await page.waitForFunction(`document.querySelector('.status')?.textContent === ''`, undefined, { timeout: 20_000 });
  return page;
}

suite('web client: mentions, topic, members, notifications', () => {
  const team = `wm-${randomUUID().slice(0, 8)}`;
  const shared = `plans-${randomUUID().slice(0, 6)}`;
  let browser: Browser;
  let page: Page;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let sharedId: string;
  const sidebarItem = (name: string) => page.getByRole('navigation').getByRole('button', { name: new RegExp(name) });

  beforeAll(async () => {
    await waitForStreamDrain(target().httpApiUrl);
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => person(n, team)));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: new URL(webAppUrl()).origin });
    page = await signInPage(context, 'alice', team);
    // alice sits in her own channel while others write elsewhere.
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByLabel('Channel name').fill(`home-${randomUUID().slice(0, 6)}`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
    sharedId = (await call(bob.token, 'conversations.create', { name: shared })).channel.id;
    await call(bob.token, 'conversations.invite', { channel: sharedId, users: alice.userId });
    await sidebarItem(shared).waitFor({ timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a mention shows a mention badge beside the unread badge; opening the channel clears both', async () => {
    await call(bob.token, 'chat.postMessage', { channel: sharedId, text: `<@${alice.userId}> can you review?` });
    await call(bob.token, 'chat.postMessage', { channel: sharedId, text: 'and some chatter' });
    await sidebarItem(shared).getByLabel('2 unread').waitFor({ timeout: 20_000 });
    const mentionBadge = sidebarItem(shared).getByLabel('1 mention', { exact: true });
    await mentionBadge.waitFor();
    expect(await mentionBadge.textContent()).toBe('@1');
    await shot(page, '01-badges');
    // After a reload the server's mention_count gives the same badge.
    await page.reload();
    await sidebarItem(shared).getByLabel('1 mention', { exact: true }).waitFor({ timeout: 20_000 });
    await sidebarItem(shared).click();
    await page.locator('.main .messages .message', { hasText: 'can you review?' }).waitFor();
    await page.locator('.main .messages .message .mention.mine').first().waitFor();
    await expectGone(sidebarItem(shared).getByLabel('1 mention', { exact: true }));
    await expectGone(sidebarItem(shared).getByLabel('2 unread'));
    const info = await eventually(async () => {
      const c = (await call(alice.token, 'conversations.info', { channel: sharedId })).channel;
      return c.mention_count === 0 && c.unread_count === 0 ? c : undefined;
    });
    expect(info.mention_count).toBe(0);
  });

  test('@name typed in the composer is sent as a mention', async () => {
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('thanks @bob, on it');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    const sent = await eventually(async () => {
      const { messages } = await call(bob.token, 'conversations.history', { channel: sharedId, limit: 5 });
      return messages.find((m: any) => m.user === alice.userId);
    });
    expect(sent.text).toBe(`thanks <@${bob.userId}>, on it`);
    expect((await call(bob.token, 'conversations.info', { channel: sharedId })).channel.mention_count).toBe(1);
  });

  test('the topic: set from the header, shown there and to everyone', async () => {
    await page.getByRole('button', { name: 'Add a topic' }).click();
    await page.getByRole('dialog', { name: 'Edit topic' }).getByLabel('Topic').fill('Q3 launch plans');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.conv-header').getByLabel('Topic').filter({ hasText: 'Q3 launch plans' }).waitFor();
    expect((await call(bob.token, 'conversations.info', { channel: sharedId })).channel.topic).toMatchObject({ value: 'Q3 launch plans', creator: alice.userId });
    expect(await page.getByRole('button', { name: 'Edit topic' }).isVisible()).toBe(true);
    await page.locator('.main .messages article.message.system', { hasText: 'set the channel topic: Q3 launch plans' }).waitFor({ timeout: 20_000 });
    // Someone else's change reaches the header live.
    await call(bob.token, 'conversations.setTopic', { channel: sharedId, topic: 'Q3 launch: moved to Monday' });
    await page.locator('.conv-header').getByLabel('Topic').filter({ hasText: 'Q3 launch: moved to Monday' }).waitFor({ timeout: 20_000 });
  });

  test('Add people invites someone; the member list shows everyone by name', async () => {
    await page.getByRole('button', { name: 'Add people' }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Add people to ${shared}`) });
    await dialog.getByLabel('carol').check();
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.waitFor({ state: 'detached' });
    const { members } = await call(bob.token, 'conversations.members', { channel: sharedId });
    expect([...members].sort()).toEqual([alice.userId, bob.userId, carol.userId].sort());

    await page.getByRole('button', { name: '3 members: show members' }).click({ timeout: 20_000 });
    const list = page.getByRole('dialog', { name: new RegExp(`Members of ${shared}`) }).getByRole('list', { name: 'Members' });
    await list.getByRole('listitem').nth(2).waitFor();
    expect(await list.getByRole('listitem').allTextContents()).toEqual(['alice (you)', 'bob', 'carol'].map((s) => expect.stringContaining(s)));
    await shot(page, '02-members');
    await page.getByRole('button', { name: 'Close' }).click();
  });

  test('a conversation\'s notification level and mute are saved as the reader\'s preferences', async () => {
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`Notifications for ${shared}`) });
    await dialog.getByRole('radio', { name: 'All new messages' }).check();
    await eventually(async () => ((await call(alice.token, 'users.prefs.get')).prefs.channel_levels[sharedId] === 'all' ? true : undefined));
    await dialog.getByLabel('Mute this conversation').check();
    await eventually(async () => ((await call(alice.token, 'users.prefs.get')).prefs.muted_channels.includes(sharedId) ? true : undefined));
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Muted', exact: true }).waitFor();
    // Unmute again for the notification test below.
    await page.getByRole('button', { name: 'Muted', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Mute this conversation').uncheck();
    await eventually(async () => ((await call(alice.token, 'users.prefs.get')).prefs.muted_channels.length === 0 ? true : undefined));
    await page.getByRole('dialog').getByRole('radio', { name: 'Default (my setting)' }).check();
    await eventually(async () => ((await call(alice.token, 'users.prefs.get')).prefs.channel_levels[sharedId] === undefined ? true : undefined));
    await page.getByRole('button', { name: 'Done' }).click();
  });

  test('with the tab hidden a mention raises a browser notification; a plain message does not; a DND pause holds them', async () => {
    await page.evaluate('window.__hidden = true');
    await call(bob.token, 'chat.postMessage', { channel: sharedId, text: 'nothing for you' });
    await call(bob.token, 'chat.postMessage', { channel: sharedId, text: `<@${alice.userId}> ship it?` });
    await page.waitForFunction('window.__notifications.length > 0', undefined, { timeout: 20_000 });
    expect(await page.evaluate('window.__notifications')).toEqual([{ title: `#${shared}`, body: 'bob: @alice ship it?' }]);

    await page.evaluate('window.__hidden = false');
    await page.getByRole('button', { name: 'Pause notifications' }).click();
    await page.getByRole('status').filter({ hasText: 'Notifications paused until' }).waitFor();
    expect((await call(alice.token, 'dnd.info')).snooze_enabled).toBe(true);
    await page.evaluate('window.__hidden = true');
    const held = await call(bob.token, 'chat.postMessage', { channel: sharedId, text: `<@${alice.userId}> still there?` });
    await page.locator(`.main .messages article.message[data-ts="${held.ts}"]`).waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.__notifications.length')).toBe(1);
    await shot(page, '03-paused');

    await page.evaluate('window.__hidden = false');
    await page.getByRole('button', { name: 'Resume notifications' }).click();
    await page.getByRole('button', { name: 'Pause notifications' }).waitFor();
    expect((await call(alice.token, 'dnd.info')).snooze_enabled).toBe(false);
  });

  test('the reader\'s own preferences: level, hidden text and a daily quiet time, in the browser\'s time zone', async () => {
    await page.getByRole('button', { name: 'Notification preferences' }).click();
    const dialog = page.getByRole('dialog', { name: 'Notification preferences' });
    await dialog.getByRole('radio', { name: 'All new messages' }).check();
    await dialog.getByLabel('Hide message text in notifications').check();
    await dialog.getByLabel('Pause notifications every day').check();
    await dialog.getByLabel('From').fill('21:30');
    await dialog.getByLabel('to', { exact: true }).fill('07:00');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const offset = Number(await page.evaluate('(0 - new Date().getTimezoneOffset()) * 60'));
    expect((await call(alice.token, 'users.prefs.get')).prefs).toMatchObject({
      level: 'all', hide_content: true, dnd_enabled: true, dnd_start_hour: '21:30', dnd_end_hour: '07:00', tz_offset: offset,
    });
    expect((await call(alice.token, 'dnd.info')).dnd_enabled).toBe(true);
  });

  test('without the browser\'s permission the sidebar offers to ask for it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await signInPage(context, 'dave', team);
      // A fresh profile on a local origin has not been asked yet.
      expect(await other.evaluate('Notification.permission')).toBe('default');
      await other.getByRole('button', { name: 'Enable desktop notifications' }).waitFor();
      // Where permission is granted (the reader's page above) it is not offered.
      expect(await page.getByRole('button', { name: 'Enable desktop notifications' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

async function expectGone(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor({ state: 'detached', timeout: 10_000 });
  expect(await locator.count()).toBe(0);
}
