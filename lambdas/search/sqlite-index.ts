import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { buildSearchSql } from './fts-sql';
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

const SCHEMA = `
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
  UNIQUE (channel_id, ts)
);
CREATE INDEX IF NOT EXISTS messages_by_channel_time ON messages (channel_id, sent_at);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_au AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;
`;

const UPSERT = `
INSERT INTO messages (team_id, channel_id, ts, user_id, thread_ts, text, sent_at, is_thread, has_link, has_reaction, edited_by, edited_ts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (channel_id, ts) DO UPDATE SET
  text = excluded.text, is_thread = excluded.is_thread, has_link = excluded.has_link, has_reaction = excluded.has_reaction,
  edited_by = excluded.edited_by, edited_ts = excluded.edited_ts
`;

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
    db.exec(SCHEMA);
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
    this.upsert.run(
      m.teamId, m.channelId, m.ts, m.userId, m.threadTs, m.text, m.sentAt,
      bit(m.isThread), bit(m.hasLink), bit(m.hasReaction), m.editedBy ?? null, m.editedTs ?? null,
    );
  }

  async search(query: ResolvedQuery, options: SearchOptions): Promise<SearchPage> {
    return this.searchSync(query, options);
  }

  searchSync(query: ResolvedQuery, options: SearchOptions): SearchPage {
    if (query.channelIds.length === 0 || (query.userIds !== undefined && query.userIds.length === 0)) return { total: 0, hits: [] };
    const sql = buildSearchSql(query, options);
    const counted = this.db.prepare(sql.count).get(...sql.params) as { total: number } | undefined;
    const rows = this.db.prepare(sql.select).all(...sql.params, ...sql.page) as Array<Record<string, unknown>>;
    const hits: SearchHit[] = rows.map((r) => ({
      channelId: String(r.channel_id),
      ts: String(r.ts),
      userId: String(r.user_id),
      threadTs: String(r.thread_ts),
      text: String(r.text),
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
