import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { decodeTime } from 'ulid';
import { buildSearchSql, ROWIDS_PER_MS } from './fts-sql';
import type { IndexChange, IndexedMessage, ResolvedQuery, SearchHit, SearchIndex, SearchOptions, SearchPage } from './search-index';

/*
 * The embedded search engine: one SQLite file with an FTS5 index (Node 22's node:sqlite, no
 * dependency). The stream indexer is its one writer; search functions read it. In AWS the file
 * lives on EFS, so the journal is SQLite's rollback journal (WAL needs shared memory, which a
 * network file system does not give); readers wait out a writer's short commit (busy_timeout).
 *
 * `messages` holds what the filters need; `messages_fts` indexes its text as an external-content
 * FTS5 table kept in step by triggers. unicode61 with remove_diacritics folds case and accents
 * ("Café" finds "cafe"); the 2- and 3-character prefix indexes keep "wor*" cheap.
 */

/** Bumped when the schema changes; an older file is migrated in place on open (migrate()). */
const SCHEMA_VERSION = 2;

/** has:link, has:reaction and is:thread as tokens, so FTS5 intersects them with the words (fts-sql.ts FLAG_TOKENS). */
const FLAGS_COLUMN = `flags TEXT GENERATED ALWAYS AS (trim(iif(has_link, 'haslink ', '') || iif(has_reaction, 'hasreaction ', '') || iif(is_thread, 'isthread', ''))) VIRTUAL`;

const TABLE = `
CREATE TABLE IF NOT EXISTS messages (
  rowid INTEGER PRIMARY KEY,
  team_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_ts TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  is_thread INTEGER NOT NULL,
  has_link INTEGER NOT NULL,
  has_reaction INTEGER NOT NULL,
  edited_by TEXT,
  edited_ts TEXT,
  ${FLAGS_COLUMN},
  UNIQUE (channel_id, ts)
);
CREATE INDEX IF NOT EXISTS messages_by_channel ON messages (channel_id);
`;

// The conversation, the author and the flags are indexed too, so a narrow in: or from: and has:/is:
// are FTS5 posting lists intersected with the words' (fts-sql.ts); bm25 weighs the text column alone.
const FTS = `
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  text, channel_id, user_id, flags, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text, channel_id, user_id, flags) VALUES (new.rowid, new.text, new.channel_id, new.user_id, new.flags);
END;
CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text, channel_id, user_id, flags) VALUES ('delete', old.rowid, old.text, old.channel_id, old.user_id, old.flags);
END;
CREATE TRIGGER IF NOT EXISTS messages_au AFTER UPDATE OF text, has_link, has_reaction, is_thread ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text, channel_id, user_id, flags) VALUES ('delete', old.rowid, old.text, old.channel_id, old.user_id, old.flags);
  INSERT INTO messages_fts (rowid, text, channel_id, user_id, flags) VALUES (new.rowid, new.text, new.channel_id, new.user_id, new.flags);
END;
`;

const UPSERT = `
INSERT INTO messages (rowid, team_id, channel_id, ts, user_id, thread_ts, text, sent_at, is_thread, has_link, has_reaction, edited_by, edited_ts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (channel_id, ts) DO UPDATE SET
  text = excluded.text, is_thread = excluded.is_thread, has_link = excluded.has_link, has_reaction = excluded.has_reaction,
  edited_by = excluded.edited_by, edited_ts = excluded.edited_ts
`;


/**
 * A message's rowid: its ts's time in milliseconds, then 15 bits from its coordinates. Rowid order is
 * then time order, which FTS5 walks natively (newest first, stopping at the page) whatever order the
 * stream delivered in. Fits a signed 64-bit integer for every ULID time (< 2^48 ms).
 */
