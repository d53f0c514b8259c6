import { readFileSync } from 'node:fs';
import { App, LogLevel, type BlockAction, type ButtonAction, type StaticSelectAction } from '@slack/bolt';
import { type Browser } from 'playwright-core';
import { browserSuite, launchChromium } from '../harness/chromium';
import { target } from '../harness/target';
import { call, eventually, LIVE_MS, newTeam, person } from '../support';
import { installTestApp, manifest } from './install';

/* A button of an app's message, clicked in the web client (Chromium): an unmodified Bolt app in Socket Mode replaces the message. */

const suite = browserSuite;
jest.setTimeout(120_000);

suite('apps: a block action in the web client', () => {
  let browser: Browser;
  afterAll(async () => browser?.close());

  it('renders the message\'s buttons and select; a choice and a click run app.action, and the replaced message shows', async () => {
    const team = newTeam();
    const alice = await person('alice', team);
    const channelName = `web-act-${Date.now()}`;
    const channel = (await call(alice.token, 'conversations.create', { name: channelName })).channel.id;
    const installed = await installTestApp(team, manifest('approveweb', { scopes: ['chat:write'], events: [], socketMode: true, interactivity: { is_enabled: true } }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    const app = new App({ token: installed.bot_token, appToken: installed.app_token, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: `${target().httpApiUrl}/api/` } });
    app.action<BlockAction<ButtonAction>>('approve', async ({ ack, body, respond }) => {
      await ack();
      await respond({ replace_original: true, text: `Approved ${body.actions[0].value}` });
    });
    const picked: string[] = [];
    app.action<BlockAction<StaticSelectAction>>('region', async ({ ack, body }) => {
      picked.push(body.actions[0].selected_option.value);
      await ack();
    });
    await app.start();
    try {
      await call(installed.bot_token, 'chat.postMessage', {
        channel, text: 'Deploy v9?',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Deploy *v9*?' } },
          { type: 'actions', block_id: 'decide', elements: [
            { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'v9', style: 'primary' },
            { type: 'button', action_id: 'odd', text: { type: 'plain_text', text: '<img src=x onerror=alert(1)>' } },
            {
              type: 'static_select', action_id: 'region', placeholder: { type: 'plain_text', text: 'Region' },
              options: [{ text: { type: 'plain_text', text: 'EU' }, value: 'eu' }, { text: { type: 'plain_text', text: 'US' }, value: 'us' }],
            },
          ] },
        ],
      });
      const webUrl = (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;
      browser = await launchChromium();
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(webUrl);
      await page.getByLabel('Name').fill('alice');
      await page.getByLabel('Workspace').fill(team);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Create channel' }).waitFor();
      await page.getByText(channelName).first().click();
      const button = page.getByRole('button', { name: 'Approve', exact: true });
      await button.waitFor({ timeout: 20_000 });
      // A label is text, never markup.
      expect(await page.getByRole('button', { name: '<img src=x onerror=alert(1)>', exact: true }).count()).toBe(1);
      expect(await page.locator('.block-actions img').count()).toBe(0);
      // A static_select choice reaches the app as its option.
      await page.getByRole('combobox', { name: 'Region' }).selectOption('us');
      expect(await eventually(async () => (picked.length ? picked : undefined), LIVE_MS)).toEqual(['us']);
      await button.click();
      await page.getByText('Approved v9').waitFor({ timeout: 20_000 });
      expect(await page.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
      const h = await eventually(async () => {
        const res = await call(alice.token, 'conversations.history', { channel, limit: 1 });
        return res.messages[0]?.text === 'Approved v9' ? res : undefined;
      }, LIVE_MS);
      expect(h.messages[0].user).toBe(installed.bot_user_id);
    } finally {
      await app.stop();
    }
  });
});
