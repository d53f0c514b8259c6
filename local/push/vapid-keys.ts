import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { newVapidKeys } from '../../lib/custom-resources/vapid-keys';

/**
 * The local cloud's VAPID key pair (Secrets Manager's place): made on first start by the same code as
 * the deployment's custom resource, kept in the data dir (0600) so browsers' subscriptions survive restarts.
 */
export function loadOrCreateVapidKeys(path: string): { publicKey: string; privateKey: string } {
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { publicKey?: unknown; privateKey?: unknown };
    if (typeof stored.publicKey === 'string' && typeof stored.privateKey === 'string') return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  }
  const keys = newVapidKeys();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