export function timeRowid(channelId: string, ts: string): bigint {
  let h = 0x811c9dc5; // FNV-1a over the coordinates
  for (const c of `${channelId}/${ts}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return BigInt(decodeTime(ts)) * ROWIDS_PER_MS + (BigInt(h) % ROWIDS_PER_MS);
}

/** SQLite's extended result code for a taken rowid (SQLITE_CONSTRAINT_PRIMARYKEY). */
const ROWID_TAKEN = 1555;

const bit = (b: boolean) => (b ? 1 : 0);
const optional = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

export class SqliteSearchIndex implements SearchIndex {
  private readonly upsert: StatementSync;
  private readonly remove: StatementSync;

  private constructor(private readonly db: DatabaseSync, readonly path: string) {
    this.upsert = db.prepare(UPSERT);
    this.remove = db.prepare('DELETE FROM messages WHERE channel_id = ? AND ts = ?');
  }

  /** Opens (and on first use creates) the index file. */
  static open(path: string): SqliteSearchIndex {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = DELETE');
    db.exec('PRAGMA synchronous = NORMAL');
    migrate(db);
    return new SqliteSearchIndex(db, path);
  }

  async apply(changes: IndexChange[]): Promise<void> {
    this.applySync(changes);
  }

  /** All the changes in one transaction: one lock and one sync for a whole stream batch. */
  applySync(changes: IndexChange[]): void {
    if (changes.length === 0) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const change of changes) {
        if (change.kind === 'remove') this.remove.run(change.channelId, change.ts);
        else this.write(change.message);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private write(m: IndexedMessage): void {
    const values = [
      m.teamId, m.channelId, m.ts, m.userId, m.threadTs, m.text, m.sentAt,
      bit(m.isThread), bit(m.hasLink), bit(m.hasReaction), m.editedBy ?? null, m.editedTs ?? null,
    ] as const;
    // Another message holding the same rowid (1 in 32,768 within one millisecond): take the next one.
    for (let rowid = timeRowid(m.channelId, m.ts), tries = 0; ; rowid++, tries++) {
      try {
        this.upsert.run(rowid, ...values);
        return;
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== ROWID_TAKEN || tries >= 64) throw error;
      }
    }
  }

  async search(query: ResolvedQuery, options: SearchOptions): Promise<SearchPage> {
    return this.searchSync(query, options);
  }

  searchSync(query: ResolvedQuery, options: SearchOptions): SearchPage {
    if (query.channelIds.length === 0 || (query.userIds !== undefined && query.userIds.length === 0)) return { total: 0, hits: [] };
    const sql = buildSearchSql(query, options);
    const counted = this.db.prepare(sql.count).get(...sql.params) as { total: number } | undefined;
    // Rowids exceed 2^53 (timeRowid): read as BigInt, passed on as text.
    const select = this.db.prepare(sql.select);
    select.setReadBigInts(true);
    const rows = select.all(...sql.params, ...sql.page) as Array<Record<string, unknown>>;
    const highlighted = new Map<string, string>();
    if (sql.highlight && rows.length > 0) {
      const marked = this.db.prepare(sql.highlight);
      marked.setReadBigInts(true);
      for (const r of marked.all(sql.highlightMatch!, `[${rows.map((r) => String(r.id)).join(',')}]`) as Array<{ id: bigint; text: string }>) highlighted.set(String(r.id), r.text);
    }
    const hits: SearchHit[] = rows.map((r) => ({
      channelId: String(r.channel_id),
      ts: String(r.ts),
      userId: String(r.user_id),
      threadTs: String(r.thread_ts),
      text: highlighted.get(String(r.id)) ?? String(r.text),
      score: Number(r.score),
      hasReaction: Number(r.has_reaction) === 1,
      editedBy: optional(r.edited_by),
      editedTs: optional(r.edited_ts),
    }));
    return { total: Number(counted?.total ?? 0), hits };
  }

  /** Messages held and the file's size, for the benchmark and the README. */
  stats(): { messages: number; bytes: number } {
    const row = this.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    return { messages: Number(row.n), bytes: this.path === ':memory:' ? 0 : statSync(this.path).size };
  }

  close(): void {
    this.db.close();
  }
}

/** Creates the schema, or brings an older file's to this version (the FTS index rebuilt from the messages it holds). */
function migrate(db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (version === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(TABLE);
    // Version 1 indexed the text alone and had no flags; its rows keep their rowids (older than any new one).
    const columns = db.prepare('SELECT name FROM pragma_table_xinfo(\'messages\')').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'flags')) db.exec(`ALTER TABLE messages ADD COLUMN ${FLAGS_COLUMN}`);
    db.exec('DROP INDEX IF EXISTS messages_by_channel_time; DROP TRIGGER IF EXISTS messages_ai; DROP TRIGGER IF EXISTS messages_ad; DROP TRIGGER IF EXISTS messages_au; DROP TABLE IF EXISTS messages_fts;');
    db.exec(FTS);
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
