import { HIGHLIGHT, type ResolvedQuery, type SearchOptions } from './search-index';

/** A character as an SQL expression: the highlight markers are constants, not parameters. */
const sqlChar = (c: string) => `char(${c.codePointAt(0)})`;

/*
 * The SQL for one search over the FTS5 schema of sqlite-index.ts. Pure, so the unit tests can read
 * what a query becomes. Every user string travels as a bound parameter; the FTS5 expression quotes
 * each term as an FTS5 string (a phrase of the tokens the tokenizer finds in it), so no typed
 * character can be FTS5 syntax.
 */

export type SqlValue = string | number;

export interface SearchSql {
  /** The page of hits. */
  select: string;
  /** The number of all hits. */
  count: string;
  params: SqlValue[];
  /** `select` binds `params` then these two: limit and offset. */
  page: [number, number];
}

/** One term as an FTS5 string: `"…"`, quotes doubled. */
export const ftsString = (term: string) => `"${term.replace(/"/g, '""')}"`;

/** The FTS5 expression every hit must match, or undefined when the query has no words. */
export function matchExpression(q: Pick<ResolvedQuery, 'words' | 'phrases' | 'prefixLast'>): string | undefined {
  const words = q.words.map((w, i) => ftsString(w) + (q.prefixLast && i === q.words.length - 1 ? '*' : ''));
  const terms = [...words, ...q.phrases.map(ftsString)];
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

/** The FTS5 expression a hit must not match (any excluded term). */
export function exclusionExpression(q: Pick<ResolvedQuery, 'excluded'>): string | undefined {
  return q.excluded.length > 0 ? q.excluded.map(ftsString).join(' OR ') : undefined;
}

export function buildSearchSql(q: ResolvedQuery, options: SearchOptions): SearchSql {
  const match = matchExpression(q);
  const exclude = exclusionExpression(q);
  const where: string[] = ['m.team_id = ?', 'm.channel_id IN (SELECT value FROM json_each(?))'];
  const params: SqlValue[] = [q.teamId, JSON.stringify(q.channelIds)];
  if (match !== undefined) {
    where.unshift('messages_fts MATCH ?');
    params.unshift(match);
  }
  if (q.userIds !== undefined) {
    where.push('m.user_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.userIds));
  }
  if (q.since !== undefined) {
    where.push('m.sent_at >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('m.sent_at < ?');
    params.push(q.until);
  }
  if (q.hasLink) where.push('m.has_link = 1');
  if (q.hasReaction) where.push('m.has_reaction = 1');
  if (q.isThread) where.push('m.is_thread = 1');
  if (exclude !== undefined) {
    where.push('m.rowid NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
    params.push(exclude);
  }

  const from = match !== undefined ? 'messages_fts JOIN messages m ON m.rowid = messages_fts.rowid' : 'messages m';
  const dir = options.sortDir === 'asc' ? 'ASC' : 'DESC';
  // bm25() is lower for better matches; Slack's score is higher for better ones.
  const score = match !== undefined ? '-bm25(messages_fts)' : '0';
  const order = options.sort === 'score' && match !== undefined ? `score ${dir}, m.ts DESC` : `m.ts ${dir}`;
  const text = match !== undefined && options.highlight ? `highlight(messages_fts, 0, ${sqlChar(HIGHLIGHT.start)}, ${sqlChar(HIGHLIGHT.end)})` : 'm.text';
  const columns = 'm.channel_id, m.ts, m.user_id, m.thread_ts, m.has_reaction, m.edited_by, m.edited_ts';
  const conditions = where.join(' AND ');
  return {
    select: `SELECT ${text} AS text, ${columns}, ${score} AS score FROM ${from} WHERE ${conditions} ORDER BY ${order} LIMIT ? OFFSET ?`,
    count: `SELECT count(*) AS total FROM ${from} WHERE ${conditions}`,
    params,
    page: [options.limit, options.offset],
  };
}
