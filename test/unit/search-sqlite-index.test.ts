import { ulid } from 'ulid';
import { indexChangeFor } from '../../lambdas/search/documents';
import { HIGHLIGHT, type IndexedMessage, type ResolvedQuery, type SearchOptions } from '../../lambdas/search/search-index';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { NARROW } from '../../lambdas/search/fts-sql';
import { SqliteSearchIndex, timeRowid } from '../../lambdas/search/sqlite-index';

const T0 = Date.UTC(2024, 2, 10, 12);
const base = (over: Partial<IndexedMessage>): IndexedMessage => {
  const ts = over.ts ?? ulid(over.sentAt ?? T0);
  return {
    teamId: 'T1', channelId: 'C1', ts, userId: 'U1', threadTs: ts, text: '', sentAt: T0,
    isThread: false, hasLink: false, hasReaction: false, ...over,
  };
};
const q = (over: Partial<ResolvedQuery>): ResolvedQuery => ({
  words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: ['C1', 'C2'],
  hasLink: false, hasReaction: false, isThread: false, ...over,
});
const opts: SearchOptions = { sort: 'score', sortDir: 'desc', highlight: false, limit: 20, offset: 0 };

describe('SqliteSearchIndex', () => {
  let index: SqliteSearchIndex;
  beforeEach(() => {
    index = SqliteSearchIndex.open(':memory:');
  });
  afterEach(() => index.close());
  const texts = (query: Partial<ResolvedQuery>, o: Partial<SearchOptions> = {}) => index.searchSync(q(query), { ...opts, ...o }).hits.map((h) => h.text);

  it('folds case and accents, and matches the last word as a prefix', () => {
    index.applySync([{ kind: 'upsert', message: base({ text: 'Le Café est OUVERT' }) }]);
    expect(texts({ words: ['cafe'] })).toEqual(['Le Café est OUVERT']);
    expect(texts({ words: ['CAFÉ', 'ouv'], prefixLast: true })).toHaveLength(1);
    expect(texts({ words: ['ouv'] })).toHaveLength(0);
  });

  it('ranks by bm25 and sorts by time on request', () => {
    const older = base({ text: 'deploy', sentAt: T0 - 1000 });
    const newer = base({ text: 'deploy notes about the deploy and more deploy', sentAt: T0 });
    index.applySync([{ kind: 'upsert', message: older }, { kind: 'upsert', message: newer }]);
    const ranked = index.searchSync(q({ words: ['deploy'] }), opts);
    expect(ranked.total).toBe(2);
    expect(ranked.hits[0].score).toBeGreaterThan(0);
    expect(texts({ words: ['deploy'] }, { sort: 'timestamp', sortDir: 'asc' })).toEqual([older.text, newer.text]);
    expect(texts({ words: ['deploy'] }, { sort: 'timestamp', sortDir: 'desc', limit: 1, offset: 1 })).toEqual([older.text]);
  });

  it('highlights matched words with Slack\'s markers', () => {
    index.applySync([{ kind: 'upsert', message: base({ text: 'ship the release' }) }]);
    expect(texts({ words: ['release'] }, { highlight: true })).toEqual([`ship the ${HIGHLIGHT.start}release${HIGHLIGHT.end}`]);
  });

  it('phrases, exclusions, authors, dates and flags narrow the hits', () => {
    index.applySync([
      { kind: 'upsert', message: base({ text: 'release notes ready', userId: 'U1' }) },
      { kind: 'upsert', message: base({ text: 'notes on the release', userId: 'U2', hasLink: true, hasReaction: true, isThread: true, sentAt: T0 - 86_400_000 }) },
    ]);
    expect(texts({ phrases: ['release notes'] })).toEqual(['release notes ready']);
    expect(texts({ words: ['release'], excluded: ['ready'] })).toEqual(['notes on the release']);
    expect(texts({ words: ['release'], userIds: ['U2'] })).toEqual(['notes on the release']);
    expect(texts({ words: ['release'], since: T0 - 1000 })).toEqual(['release notes ready']);
    expect(texts({ hasLink: true })).toEqual(['notes on the release']);
    expect(texts({ hasReaction: true, isThread: true })).toEqual(['notes on the release']);
  });

  it('never crosses the workspace or the readable conversations', () => {
    index.applySync([
      { kind: 'upsert', message: base({ text: 'secret plan', channelId: 'C9' }) },
      { kind: 'upsert', message: base({ text: 'secret plan', teamId: 'T2', channelId: 'C1' }) },
    ]);
    expect(texts({ words: ['secret'] })).toEqual([]);
    expect(texts({ words: ['secret'], channelIds: [] })).toEqual([]);
  });

  it('an edit replaces the text, a removal makes the message vanish', () => {
    const m = base({ text: 'first draft' });
    index.applySync([{ kind: 'upsert', message: m }, { kind: 'upsert', message: { ...m, text: 'final version', editedBy: 'U1', editedTs: 'E1' } }]);
    expect(texts({ words: ['draft'] })).toEqual([]);
    expect(index.searchSync(q({ words: ['final'] }), opts).hits[0]).toMatchObject({ editedBy: 'U1', editedTs: 'E1' });
    index.applySync([{ kind: 'remove', channelId: 'C1', ts: m.ts }]);
    expect(texts({ words: ['final'] })).toEqual([]);
    expect(index.stats().messages).toBe(0);
  });

  it('newest first is time order whatever order the stream delivered in, and messages sharing a rowid both stay', () => {
    const late = base({ text: 'status report', sentAt: T0 + 5000 });
    const early = base({ text: 'status check', sentAt: T0 });
    index.applySync([{ kind: 'upsert', message: late }, { kind: 'upsert', message: early }]);
    expect(texts({ words: ['status'] }, { sort: 'timestamp', sortDir: 'desc' })).toEqual(['status report', 'status check']);
    expect(texts({ words: ['status'] }, { sort: 'timestamp', sortDir: 'asc' })).toEqual(['status check', 'status report']);
    // Many in one millisecond in one channel: some share the hashed low bits, and take the next rowid.
    const burst = Array.from({ length: 1_000 }, (_, i) => base({ ts: ulid(T0 + 9000), text: `burst ${i}`, channelId: `C${i % 2 === 0 ? 1 : 2}` }));
    index.applySync(burst.map((message) => ({ kind: 'upsert', message })));
    expect(index.searchSync(q({ words: ['burst'] }), opts).total).toBe(1_000);
    expect(timeRowid('C1', early.ts)).toBeLessThan(timeRowid('C1', late.ts));
  });

  it('a narrow in: or from: is matched inside FTS5 and gives the same hits as the SQL filter', () => {
    const many = Array.from({ length: NARROW + 5 }, (_, i) => `C${i}`);
    index.applySync(many.flatMap((channelId, i) => [
      { kind: 'upsert' as const, message: base({ channelId, ts: ulid(T0 + i), text: 'release train', userId: i % 3 === 0 ? 'U3' : 'U1' }) },
    ]));
    const narrow = texts({ words: ['release'], channelIds: ['C3', 'C6'], userIds: ['U3'] });
    expect(narrow).toHaveLength(2);
    expect(index.searchSync(q({ words: ['release'], channelIds: many, userIds: ['U3'] }), opts).total).toBe(Math.ceil(many.length / 3));
    expect(texts({ words: ['train'], channelIds: ['C1'], userIds: ['U3'] })).toEqual([]);
  });

  it('counts as far as paging reaches, ranks the newest candidates, and pages beyond them', () => {
    index.applySync(Array.from({ length: 2_500 }, (_, i) => ({ kind: 'upsert' as const, message: base({ ts: ulid(T0 + i), text: i === 5 ? 'deploy deploy deploy deploy' : 'deploy once more' }) })));
    const first = index.searchSync(q({ words: ['deploy'] }), opts);
    // 100 pages of 20 is all that paging reaches: the total says so, not more.
    expect(first.total).toBe(2_000);
    expect(index.searchSync(q({ words: ['deploy'] }), { ...opts, limit: 100 }).total).toBe(2_500);
    // The strongest match is older than the newest 2,000: relevance ranks within those.
    expect(first.hits[0].text).toBe('deploy once more');
    const last = index.searchSync(q({ words: ['deploy'] }), { ...opts, limit: 100, offset: 2_400 });
    expect(last.hits).toHaveLength(100);
  });

  it('opens an index file of schema 1 and brings it to this schema with its messages searchable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-v1-'));
    const path = join(dir, 'messages.sqlite');
    const v1 = new DatabaseSync(path);
    v1.exec(`CREATE TABLE messages (rowid INTEGER PRIMARY KEY, team_id TEXT NOT NULL, channel_id TEXT NOT NULL, ts TEXT NOT NULL, user_id TEXT NOT NULL,
      thread_ts TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL, is_thread INTEGER NOT NULL, has_link INTEGER NOT NULL,
      has_reaction INTEGER NOT NULL, edited_by TEXT, edited_ts TEXT, UNIQUE (channel_id, ts));
      CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid');
      CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text); END;`);
    const old = base({ text: 'an old café note' });
    v1.prepare(`INSERT INTO messages (team_id, channel_id, ts, user_id, thread_ts, text, sent_at, is_thread, has_link, has_reaction) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0)`)
      .run(old.teamId, old.channelId, old.ts, old.userId, old.threadTs, old.text, old.sentAt);
    v1.close();
    const upgraded = SqliteSearchIndex.open(path);
    try {
      upgraded.applySync([{ kind: 'upsert', message: base({ ts: ulid(T0 + 1), text: 'a new cafe note' }) }]);
      expect(upgraded.searchSync(q({ words: ['cafe'], channelIds: ['C1'] }), { ...opts, sort: 'timestamp' }).hits.map((h) => h.text)).toEqual(['a new cafe note', 'an old café note']);
    } finally {
      upgraded.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reaction added and removed moves the message in and out of has:reaction, with and without words', () => {
    const m = base({ text: 'lunch poll' });
    index.applySync([{ kind: 'upsert', message: m }]);
    expect(texts({ hasReaction: true })).toEqual([]);
    index.applySync([{ kind: 'upsert', message: { ...m, hasReaction: true } }]);
    expect(texts({ hasReaction: true })).toEqual(['lunch poll']);
    expect(texts({ words: ['lunch'], hasReaction: true })).toEqual(['lunch poll']);
    index.applySync([{ kind: 'upsert', message: { ...m, hasReaction: false } }]);
    expect(texts({ words: ['poll'], hasReaction: true })).toEqual([]);
    expect(texts({ words: ['poll'] })).toEqual(['lunch poll']);
  });

  it('rolls a failing batch back whole', () => {
    const bad = { kind: 'upsert', message: { ...base({ text: 'x' }), teamId: null } } as unknown as Parameters<SqliteSearchIndex['applySync']>[0][number];
    expect(() => index.applySync([{ kind: 'upsert', message: base({ text: 'kept?' }) }, bad])).toThrow();
    expect(index.stats().messages).toBe(0);
  });
});

