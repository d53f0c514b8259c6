/*
 * `npx tsx bench/tools/chat-only.ts [seconds]`: the benchmark's chat scenario alone (20 channels x 10
 * members, 20 msg/s, default 60 s, no peak phase) on a private local cloud running cdk.out as it is:
 * for comparing two builds on one machine. Prints the latency summary and each function's summed
 * duration. Measures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLocalProcess, stopLocalProcess } from '../../test/e2e/harness/local-process';
import { Deliveries } from '../client';
import { templateFunctions } from '../functions';
import { runChat } from '../scenarios/chat';
import { openTable } from '../seed';

(async () => {
  const cloud = await startLocalProcess({ env: { LOCAL_DYNAMODB_METER: '1', LOCAL_DYNAMODB_IN_MEMORY: '1' } });
  try {
    const outputs = JSON.parse(readFileSync(cloud.outputsFile, 'utf8')).TeamChat;
    const local = JSON.parse(readFileSync(join(dirname(cloud.outputsFile), 'local-endpoints.json'), 'utf8'));
    const ctx = { ep: { httpUrl: outputs.HttpApiUrl, wsUrl: outputs.WebSocketUrl }, deliveries: new Deliveries(), functions: templateFunctions(join(__dirname, '../../cdk.out')),
      table: openTable(local.DynamoDbEndpoint, local.TableName), meteredTable: openTable(local.DynamoDbEndpoint, local.TableName), callbackUrl: '', team: 'bench', runId: Date.now().toString(36).slice(-5), log: console.log };
    const r = await runChat(ctx as never, { channels: 20, membersPerChannel: 10, rate: 20, seconds: Number(process.argv[2] ?? 60), peakSeconds: 0, peakRate: 0 });
    console.log(JSON.stringify(r.steady.latency_ms), r.usage.durationMs);
  } finally {
    await stopLocalProcess(cloud);
  }
  process.exit(0);
})();
