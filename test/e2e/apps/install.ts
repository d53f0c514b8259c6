import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAppCommand } from '../../../admin/apps';
import type { InstalledApp } from '../../../lambdas/core/apps';

/** Installs an app from a manifest with the administrator's tool (admin/apps.ts), against the local cloud's table. */
export async function installTestApp(team: string, manifest: Record<string, unknown>): Promise<InstalledApp> {
  const file = join(mkdtempSync(join(tmpdir(), 'app-manifest-')), 'app.json');
  writeFileSync(file, JSON.stringify(manifest));
  return (await runAppCommand(['create', '--team', team, '--manifest', file, '--data-dir', dataDir()])) as InstalledApp;
}

export const adminCommand = (argv: string[]) => runAppCommand([...argv, '--data-dir', dataDir()]);

function dataDir(): string {
  const outputs = process.env.E2E_OUTPUTS_FILE;
  if (!outputs) throw new Error('E2E_OUTPUTS_FILE is not set');
  return dirname(outputs);
}

/** A manifest in Slack's format. */
export const manifest = (name: string, o: { scopes: string[]; events: string[]; socketMode?: boolean; requestUrl?: string; commands?: Array<{ command: string; url?: string }>; interactivity?: { is_enabled: boolean; request_url?: string } }) => ({
  display_information: { name },
  features: { bot_user: { display_name: name, always_online: true }, slash_commands: o.commands ?? [] },
  oauth_config: { scopes: { bot: o.scopes } },
  settings: {
    event_subscriptions: { bot_events: o.events, ...(o.requestUrl ? { request_url: o.requestUrl } : {}) },
    socket_mode_enabled: o.socketMode ?? false,
    ...(o.interactivity ? { interactivity: o.interactivity } : {}),
  },
});
