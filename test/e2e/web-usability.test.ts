import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { browserSuite, launchChromium } from './harness/chromium';
import { waitForStreamDrain } from './harness/stream-drain';
import { target } from './harness/target';
import { call, person, type Person } from './support';

/*
 * The web client as people live in it (issue 17), in a real browser against the local cloud: a
 * channel of 200 messages opens at its newest message with the composer on screen (checked by
 * geometry), scrolling up loads history without moving what is on screen, new messages are followed
 * only from the bottom, mrkdwn renders (and HTML in messages stays text), and at 420 px the sidebar
 * is a drawer. Screenshots go to test-results/screenshots/usability-*.png.
 */

const SHOTS = resolve(__dirname, '../../test-results/screenshots');
const suite = browserSuite;
const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 420, height: 800 };

jest.setTimeout(180_000);

const webAppUrl = () => (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `usability-${name}.png`) });
}

async function signInPage(context: BrowserContext, name: string, team: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name} page error] ${e.message}`));
  await page.goto(webAppUrl());
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Workspace').fill(team);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Create channel' }).waitFor();
  await page.waitForFunction(`document.querySelector('.status')?.textContent === ''`, undefined, { timeout: 20_000 });
  return page;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element's box, failing when it has none (not rendered). */
async function boxOf(locator: ReturnType<Page['locator']>): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return box;
}

function expectInside(box: Box, area: { width: number; height: number }): void {
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(area.width + 0.5);
  expect(box.y + box.height).toBeLessThanOrEqual(area.height + 0.5);
}

const messageByTs = (page: Page, ts: string) => page.locator(`.main .messages article.message[data-ts="${ts}"]`);
/** Scrolls the channel's message list to `top`, an expression of `list` (the element). */
const scrollList = (page: Page, top: string) => page.evaluate(`(() => { const list = document.querySelector('.main .messages'); list.scrollTop = ${top}; })()`);

/** Browser-side code is a string: the root project compiles without DOM types. */
const FIRST_VISIBLE = `(() => {
  const list = document.querySelector('.main .messages');
  const top = list.getBoundingClientRect().top;
  const item = [...list.querySelectorAll('article.message')].find((a) => a.getBoundingClientRect().bottom > top + 1);
  return { ts: item.dataset.ts, y: item.getBoundingClientRect().top };
})()`;
const LOADED = `document.querySelectorAll('.main .messages article.message').length`;

/** Posts `count` numbered messages in order, round-robin over `people` (each has its own per-channel burst). */
async function postNumbered(people: Person[], channel: string, count: number, prefix: string): Promise<string[]> {
  const stamps: string[] = [];
  for (let i = 1; i <= count; i++) {
    const who = people[i % people.length];
    const posted = await call(who.token, 'chat.postMessage', { channel, text: `${prefix} ${String(i).padStart(3, '0')}` });
    stamps.push(String(posted.ts));
  }
  return stamps;
}

suite('web client usability', () => {
  const team = `web-${randomUUID().slice(0, 8)}`;
  const longName = `long-${randomUUID().slice(0, 6)}`;
  let browser: Browser;
  let page: Page;
  let alice: Person;
  let bob: Person;
  let others: Person[];
  let longId: string;
  let stamps: string[];
  let fmtId: string;
  let fmtName: string;

  beforeAll(async () => {
    await waitForStreamDrain(target().httpApiUrl);
    alice = await person('alice', team);
    bob = await person('bob', team);
    others = [await person('carol', team), await person('dave', team)];
    longId = (await call(alice.token, 'conversations.create', { name: longName })).channel.id;
    for (const p of [bob, ...others]) await call(p.token, 'conversations.join', { channel: longId });
    stamps = await postNumbered([alice, bob, ...others], longId, 200, 'line');
    await call(alice.token, 'conversations.mark', { channel: longId, ts: stamps.at(-1) });

    browser = await launchChromium();
    page = await signInPage(await browser.newContext({ viewport: DESKTOP }), 'alice', team);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a channel of 200 messages opens at its newest message, the composer on screen, the page itself not scrolled', async () => {
    await page.getByRole('navigation').getByRole('button', { name: new RegExp(longName) }).click();
    await messageByTs(page, stamps.at(-1)!).waitFor();
    await page.waitForTimeout(300);
    expectInside(await boxOf(messageByTs(page, stamps.at(-1)!)), DESKTOP);
    expectInside(await boxOf(page.getByRole('textbox', { name: 'Message', exact: true })), DESKTOP);
    expect(await page.evaluate('[document.scrollingElement.scrollTop, document.scrollingElement.scrollHeight <= innerHeight]')).toEqual([0, true]);
    await shot(page, '01-desktop-long-channel');
  });

  test('scrolling up loads older pages without moving the message on screen', async () => {
    const before = Number(await page.evaluate(LOADED));
    for (let page_ = 0; page_ < 3; page_++) {
      const loaded = Number(await page.evaluate(LOADED));
      // Up to the top: the oldest loaded message is the first visible one when the next page is asked for.
      const seen = (await page.evaluate(`(() => { document.querySelector('.main .messages').scrollTop = 0; return ${FIRST_VISIBLE}; })()`)) as { ts: string; y: number };
      await page.waitForFunction(`${LOADED} > ${loaded}`, undefined, { timeout: 15_000 });
      await page.waitForTimeout(200);
      const now = await boxOf(messageByTs(page, seen.ts));
      expect(Math.abs(now.y - seen.y)).toBeLessThanOrEqual(3);
    }
    expect(Number(await page.evaluate(LOADED))).toBeGreaterThan(before);
    await scrollList(page, '0');
    await page.getByText('This is the very beginning of the conversation.').waitFor({ timeout: 15_000 });
    expect(Number(await page.evaluate(LOADED))).toBe(200);
    await shot(page, '02-desktop-history-loaded');
  });

  test('a new message is followed only from the bottom; sending goes to the bottom and leaves the sidebar alone', async () => {
    // Somewhere in the middle: a new message does not move what is on screen.
    await scrollList(page, 'list.scrollHeight / 2');
    await page.waitForTimeout(200);
    const seen = (await page.evaluate(FIRST_VISIBLE)) as { ts: string; y: number };
    const fromBob = await call(bob.token, 'chat.postMessage', { channel: longId, text: 'while you read older things' });
    await messageByTs(page, String(fromBob.ts)).waitFor({ state: 'attached', timeout: 20_000 });
    await page.waitForTimeout(200);
    expect(Math.abs((await boxOf(messageByTs(page, seen.ts))).y - seen.y)).toBeLessThanOrEqual(3);

    // At the bottom: the next one is followed.
    await scrollList(page, 'list.scrollHeight');
    const next = await call(bob.token, 'chat.postMessage', { channel: longId, text: 'and one you see arrive' });
    await messageByTs(page, String(next.ts)).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(200);
    expectInside(await boxOf(messageByTs(page, String(next.ts))), DESKTOP);

    // Sending from the middle goes to the bottom; neither the page nor the sidebar scrolls.
    await scrollList(page, 'list.scrollHeight / 3');
    const composer = page.getByRole('textbox', { name: 'Message', exact: true });
    await composer.fill('my own line');
    await composer.press('Enter');
    const mine = page.locator('.main .messages .message', { hasText: 'my own line' });
    await mine.waitFor();
    await page.waitForTimeout(300);
    expectInside(await boxOf(mine), DESKTOP);
    expect(await page.evaluate(`[document.scrollingElement.scrollTop, document.querySelector('.sidebar').scrollTop]`)).toEqual([0, 0]);
  });

  test('opening a channel with unread messages shows the "new messages" line before the first of them', async () => {
    const quiet = `quiet-${randomUUID().slice(0, 6)}`;
    const quietId = (await call(alice.token, 'conversations.create', { name: quiet })).channel.id;
    await call(bob.token, 'conversations.join', { channel: quietId });
    const read = await postNumbered([alice], quietId, 3, 'read');
    await call(alice.token, 'conversations.mark', { channel: quietId, ts: read.at(-1) });
    const unread = await postNumbered([bob], quietId, 2, 'unread');
    const badge = page.getByRole('navigation').getByRole('button', { name: new RegExp(quiet) }).getByLabel('2 unread');
    await badge.waitFor({ timeout: 20_000 });
    // The title follows the badge on React's next effect pass, not in the same frame.
    await page.waitForFunction(`document.title === ${JSON.stringify(`(2) ${longName}`)}`, undefined, { timeout: 5_000 }).catch(() => undefined);
    expect(await page.title()).toBe(`(2) ${longName}`);
    await page.getByRole('navigation').getByRole('button', { name: new RegExp(quiet) }).click();
    const line = page.getByRole('separator', { name: 'New messages' });
    await line.waitFor();
    const lineBox = await boxOf(line);
    expect(lineBox.y).toBeLessThan((await boxOf(messageByTs(page, unread[0]))).y);
    expect(lineBox.y).toBeGreaterThan((await boxOf(messageByTs(page, read.at(-1)!))).y);
    await shot(page, '03-desktop-new-messages-line');
    await page.getByRole('navigation').getByRole('button', { name: new RegExp(longName) }).click();
  });

  test('mrkdwn renders as elements: styles, links, mentions (mine highlighted), channels, emoji, quotes, lists, code', async () => {
    const fmt = `fmt-${randomUUID().slice(0, 6)}`;
    fmtId = (await call(alice.token, 'conversations.create', { name: fmt })).channel.id;
    fmtName = fmt;
    const text = [
      `*bold* _italic_ ~strike~ \`code\` <https://example.com/docs|the docs> and https://example.org/x, <@${bob.userId}> <@${alice.userId}> <#${longId}> :rocket:`,
      '> a quote',
      '- item one',
      '- item two',
      '```const x = *not bold*;```',
    ].join('\n');
    const posted = await call(alice.token, 'chat.postMessage', { channel: fmtId, text });
    await page.getByRole('navigation').getByRole('button', { name: new RegExp(fmt) }).click();
    const body = messageByTs(page, String(posted.ts)).locator('.text');
    await body.waitFor();
    expect(await body.locator('strong').first().textContent()).toBe('bold');
    expect(await body.locator('em').first().textContent()).toBe('italic');
    expect(await body.locator('s').first().textContent()).toBe('strike');
    expect(await body.locator('code.md-code').textContent()).toBe('code');
    const docs = body.getByRole('link', { name: 'the docs' });
    expect([await docs.getAttribute('href'), await docs.getAttribute('target'), await docs.getAttribute('rel')]).toEqual(['https://example.com/docs', '_blank', 'noopener noreferrer']);
    expect(await body.getByRole('link', { name: 'https://example.org/x' }).getAttribute('href')).toBe('https://example.org/x');
    expect(await body.locator('.mention:not(.mine)').textContent()).toBe('@bob');
    expect(await body.locator('.mention.mine').textContent()).toBe('@alice');
    expect(await body.locator('.channel-link').textContent()).toBe(`#${longName}`);
    expect(await body.getByRole('img', { name: 'rocket' }).textContent()).toBe('🚀');
    expect(await body.locator('blockquote').textContent()).toBe('a quote');
    expect(await body.locator('ul li').allTextContents()).toEqual(['item one', 'item two']);
    expect(await body.locator('pre').textContent()).toBe('const x = *not bold*;');
    // A one-person channel says so in the singular.
    expect(await page.locator('.conv-header .members').textContent()).toBe('1 member');
    await shot(page, '04-desktop-mrkdwn');
  });

  test('HTML in a message stays text: no script runs, no element or javascript: link appears', async () => {
    const evil = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> <javascript:window.__pwned=3|click me> <a href="javascript:void(0)">a</a>';
    const injected = await call(alice.token, 'chat.postMessage', { channel: fmtId, text: evil });
    const body = messageByTs(page, String(injected.ts)).locator('.text');
    await body.waitFor({ timeout: 20_000 });
    const shown = await body.textContent();
    expect(shown).toContain('<script>window.__pwned = 1</script>');
    expect(shown).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(shown).toContain('click me');
    expect(await body.locator('script, img, iframe, svg').count()).toBe(0);
    expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
  });

  test('a file shows its size in bytes; someone who joins sees who is online at once', async () => {
    await page.locator('.conversation input[type=file]').setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello world') });
    await page.locator('.main .messages .file', { hasText: 'note.txt' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.main .messages .file', { hasText: 'note.txt' }).locator('.file-size').textContent()).toBe(' (11 B)');

    const erinContext = await browser.newContext({ viewport: DESKTOP });
    const erin = await signInPage(erinContext, 'erin', team);
    await erin.getByRole('button', { name: 'Browse channels' }).click();
    await erin.getByRole('button', { name: `Join ${fmtName}` }).click();
    const alicesMessage = erin.locator('.main .messages .message', { hasText: 'item one' });
    await alicesMessage.waitFor();
    await alicesMessage.getByRole('img', { name: 'active' }).waitFor({ timeout: 10_000 });
    await erinContext.close();
  });

  test('at 420 px the sidebar is a drawer and nothing is cut off', async () => {
    await page.getByRole('navigation').getByRole('button', { name: new RegExp(longName) }).click();
    await page.setViewportSize(NARROW);
    await messageByTs(page, stamps.at(-1)!).waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    expect(await page.getByRole('navigation', { name: 'Conversations' }).isVisible()).toBe(false);
    expectInside(await boxOf(page.getByRole('textbox', { name: 'Message', exact: true })), NARROW);
    expectInside(await boxOf(page.getByRole('heading', { name: `# ${longName}` })), NARROW);
    const newest = page.locator('.main .messages article.message').last();
    expectInside(await boxOf(newest), NARROW);
    expect(await page.evaluate('document.scrollingElement.scrollWidth <= innerWidth')).toBe(true);
    await shot(page, '05-narrow-conversation');

    await page.getByRole('button', { name: 'Open sidebar' }).click();
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    await sidebar.waitFor();
    await page.waitForTimeout(300);
    expectInside(await boxOf(sidebar), NARROW);
    await shot(page, '06-narrow-drawer');
    await sidebar.getByRole('button', { name: new RegExp(fmtName) }).click();
    await page.getByRole('heading', { name: `# ${fmtName}` }).waitFor();
    await sidebar.waitFor({ state: 'hidden' });
    await shot(page, '07-narrow-mrkdwn');
    await page.setViewportSize(DESKTOP);
  });
});
