import { readFileSync } from 'node:fs';
import { App, LogLevel } from '@slack/bolt';
import { type Browser } from 'playwright-core';
import { browserSuite, launchChromium } from '../harness/chromium';
import { target } from '../harness/target';
import { call, newTeam, person } from '../support';
import { installTestApp, manifest } from './install';

/* A slash command typed in the web client (Chromium), answered by an unmodified Bolt app in Socket Mode: the ephemeral answer shows as a notice. */

const suite = browserSuite;
jest.setTimeout(120_000);

suite('apps: a slash command in the web client', () => {
  let browser: Browser;
  afterAll(async () => browser?.close());

  it('/status typed in the composer runs the app and shows its ephemeral answer; nothing is posted', async () => {
    const team = newTeam();
    const alice = await person('alice', team);
    const channelName = `web-cmd-${Date.now()}`;
    const channel = (await call(alice.token, 'conversations.create', { name: channelName })).channel.id;
    const installed = await installTestApp(team, manifest('statusweb', { scopes: ['commands'], events: [], socketMode: true, commands: [{ command: '/status' }] }));
    const app = new App({ token: installed.bot_token, appToken: installed.app_token, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: `${target().httpApiUrl}/api/` } });
    app.command('/status', async ({ command, ack }) => ack(`status of ${command.text}: green`));
    await app.start();
    try {
      const webUrl = (JSON.parse(readFileSync(process.env.E2E_OUTPUTS_FILE!, 'utf8')).TeamChat as Record<string, string>).WebAppUrl;
      browser = await launchChromium();
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(webUrl);
      await page.getByLabel('Name').fill('alice');
      await page.getByLabel('Workspace').fill(team);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Create channel' }).waitFor();
      await page.getByText(channelName).first().click();
      const composer = page.getByRole('textbox', { name: 'Message', exact: true });
      await composer.fill('/status prod');
      await composer.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'status of prod: green' }).waitFor({ timeout: 20_000 });
      const history = await call(alice.token, 'conversations.history', { channel, limit: 5 });
      expect(history.messages).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
