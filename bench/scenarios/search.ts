import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { percentile } from '../stats';
import type { IndexChange, ResolvedQuery } from '../../lambdas/search/search-index';
import { SqliteSearchIndex } from '../../lambdas/search/sqlite-index';

/*
 * The embedded search index alone, in this process: N synthetic messages (Zipf-distributed words
 * over a 20,000-word vocabulary, 1,000 channels, 2,000 users) indexed in batches of 100 as the
 * stream indexer does, then p50/p95 latency of each kind of query for a reader of 300 channels,
 * and what indexing and querying would bill on AWS at the functions' configured memory.
 */

export interface SearchQueryRow {
  kind: string;
  p50_ms: number;
  p95_ms: number;
  /** Mean hits reported (total, capped as search.messages caps it). */
  mean_total: number;
}

export interface SearchBenchResult {
  messages: number;
  channels: number;
  index_seconds: number;
  index_msgs_per_s: number;
  /** Median time to apply one stream batch of 100 (what an indexer invocation spends). */
  batch_ms_p50: number;
  index_bytes: number;
  bytes_per_message: number;
  queries: SearchQueryRow[];
  /** The slowest kind's p95. */
  worst_p95_ms: number;
  cost_usd: { per_million_indexed: number; per_million_queries: number; storage_per_month_per_million: number; assumptions: string };
}

/** us-east-1 list prices (Lambda arm64, EFS Standard with Elastic throughput, HTTP API). */
const PRICE = { lambdaRequest: 0.2 / 1e6, lambdaGbSecond: 0.0000133334, httpRequest: 1.0 / 1e6, efsWritePerGb: 0.06, efsReadPerGb: 0.03, efsStoragePerGbMonth: 0.3 };
/** lib/search.ts: the indexer's and the search function's memory. */
const MEMORY_GB = { indexer: 0.5, search: 1 };
/** Pages a query reads from EFS when the function's page cache is cold (SQLite's 4 KiB pages; an estimate, not a measurement). */
const COLD_PAGES_PER_QUERY = 64;

const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const CHANNELS = Array.from({ length: 1_000 }, (_, i) => `C${String(i).padStart(6, '0')}`);

