import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalProcess, stopLocalProcess } from '../test/e2e/harness/local-process';
import { capQuietWaits } from './client';
import { costPerMillion, type PerMessage } from './cost';
import { templateFunctions } from './functions';
import { charts, judge, markdown, type BenchResult } from './report';
import { runBundles } from './scenarios/bundles';
import { runChat } from './scenarios/chat';
import { BENCH_CLOUD_ENV, benchContext } from './scenarios/context';
import { runFanout } from './scenarios/fanout';
import { runHistory } from './scenarios/history';
import { runReadStorm } from './scenarios/read-storm';
import { runReconnect } from './scenarios/reconnect';
import { runSearchBench } from './scenarios/search';

/*
 * `npm run bench [-- --quick | --smoke] [--no-synth] [--out DIR]`: synthesizes (unless --no-synth),
 * measures the bundles, starts a private local cloud (temp data dir, free ports, the DynamoDB
 * capacity meter on), runs the scenarios against it, and writes DIR/<timestamp>.json, latest.json,
 * latest.md and the SVG charts (DIR defaults to bench/results).
 */

const ROOT = resolve(__dirname, '..');

export type Mode = 'full' | 'quick' | 'smoke';

export const SETTINGS = {
  full: { chat: { channels: 20, membersPerChannel: 10, rate: 20, seconds: 60, peakSeconds: 10, peakRate: 100 }, sizes: [10, 100, 1000, 10000], budgetSeconds: 900, initRuns: 11, historyCalls: 50, stormFetches: 1000, bundleLimit: Infinity, analyse: true, searchMessages: 1_000_000, reconnectChannels: [10, 100, 1000] },
  quick: { chat: { channels: 10, membersPerChannel: 10, rate: 5, seconds: 20, peakSeconds: 5, peakRate: 20 }, sizes: [10, 100, 1000], budgetSeconds: 120, initRuns: 5, historyCalls: 20, stormFetches: 500, bundleLimit: Infinity, analyse: true, searchMessages: 100_000, reconnectChannels: [10, 100, 1000] },
  smoke: { chat: { channels: 1, membersPerChannel: 10, rate: 5, seconds: 1, peakSeconds: 0, peakRate: 0 }, sizes: [10], budgetSeconds: 30, initRuns: 1, historyCalls: 2, stormFetches: 20, bundleLimit: 1, analyse: false, searchMessages: 2_000, reconnectChannels: [10] },
} as const;

export interface BenchOptions {
  mode: Mode;
  synth: boolean;
  outDir: string;
  /** An outputs file of a running local cloud to use instead of starting one (the e2e smoke test). Without the capacity meter, units read 0. */
  outputsFile?: string;
  log: (line: string) => void;
}