describe('indexChangeFor', () => {
  const msg = { __edb_e__: 'message', __edb_v__: '1', channelId: 'C1', ts: ulid(T0), threadTs: '', teamId: 'T1', userId: 'U1', text: 'see https://example.com', createdAt: T0 };
  msg.threadTs = msg.ts;

  it('indexes a message with its flags', () => {
    const change = indexChangeFor({ id: '1', kind: 'INSERT', newItem: { ...msg, reactions: { tada: new Set(['U2']) } } });
    expect(change).toMatchObject({ kind: 'upsert', message: { hasLink: true, hasReaction: true, isThread: false, sentAt: T0 } });
  });

  it('clears has_reaction when the last reaction goes, and marks replies and parents with replies as thread', () => {
    expect(indexChangeFor({ id: '2', kind: 'MODIFY', newItem: { ...msg, reactions: {} } })).toMatchObject({ message: { hasReaction: false } });
    expect(indexChangeFor({ id: '3', kind: 'MODIFY', newItem: { ...msg, replyCount: 1 } })).toMatchObject({ message: { isThread: true } });
    expect(indexChangeFor({ id: '4', kind: 'INSERT', newItem: { ...msg, ts: ulid(T0 + 1), threadTs: msg.ts } })).toMatchObject({ message: { isThread: true } });
  });

  it('removes deleted messages and tombstones, and ignores other items', () => {
    expect(indexChangeFor({ id: '5', kind: 'REMOVE', oldItem: msg })).toEqual({ kind: 'remove', channelId: 'C1', ts: msg.ts });
    expect(indexChangeFor({ id: '6', kind: 'MODIFY', oldItem: msg, newItem: { ...msg, deleted: true, text: '' } })).toEqual({ kind: 'remove', channelId: 'C1', ts: msg.ts });
    expect(indexChangeFor({ id: '7', kind: 'INSERT', newItem: { __edb_e__: 'membership', channelId: 'C1' } })).toBeUndefined();
  });

  it('refuses a message image without its workspace, author or time (a hand-written item), so the indexer skips it', () => {
    const { teamId: _t, createdAt: _c, ...partial } = msg;
    expect(() => indexChangeFor({ id: '8', kind: 'INSERT', newItem: partial })).toThrow(TypeError);
    expect(() => indexChangeFor({ id: '9', kind: 'INSERT', newItem: { ...msg, userId: 7 } })).toThrow(/userId/);
    expect(() => indexChangeFor({ id: '11', kind: 'INSERT', newItem: { ...msg, ts: 'POISON' } })).toThrow(TypeError);
    expect(indexChangeFor({ id: '10', kind: 'REMOVE', oldItem: partial })).toEqual({ kind: 'remove', channelId: 'C1', ts: msg.ts });
  });
});