export function runSearchBench(n: number, log: (line: string) => void, samplesPerKind = 200): SearchBenchResult {
  // Zipf(1): the k-th word is drawn with weight 1/k, so a few words are everywhere, most are rare.
  const cumulative: number[] = [];
  VOCABULARY.reduce((sum, _, k) => (cumulative.push(sum + 1 / (k + 1)), sum + 1 / (k + 1)), 0);
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const word = () => {
    const r = random() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return VOCABULARY[lo];
  };

  const dir = mkdtempSync(join(tmpdir(), 'search-bench-'));
  const index = SqliteSearchIndex.open(join(dir, 'messages.sqlite'));
  try {
    const start = Date.now() - n * 1000;
    const batchTimes: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i += 100) {
      const batch: IndexChange[] = [];
      for (let j = i; j < Math.min(n, i + 100); j++) {
        const sentAt = start + j * 1000;
        const ts = ulid(sentAt);
        const text = Array.from({ length: 4 + Math.floor(random() * 20) }, word).join(' ') + (j % 20 === 0 ? ' https://example.com/x' : '');
        batch.push({ kind: 'upsert', message: { teamId: 'T1', channelId: CHANNELS[j % CHANNELS.length], ts, userId: `U${j % 2000}`, threadTs: ts, text, sentAt, isThread: j % 10 === 0, hasLink: j % 20 === 0, hasReaction: j % 7 === 0 } });
      }
      const b = performance.now();
      index.applySync(batch);
      batchTimes.push(performance.now() - b);
      if (i > 0 && i % 100_000 === 0) log(`  indexed ${i.toLocaleString('en-US')} (${Math.round(i / ((performance.now() - t0) / 1000))} msg/s)`);
    }
    const indexSeconds = (performance.now() - t0) / 1000;
    const { bytes } = index.stats();
    batchTimes.sort((a, b) => a - b);

    const readable = CHANNELS.slice(0, 300); // a member of 300 of the 1,000 channels, as a busy user might be
    const base: ResolvedQuery = { words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: readable, hasLink: false, hasReaction: false, isThread: false };
    const kinds: Record<string, () => ResolvedQuery> = {
      'common word': () => ({ ...base, words: [VOCABULARY[Math.floor(random() * 10)]] }),
      'rare word': () => ({ ...base, words: [VOCABULARY[1000 + Math.floor(random() * 10_000)]] }),
      'two words': () => ({ ...base, words: [word(), word()] }),
      phrase: () => ({ ...base, phrases: [`${VOCABULARY[Math.floor(random() * 50)]} ${VOCABULARY[Math.floor(random() * 50)]}`] }),
      'word -word': () => ({ ...base, words: [word()], excluded: [VOCABULARY[Math.floor(random() * 10)]] }),
      'prefix as typed': () => ({ ...base, words: [word().slice(0, 3)], prefixLast: true }),
      'word from:user in:channel during:': () => ({ ...base, words: [word()], userIds: ['U7'], channelIds: [CHANNELS[7]], since: start, until: start + n * 500 }),
      'common word in:channel': () => ({ ...base, words: [VOCABULARY[Math.floor(random() * 10)]], channelIds: [CHANNELS[Math.floor(random() * 300)]] }),
      'has:link, by time': () => ({ ...base, words: [word()], hasLink: true }),
      'has:reaction is:thread, no words': () => ({ ...base, hasReaction: true, isThread: true }),
    };
    const queries: SearchQueryRow[] = [];
    const allSamples: number[] = [];
    for (const [kind, make] of Object.entries(kinds)) {
      const samples: number[] = [];
      let totals = 0;
      for (let i = 0; i < samplesPerKind; i++) {
        const q = make();
        const t = performance.now();
        const page = index.searchSync(q, { sort: kind.includes('by time') ? 'timestamp' : 'score', sortDir: 'desc', highlight: true, limit: 20, offset: 0 });
        samples.push(performance.now() - t);
        totals += page.total;
      }
      samples.sort((a, b) => a - b);
      allSamples.push(...samples);
      queries.push({ kind, p50_ms: round1(percentile(samples, 50)), p95_ms: round1(percentile(samples, 95)), mean_total: Math.round(totals / samplesPerKind) });
    }
    allSamples.sort((a, b) => a - b);

    const batchMs = percentile(batchTimes, 50);
    const perMillionIndexed = (1e6 / 100) * (PRICE.lambdaRequest + (batchMs / 1000) * MEMORY_GB.indexer * PRICE.lambdaGbSecond) + (bytes / n) * 1e6 / 2 ** 30 * PRICE.efsWritePerGb * 2;
    const queryMs = percentile(allSamples, 50);
    const perMillionQueries = 1e6 * (PRICE.httpRequest + PRICE.lambdaRequest + (queryMs / 1000) * MEMORY_GB.search * PRICE.lambdaGbSecond + (COLD_PAGES_PER_QUERY * 4096) / 2 ** 30 * PRICE.efsReadPerGb);
    const result: SearchBenchResult = {
      messages: n,
      channels: CHANNELS.length,
      index_seconds: round1(indexSeconds),
      index_msgs_per_s: Math.round(n / indexSeconds),
      batch_ms_p50: round1(batchMs),
      index_bytes: bytes,
      bytes_per_message: Math.round(bytes / n),
      queries,
      worst_p95_ms: Math.max(...queries.map((q) => q.p95_ms)),
      cost_usd: {
        per_million_indexed: round3(perMillionIndexed),
        per_million_queries: round3(perMillionQueries),
        storage_per_month_per_million: round3((bytes / n) * 1e6 / 2 ** 30 * PRICE.efsStoragePerGbMonth),
        assumptions: `indexer: one invocation per 100 records at the measured ${round1(batchMs)} ms per batch, ${MEMORY_GB.indexer * 1024} MB; EFS writes counted as twice the index growth (rollback journal); query: HTTP API + one ${MEMORY_GB.search * 1024} MB invocation at the measured median ${round1(queryMs)} ms + ${COLD_PAGES_PER_QUERY} cold 4 KiB pages read from EFS (an estimate); us-east-1 prices`,
      },
    };
    return result;
  } finally {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The report's lines for this result. */
export function searchLines(s: SearchBenchResult): string[] {
  const lines = [
    `${s.messages.toLocaleString('en-US')} messages across ${s.channels} channels, indexed in ${s.index_seconds} s (**${s.index_msgs_per_s} msg/s** in batches of 100, ${s.batch_ms_p50} ms a batch); index file ${(s.index_bytes / 2 ** 20).toFixed(1)} MiB (${s.bytes_per_message} B/message).`,
    '',
    '| query (reader of 300 channels, highlight on, 20 a page) | p50 ms | p95 ms | mean total |',
    '| --- | ---: | ---: | ---: |',
    ...s.queries.map((q) => `| ${q.kind} | ${q.p50_ms} | ${q.p95_ms} | ${q.mean_total} |`),
    '',
    `AWS cost: **$${s.cost_usd.per_million_indexed} per million messages indexed**, **$${s.cost_usd.per_million_queries} per million queries**, storage $${s.cost_usd.storage_per_month_per_million} a month per million messages held (${s.cost_usd.assumptions}).`,
  ];
  return lines;
}