export function parseArgs(argv: string[]): BenchOptions {
  const out = argv.indexOf('--out');
  return {
    mode: argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full',
    synth: !argv.includes('--no-synth'),
    outDir: resolve(out >= 0 && argv[out + 1] ? argv[out + 1] : join(ROOT, 'bench/results')),
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const { log } = opts;
  const s = SETTINGS[opts.mode];
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
  if (opts.outputsFile) capQuietWaits(3000);
  if (opts.synth) {
    log('… cdk synth');
    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stderr}`);
  }
  const functions = templateFunctions(join(ROOT, 'cdk.out'));

  log('bundles and cold start');
  const bundles = await runBundles(functions.slice(0, s.bundleLimit), s.initRuns, log, s.analyse);

  // Before the local cloud starts: the index is built and queried in this process, alone on the machine.
  log(`search index (${s.searchMessages.toLocaleString('en-US')} messages)`);
  const search = runSearchBench(s.searchMessages, log, opts.mode === 'smoke' ? 5 : 200);
  log(`  ${search.index_msgs_per_s} msg/s indexed; worst query kind p95 ${search.worst_p95_ms} ms`);

  if (!opts.outputsFile) log('… starting a private local cloud (capacity meter on, DynamoDB Local in memory)');
  const cloud = opts.outputsFile ? undefined : await startLocalProcess({ env: BENCH_CLOUD_ENV });
  try {
    const ctx = benchContext(cloud?.outputsFile ?? opts.outputsFile!, functions, log);

    log('chat');
    const chat = await runChat(ctx, s.chat);
    log('history');
    const history = await runHistory(ctx, s.historyCalls);
    log(`  page of ${history.page}: ${history.ms} ms median, ${history.rru} read units`);
    log(`hot channel's read storm (${s.stormFetches} fetches of the newest page)`);
    const readStorm = await runReadStorm(ctx, s.stormFetches);
    log(`  read units: uncached ${readStorm.uncached.rru}, granted ${readStorm.granted.rru} (${readStorm.cut_granted}x less), naming the head ${readStorm.head_named.rru} (${readStorm.cut_head_named}x less), naming none ${readStorm.head_read.rru} (${readStorm.cut_head_read}x less)`);
    log('fan-out and the scan baseline');
    const fan = await runFanout(ctx, [...s.sizes], { budgetSeconds: s.budgetSeconds, repeats: (size) => (opts.mode === 'smoke' ? 1 : size >= 1000 ? 2 : 3) });
    log('reconnect: $connect and sync by channel count');
    const reconnect = await runReconnect(ctx, [...s.reconnectChannels]);

    const u = chat.usage;
    const msgs = Math.max(1, chat.messages);
    const perMessage: PerMessage = {
      websocketIn: u.framesIn / msgs,
      websocketOut: u.framesOut / msgs,
      httpRequests: 0,
      lambdaRequests: u.lambdaRequests / msgs,
      lambdaGbSeconds: u.lambdaGbSeconds / msgs,
      readUnits: u.readUnits / msgs,
      writeUnits: u.writeUnits / msgs,
      // One in, and one out to every device in the channel but the sending one.
      floorWebsocketMessages: 1 + (chat.recipients_per_message - 1),
    };
    const cost = { ...costPerMillion(perMessage), per_message: perMessage };
    const result: BenchResult = {
      timestamp: new Date(started).toISOString(),
      mode: opts.mode,
      machine: { load_average_at_start: loadAtStart, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${platform()} ${release()}` },
      settings: { ...s, chat: chat.settings, local_cloud_env: cloud ? BENCH_CLOUD_ENV : 'given outputs file', duration_s: 0 },
      latency_ms: { p50: round1(chat.steady.latency_ms.p50), p95: round1(chat.steady.latency_ms.p95), p99: round1(chat.steady.latency_ms.p99) },
      throughput_msgs_per_s: chat.peak?.achieved_msgs_per_s ?? chat.steady.achieved_msgs_per_s,
      chat: { steady: chat.steady, peak: chat.peak, usage_per_steady_phase: chat.usage, messages: chat.messages, recipients_per_message: chat.recipients_per_message },
      fanout: fan.fanout,
      fanout_pull: fan.fanout_pull,
      baseline_scan: fan.baseline_scan,
      fanout_run: { connected: fan.connected, connect_seconds: fan.connect_seconds, stopped: fan.stopped },
      history,
      read_storm: readStorm,
      bundles,
      search,
      cost_per_million_usd: cost,
      reconnect,
      targets: [],
      latency_samples: chat.samples,
    };
    result.targets = judge(result);
    result.settings.duration_s = Math.round((Date.now() - started) / 1000);
    write(result, opts.outDir, log);
    return result;
  } finally {
    if (cloud) {
      await stopLocalProcess(cloud);
      rmSync(cloud.dataDir, { recursive: true, force: true });
    }
  }
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export function write(result: BenchResult, dir: string, log: (line: string) => void): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, svg] of Object.entries(charts(result))) writeFileSync(join(dir, name), svg);
  const { latency_samples: _samples, ...kept } = result;
  const json = `${JSON.stringify(kept, null, 2)}\n`;
  writeFileSync(join(dir, `${result.timestamp.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.md'), markdown(result));
  log(`✓ results in ${dir} (latest.json, latest.md, *.svg)`);
}

if (require.main === module) {
  const opts = parseArgs(process.argv.slice(2));
  runBench(opts).then(
    (r) => {
      for (const t of r.targets) opts.log(`${t.met === null ? '–' : t.met ? '✓' : '✗'} ${t.name}: ${t.detail}`);
      process.exit(0);
    },
    (error: Error) => {
      process.stderr.write(`✗ bench failed: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
