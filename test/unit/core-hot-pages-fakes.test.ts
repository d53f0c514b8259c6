import { clearSnapshots, currentSnapshot, FRESH_MS, hotPage, MAX_AGE_MS, noteChange, type PageRequest } from '../../lambdas/core/hot-pages';
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
/** Head reads from a replica (the checks of a held snapshot). */
let eventualHeads: number;
let now: number;
/** The head's change count (`noteChange` adds one) and last removal. */
let changes: number;
let removedAt: number;

/** A page as conversations.history asks it: the snapshot this instance trusts now, then the page. */
const hotRead = async (request: PageRequest) => hotPage(CHANNEL, request, await currentSnapshot(CHANNEL.channelId));

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
  changes = 0;
  removedAt = 0;
  eventualHeads = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  clearSnapshots();
  const table = {
    messages: {
      headStateOf: async (_c: string, consistent = true) => {
        reads.head++;
        if (!consistent) eventualHeads++;
        const lastTs = messages.map((m) => m.ts).sort().at(-1);
        return lastTs === undefined ? undefined : { lastTs, changes, removedAt };
      },
      markChanged: async () => {
        changes++;
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
  expect(await hotRead(request)).toEqual(truth(request));
  expect(reads).toEqual({ head: 1, page: 1, consistentPages: 1 });
  for (let i = 0; i < 50; i++) expect(await hotRead(request)).toEqual(truth(request));
  // An older head, a smaller page, an exclusive bound: all from the same snapshot.
  for (const r of [{ highest: tsOf(120), count: 11 }, { highest: tsOf(150), below: tsOf(150), count: 100 }, { highest: tsOf(100), count: 51 }]) {
    expect(await hotRead(r)).toEqual(truth(r));
  }
  expect(reads).toEqual({ head: 1, page: 1, consistentPages: 1 });
});

test('never older than the head: a newer head named, or a new post under a request that names none, reads a new snapshot', async () => {
  for (let n = 1; n <= 20; n++) post(n);
  await hotRead({ highest: tsOf(20), count: 101 });
  post(21);
  // Naming the new head (from the live event): read again, and it is there.
  const named = await hotRead({ highest: tsOf(21), count: 101 });
  expect(named[0].ts).toBe(tsOf(21));
  expect(reads.page).toBe(2);
  // Naming none: the head is read every time, the page only when the head moved.
  expect((await hotRead({ count: 101 }))[0].ts).toBe(tsOf(21));
  expect(reads).toMatchObject({ head: 3, page: 2 });
  post(22);
  expect((await hotRead({ count: 101 }))[0].ts).toBe(tsOf(22));
  expect(reads).toMatchObject({ head: 4, page: 3 });
});

test('a head named above the real one (a guess or a forgery) costs the head read, never another page read', async () => {
  for (let n = 1; n <= 30; n++) post(n);
  await hotRead({ highest: tsOf(30), count: 101 });
  for (let i = 0; i < 5; i++) expect(await hotRead({ highest: tsOf(999), count: 101 })).toEqual(truth({ highest: tsOf(30), count: 101 }));
  expect(reads).toEqual({ head: 6, page: 1, consistentPages: 1 });
});

test('thread replies stay out unless broadcast; an edit counted on the head shows once the snapshot is checked again', async () => {
  for (let n = 1; n <= 10; n++) post(n);
  post(11, { threadTs: tsOf(3) });
  post(12, { threadTs: tsOf(3), replyBroadcast: true });
  const request = { highest: tsOf(12), count: 101 };
  expect((await hotRead(request)).map((m) => m.ts)).toEqual(truth(request).map((m) => m.ts));
  expect((await hotRead(request)).map((m) => m.ts)).not.toContain(tsOf(11));
  messages[0] = { ...messages[0], text: 'edited' };
  await noteChange(CHANNEL);
  now += FRESH_MS - 1;
  expect((await hotRead(request)).find((m) => m.ts === tsOf(1))?.text).toBe('m1');
  now += 1;
  expect((await hotRead(request)).find((m) => m.ts === tsOf(1))?.text).toBe('edited');
  expect(reads).toMatchObject({ page: 2 });
});

test('an unchanged snapshot is checked with one head read a second, and its page read again only after MAX_AGE_MS', async () => {
  for (let n = 1; n <= 150; n++) post(n);
  const request = { highest: tsOf(150), count: 101 };
  await hotRead(request);
  for (let t = FRESH_MS; t < MAX_AGE_MS; t += FRESH_MS) {
    now += FRESH_MS;
    for (let i = 0; i < 10; i++) expect(await hotRead(request)).toEqual(truth(request));
  }
  expect(reads).toEqual({ head: MAX_AGE_MS / FRESH_MS, page: 1, consistentPages: 1 });
  // The first head read came before the page, consistently; the checks are a replica's (half a unit).
  expect(eventualHeads).toBe(MAX_AGE_MS / FRESH_MS - 1);
  // A change whose count was never written (its function died in between) lasts MAX_AGE_MS at most.
  messages[149] = { ...messages[149], text: 'edited, not counted' };
  now += FRESH_MS;
  expect((await hotRead(request))[0].text).toBe('edited, not counted');
  expect(reads.page).toBe(2);
});

test('the last removal travels with the snapshot: read with it, renewed at each check', async () => {
  for (let n = 1; n <= 5; n++) post(n);
  await hotRead({ highest: tsOf(5), count: 101 });
  expect((await currentSnapshot(CHANNEL.channelId))?.removedAt).toBe(0);
  removedAt = now;
  expect((await currentSnapshot(CHANNEL.channelId))?.removedAt).toBe(0);
  now += FRESH_MS;
  expect((await currentSnapshot(CHANNEL.channelId))?.removedAt).toBe(removedAt);
  expect(reads.page).toBe(1);
});

test('only large channels count their changes', async () => {
  await noteChange({ ...CHANNEL, memberCount: 10 });
  expect(changes).toBe(0);
  await noteChange(CHANNEL);
  expect(changes).toBe(1);
});

test('a bound below what a snapshot holds goes to the table; an empty channel answers nothing', async () => {
  expect(await hotRead({ count: 101 })).toEqual([]);
  for (let n = 1; n <= 500; n++) post(n);
  await hotRead({ highest: tsOf(500), count: 101 });
  // The snapshot holds the newest 101: a page ending at 250 needs 101 below it, which it does not hold.
  const deep = { highest: tsOf(250), count: 101 };
  expect(await hotRead(deep)).toEqual(truth(deep));
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
  expect(await hotRead(request)).toEqual(truth(request));
  expect(reads).toMatchObject({ page: 2, consistentPages: 1 });
});

test('every answer equals the table\'s, over random requests and posts', async () => {
  let n = 0;
  for (let i = 0; i < 300; i++) {
    if (Math.random() < 0.3) post(++n, Math.random() < 0.2 && n > 1 ? { threadTs: tsOf(1 + Math.floor(Math.random() * (n - 1))) } : {});
    if (Math.random() < 0.05) now += FRESH_MS;
    if (n > 0 && Math.random() < 0.1) {
      const at = Math.floor(Math.random() * messages.length);
      messages[at] = { ...messages[at], text: `edit ${i}` };
      await noteChange(CHANNEL);
      // An edit may show up to FRESH_MS late.
      now += FRESH_MS;
    }
    if (n === 0) continue;
    const highest = Math.random() < 0.3 ? undefined : tsOf(1 + Math.floor(Math.random() * (n + 5)));
    const below = highest !== undefined && Math.random() < 0.3 ? highest : undefined;
    const request = { highest, below, count: 1 + Math.floor(Math.random() * 150) };
    expect(await hotRead(request)).toEqual(truth(request));
  }
});
