/*
 * `npx tsx bench/tools/chat-only.ts [seconds]`: the benchmark's chat scenario alone (20 channels x 10
 * members, 20 msg/s, default 60 s, no peak phase) on a private local cloud running cdk.out as it is:
 * for comparing two builds on one machine. Prints the latency summary and each function's summed
 * duration. Measures; asserts nothing.
 */
import { join } from 'node:path';
import { startLocalProcess, stopLocalProcess } from '../../test/e2e/harness/local-process';
import { templateFunctions } from '../functions';
import { runChat } from '../scenarios/chat';
import { BENCH_CLOUD_ENV, benchContext } from '../scenarios/context';

(async () => {
  const cloud = await startLocalProcess({ env: BENCH_CLOUD_ENV });
  try {
    const ctx = benchContext(cloud.outputsFile, templateFunctions(join(__dirname, '../../cdk.out')), console.log);
    const r = await runChat(ctx, { channels: 20, membersPerChannel: 10, rate: 20, seconds: Number(process.argv[2] ?? 60), peakSeconds: 0, peakRate: 0 });
    console.log(JSON.stringify(r.steady.latency_ms), r.usage.durationMs);
  } finally {
    await stopLocalProcess(cloud);
  }
  process.exit(0);
})();
