/*
 * `npx tsx bench/tools/read-storm-only.ts [fetches]`: the benchmark's hot-channel read storm alone
 * (default 1,000 fetches) on a private local cloud running cdk.out as it is, with the capacity meter.
 * Prints the result. Measures; asserts nothing.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalProcess, stopLocalProcess } from '../../test/e2e/harness/local-process';
import { templateFunctions } from '../functions';
import { BENCH_CLOUD_ENV, benchContext } from '../scenarios/context';
import { runReadStorm } from '../scenarios/read-storm';

(async () => {
  const cloud = await startLocalProcess({ env: BENCH_CLOUD_ENV });
  try {
    const ctx = benchContext(cloud.outputsFile, templateFunctions(join(__dirname, '../../cdk.out')), console.log);
    console.log(JSON.stringify(await runReadStorm(ctx, Number(process.argv[2] ?? 1000)), null, 2));
  } finally {
    await stopLocalProcess(cloud);
    rmSync(cloud.dataDir, { recursive: true, force: true });
  }
  process.exit(0);
})();
