import { cleanUp, keepLog, stopLocal } from './local-process';

export default async function globalTeardown(): Promise<void> {
  if (process.env.E2E_TARGET !== 'local') return;
  await stopLocal();
  keepLog();
  if (process.env.E2E_KEEP_DATA !== '1') cleanUp();
}
