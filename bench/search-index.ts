import { runSearchBench, searchLines } from './scenarios/search';

/*
 * The search index benchmark on its own: `npx tsx bench/search-index.ts [N]` (default 1,000,000).
 * `npm run bench` runs the same scenario (1,000,000 messages; 100,000 with --quick).
 */
const n = Number(process.argv[2] ?? 1_000_000);
const result = runSearchBench(n, (line) => console.log(line));
for (const line of searchLines(result)) console.log(line);
