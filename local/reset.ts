import { existsSync, rmSync } from 'node:fs';
import { runningPid } from './lock-file';
import { optionsFrom } from './options';

/** `npm run reset`: wipes the local cloud's data dir (tables, media, keys, checkpoints). Refuses while it runs. */
const { dataDir } = optionsFrom(process.argv.slice(2), process.env);
const pid = runningPid(dataDir);
if (pid !== undefined) {
  process.stderr.write(`✗ the local cloud (pid ${pid}) is running on ${dataDir}; stop it first (Ctrl-C)\n`);
  process.exit(1);
}
if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`✓ wiped ${dataDir}\n`);
