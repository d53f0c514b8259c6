import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { browserSuite, launchChromium } from './harness/chromium';
import { call, eventually, person } from './support';

/*
 * The search box in a real browser (Chromium through playwright-core), against the local cloud:
 * messages posted through the API are found as someone types, shown with their channel, author,
 * time and the matched words marked, and a click opens the conversation (and the thread of a reply).
 */

const SHOTS = resolve(__dirname, '../../test-results/screenshots');
const suite = browserSuite;

jest.setTimeout(120_000);

const webAppUrl = () => (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;

suite('web client search', () => {
  const team = `web-${randomUUID().slice(0, 8)}`;
  const channel = `ops-${randomUUID().slice(0, 6)}`;
  const word = `kw${randomUUID().slice(0, 6)}`;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const alice = await person('alice', team);
    const created = await call(alice.token, 'conversations.create', { name: channel });
    const parent = await call(alice.token, 'chat.postMessage', { channel: created.channel.id, text: `${word} rollout checklist` });
    await call(alice.token, 'chat.postMessage', { channel: created.channel.id, text: `${word} rollback plan, in the thread`, thread_ts: parent.ts });
    await eventually(async () => ((await call(alice.token, 'search.messages', { query: word })).messages.total === 2 ? true : undefined), 15_000, 100);

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await page.goto(webAppUrl());
    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Workspace').fill(team);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Create channel' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('typing shows matches with channel, author, time and the matched words marked', async () => {
    // The last word is still being typed: it matches as a prefix.
    await page.getByRole('searchbox', { name: 'Search messages' }).fill(`${word} roll`);
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByText('2 results').waitFor({ timeout: 15_000 });
    const hit = results.getByRole('button').filter({ hasText: 'rollout checklist' });
    await expect(hit.locator('.search-channel').textContent()).resolves.toBe(`#${channel}`);
    await expect(hit.locator('.search-author').textContent()).resolves.toBe('alice');
    await expect(hit.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await hit.locator('mark').allTextContents()).toEqual([word, 'rollout']);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'search-01-results.png') });
  });

  test('a click on a reply opens its channel and its thread', async () => {
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('button').filter({ hasText: 'rollback plan' }).click();
    await page.getByRole('heading', { name: `# ${channel}` }).waitFor({ timeout: 15_000 });
    await page.getByRole('log', { name: 'Thread messages' }).getByText('rollback plan, in the thread').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('region', { name: 'Search results' }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'search-02-jumped.png') });
  });
});
