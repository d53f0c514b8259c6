import { clearSnapshots, FRESH_MS, hotPage, type PageRequest } from '../../lambdas/core/hot-pages';
import { isChannelLevel } from '../../lambdas/core/channel-pages';
import { usePorts } from '../../lambdas/core/ports';
import type { ChatTable } from '../../lambdas/model/table';
import type { ChannelItem, MessageItem } from '../../lambdas/model/service';
import type { TsRange } from '../../lambdas/model/messages';
import { jsonBytes } from '../../lambdas/core/budgets';

/*
 * The hot channels' page snapshots with the table faked: which requests read nothing, which read
 * only the head, and that every answer equals what the table itself would give at that moment
 * (never older than the head the request names, or than the real head when it names none).
 */

const CHANNEL = { channelId: 'CHOT', teamId: 'T1', name: 'hot', kind: 'public', memberCount: 5000 } as unknown as ChannelItem;
const tsOf = (n: number) => `01HF${String(n).padStart(22, '0')}`;

/** What a stored message carries beyond its parsed fields (pk, sk, entity tags: ~100 bytes measured). */
const STORED_KEYS_BYTES = 100;

let messages: MessageItem[];
let reads: { head: number; page: number; consistentPages: number };
let now: number;

function post(n: number, extra: Partial<MessageItem> = {}): MessageItem {
  const ts = tsOf(n);
  const m = { channelId: CHANNEL.channelId, ts, threadTs: ts, teamId: 'T1', userId: 'UALICE', text: `m${n}`, ...extra } as MessageItem;
  messages.push(m);
  return m;
}

/** What the table holds for a page: newest first, up to `highest`, kept, at most `limit`. */
function tableAnswer(range: TsRange, limit: number, keep: (m: MessageItem) => boolean = () => true): MessageItem[] {
  return [...messages].sort((a, b) => (a.ts < b.ts ? 1 : -1)).filter((m) => (range.highest === undefined || m.ts <= range.highest) && keep(m)).slice(0, limit);
}

/** The page the uncached path would return for the same request: the truth each answer is held to. */
const truth = (r: PageRequest, head = messages.map((m) => m.ts).sort().at(-1)!) =>
  tableAnswer({ highest: r.highest === undefined || r.highest > head ? head : r.highest }, r.count, (m) => isChannelLevel(m) && (r.below === undefined || m.ts < r.below));

beforeEach(() => {
  messages = [];
  reads = { head: 0, page: 0, consistentPages: 0 };
  now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  clearSnapshots();
  const table = {
    messages: {
      headOf: async () => {
        reads.head++;
        return messages.map((m) => m.ts).sort().at(-1);
      },
      newestFirst: async (_c: string, range: TsRange, page: { limit: number; maxBytes?: number; consistent?: boolean; keep?: (m: MessageItem) => boolean }) => {
        reads.page++;
        if (page.consistent) reads.consistentPages++;
        // As the store counts it: the stored item's bytes (its keys and entity tags too), stopping past maxBytes.
        let bytes = 0;
        const kept: MessageItem[] = [];
        for (const m of tableAnswer(range, page.limit, page.keep)) {
          kept.push(m);
          if (page.maxBytes !== undefined && (bytes += jsonBytes(m) + STORED_KEYS_BYTES) > page.maxBytes) break;
        }
        return kept;
      },
    },
  };
  usePorts({ table: table as unknown as ChatTable, delivery: undefined as never });
});

afterEach(() => {
  usePorts(undefined);
  jest.restoreAllMocks();
});

test('a page that names a head the snapshot holds reads nothing; the first reads the page once, consistently', async () => {
  for (let n = 1; n <= 150; n++) post(n);
  const request = { highest: tsOf(150), count: 101 };
  expect(await hotPage(CHANNEL, request)).toEqual(truth(request));
  expect(reads).toEqual({ head: 1, page: 1, consistentPages: 1 });
  for (let i = 0; i < 50; i++) expect(await hotPage(CHANNEL, request)).toEqual(truth(request));
  // An older head, a smaller page, an exclusive bound: all from the same snapshot.
  for (const r of [{ highest: tsOf(120), count: 11 }, { highest: tsOf(150), below: tsOf(150), count: 100 }, { highest: tsOf(100), count: 51 }]) {
    expect(await hotPage(CHANNEL, r)).toEqual(truth(r));
  }
  expect(reads).toEqual({ head: 1, page: 1, consistentPages: 1 });
});

