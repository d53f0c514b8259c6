import { existsSync } from 'node:fs';
import { ensureWebAppBuilt } from '../../../local/cdn/web-app';
import { startLocal, synth } from './local-process';

/**
 * E2E target selection. E2E_TARGET=aws|localstack: use the deployment's outputs file
 * (E2E_OUTPUTS_FILE, from `cdk deploy --outputs-file`). Otherwise (default, CI): synth once and start
 * the local cloud as a child process on a temp data dir with free ports.
 */
export default async function globalSetup(): Promise<void> {
  const targetName = process.env.E2E_TARGET ?? 'local';
  if (targetName === 'aws' || targetName === 'localstack') {
    const file = process.env.E2E_OUTPUTS_FILE;
    if (!file || !existsSync(file)) throw new Error(`E2E_TARGET=${targetName} needs E2E_OUTPUTS_FILE pointing at the deployment's outputs file`);
    return;
  }
  if (process.env.E2E_SKIP_SYNTH !== '1') synth();
  // Once here, so local clouds started by tests (restarts, private instances) never build concurrently.
  ensureWebAppBuilt((line) => process.stderr.write(`${line}\n`));
  process.env.E2E_TARGET = 'local';
  process.env.E2E_RUN_ID ??= String(process.pid);
  // Set in the parent before workers start, so every test worker sees them.
  process.env.E2E_OUTPUTS_FILE = await startLocal();
}
