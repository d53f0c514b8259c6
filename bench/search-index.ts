import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { percentile } from './stats';
import type { IndexChange, ResolvedQuery } from '../lambdas/search/search-index';
import { SqliteSearchIndex } from '../lambdas/search/sqlite-index';

/*
 * The embedded search index alone, on this machine: N synthetic messages (Zipf-distributed words
 * over a 20,000-word vocabulary, 1,000 channels, 2,000 users) indexed in batches of 100 as the
 * stream indexer does, then p50/p95 latency of single words, phrases, prefixes and modifier
 * queries. `npx tsx bench/search-index.ts [N]` (default 200,000). Not part of `npm test`.
 */

const N = Number(process.argv[2] ?? 200_000);
const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const CHANNELS = Array.from({ length: 1_000 }, (_, i) => `C${String(i).padStart(6, '0')}`);

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
const start = Date.now() - N * 1000;
const t0 = performance.now();
for (let i = 0; i < N; i += 100) {
  const batch: IndexChange[] = [];
  for (let j = i; j < Math.min(N, i + 100); j++) {
    const sentAt = start + j * 1000;
    const ts = ulid(sentAt);
    const text = Array.from({ length: 4 + Math.floor(random() * 20) }, word).join(' ') + (j % 20 === 0 ? ' https://example.com/x' : '');
    batch.push({ kind: 'upsert', message: { teamId: 'T1', channelId: CHANNELS[j % CHANNELS.length], ts, userId: `U${j % 2000}`, threadTs: ts, text, sentAt, isThread: j % 10 === 0, hasLink: j % 20 === 0, hasReaction: j % 7 === 0 } });
  }
  index.applySync(batch);
}
const indexSeconds = (performance.now() - t0) / 1000;
const { bytes } = index.stats();

const readable = CHANNELS.slice(0, 300); // a member of 300 of the 1,000 channels, as a busy user might be
const base: ResolvedQuery = { words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: readable, hasLink: false, hasReaction: false, isThread: false };
const kinds: Record<string, () => ResolvedQuery> = {
  'common word': () => ({ ...base, words: [VOCABULARY[Math.floor(random() * 10)]] }),
  'rare word': () => ({ ...base, words: [VOCABULARY[1000 + Math.floor(random() * 10_000)]] }),
  'two words': () => ({ ...base, words: [word(), word()] }),
  phrase: () => ({ ...base, phrases: [`${VOCABULARY[Math.floor(random() * 50)]} ${VOCABULARY[Math.floor(random() * 50)]}`] }),
  'prefix as typed': () => ({ ...base, words: [word().slice(0, 3)], prefixLast: true }),
  'word from:user in:channel during:': () => ({ ...base, words: [word()], userIds: ['U7'], channelIds: [CHANNELS[7]], since: start, until: start + N * 500 }),
  'has:link, by time': () => ({ ...base, words: [word()], hasLink: true }),
};
console.log(`indexed ${N} messages in ${indexSeconds.toFixed(1)} s (${Math.round(N / indexSeconds)} msg/s, batches of 100); index file ${(bytes / 2 ** 20).toFixed(1)} MiB (${Math.round(bytes / N)} B/message)`);
for (const [name, make] of Object.entries(kinds)) {
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const q = make();
    const t = performance.now();
    index.searchSync(q, { sort: name.includes('by time') ? 'timestamp' : 'score', sortDir: 'desc', highlight: true, limit: 20, offset: 0 });
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(36)} p50 ${percentile(samples, 50).toFixed(1)} ms  p95 ${percentile(samples, 95).toFixed(1)} ms`);
}
index.close();
rmSync(dir, { recursive: true, force: true });