test('never older than the head: a newer head named, or a new post under a request that names none, reads a new snapshot', async () => {
  for (let n = 1; n <= 20; n++) post(n);
  await hotPage(CHANNEL, { highest: tsOf(20), count: 101 });
  post(21);
  // Naming the new head (from the live event): read again, and it is there.
  const named = await hotPage(CHANNEL, { highest: tsOf(21), count: 101 });
  expect(named[0].ts).toBe(tsOf(21));
  expect(reads.page).toBe(2);
  // Naming none: the head is read every time, the page only when the head moved.
  expect((await hotPage(CHANNEL, { count: 101 }))[0].ts).toBe(tsOf(21));
  expect(reads).toMatchObject({ head: 3, page: 2 });
  post(22);
  expect((await hotPage(CHANNEL, { count: 101 }))[0].ts).toBe(tsOf(22));
  expect(reads).toMatchObject({ head: 4, page: 3 });
});

test('a head named above the real one (a guess or a forgery) costs the head read, never another page read', async () => {
  for (let n = 1; n <= 30; n++) post(n);
  await hotPage(CHANNEL, { highest: tsOf(30), count: 101 });
  for (let i = 0; i < 5; i++) expect(await hotPage(CHANNEL, { highest: tsOf(999), count: 101 })).toEqual(truth({ highest: tsOf(30), count: 101 }));
  expect(reads).toEqual({ head: 6, page: 1, consistentPages: 1 });
});

test('thread replies stay out unless broadcast; a snapshot expires after FRESH_MS, so an edit shows within it', async () => {
  for (let n = 1; n <= 10; n++) post(n);
  post(11, { threadTs: tsOf(3) });
  post(12, { threadTs: tsOf(3), replyBroadcast: true });
  const request = { highest: tsOf(12), count: 101 };
  expect((await hotPage(CHANNEL, request)).map((m) => m.ts)).toEqual(truth(request).map((m) => m.ts));
  expect((await hotPage(CHANNEL, request)).map((m) => m.ts)).not.toContain(tsOf(11));
  messages[0] = { ...messages[0], text: 'edited' };
  now += FRESH_MS - 1;
  expect((await hotPage(CHANNEL, request)).find((m) => m.ts === tsOf(1))?.text).toBe('m1');
  now += 1;
  expect((await hotPage(CHANNEL, request)).find((m) => m.ts === tsOf(1))?.text).toBe('edited');
  expect(reads.page).toBe(2);
});

test('a bound below what a snapshot holds goes to the table; an empty channel answers nothing', async () => {
  expect(await hotPage(CHANNEL, { count: 101 })).toEqual([]);
  for (let n = 1; n <= 500; n++) post(n);
  await hotPage(CHANNEL, { highest: tsOf(500), count: 101 });
  // The snapshot holds the newest 101: a page ending at 250 needs 101 below it, which it does not hold.
  const deep = { highest: tsOf(250), count: 101 };
  expect(await hotPage(CHANNEL, deep)).toEqual(truth(deep));
  expect(reads.page).toBe(2);
  expect(reads.consistentPages).toBe(1);
});

test('a snapshot cut short by its byte budget never passes for the whole channel, even when its parsed messages fit', async () => {
  // 53 stored items pass 1 MB, their parsed fields do not: a read that stopped there has not reached the first message.
  const parsedBytes = 19_750;
  for (let n = 1; n <= 120; n++) {
    const m = post(n);
    m.text = 'x'.repeat(parsedBytes - jsonBytes(m) + m.text.length);
  }
  expect(jsonBytes(messages[0])).toBe(parsedBytes);
  const request = { highest: tsOf(120), count: 101 };
  expect(await hotPage(CHANNEL, request)).toEqual(truth(request));
  expect(reads).toMatchObject({ page: 2, consistentPages: 1 });
});

test('every answer equals the table\'s, over random requests and posts', async () => {
  let n = 0;
  for (let i = 0; i < 300; i++) {
    if (Math.random() < 0.3) post(++n, Math.random() < 0.2 && n > 1 ? { threadTs: tsOf(1 + Math.floor(Math.random() * (n - 1))) } : {});
    if (Math.random() < 0.05) now += FRESH_MS;
    if (n === 0) continue;
    const highest = Math.random() < 0.3 ? undefined : tsOf(1 + Math.floor(Math.random() * (n + 5)));
    const below = highest !== undefined && Math.random() < 0.3 ? highest : undefined;
    const request = { highest, below, count: 1 + Math.floor(Math.random() * 150) };
    expect(await hotPage(CHANNEL, request)).toEqual(truth(request));
  }
});
