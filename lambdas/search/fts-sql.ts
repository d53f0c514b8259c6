import { HIGHLIGHT, MAX_PAGE, type ResolvedQuery, type SearchOptions } from './search-index';

/** A character as an SQL expression: the highlight markers are constants, not parameters. */
const sqlChar = (c: string) => `char(${c.codePointAt(0)})`;

/*
 * The SQL for one search over the FTS5 schema of sqlite-index.ts. Pure, so the unit tests can read
 * what a query becomes. Every user string travels as a bound parameter; the FTS5 expression quotes
 * each term as an FTS5 string (a phrase of the tokens the tokenizer finds in it), so no typed
 * character can be FTS5 syntax.
 *
 * Bounded work at any index size (README: Search). The rowid is the message's time (timeRowid), so
 * newest-first is FTS5's own rowid order and stops at the page, and dates are rowid ranges. The
 * words, a narrow in: or from:, and the has:/is: flags are all terms of one FTS5 expression, whose
 * posting lists FTS5 intersects instead of reading every message that has one of them. Relevance
 * ranks the newest RANKED_CANDIDATES matches with bm25; totals are counted as far as Slack's paging
 * can reach (100 pages of the page size asked for, so 2,000 at the default 20).
 */

export type SqlValue = string | number | bigint;

/** The newest matches that relevance sorting ranks (more when the page asked for lies beyond). */
export const RANKED_CANDIDATES = 2_000;
/** Totals are exact up to what MAX_PAGE pages of the page size can show, and say that many beyond. */
export const totalCap = (limit: number) => MAX_PAGE * limit;
/** Up to this many conversations or authors are matched inside the FTS5 expression. */
export const NARROW = 20;
/** Rowids per millisecond (sqlite-index.ts timeRowid). */
export const ROWIDS_PER_MS = 2n ** 15n;
/** The flags column's tokens. */
export const FLAG_TOKENS = { hasLink: 'haslink', hasReaction: 'hasreaction', isThread: 'isthread' } as const;

export interface SearchSql {
  /** The page of hits: binds `params` then `page`. */
  select: string;
  /** min(hits, totalCap(limit)): binds `params`. */
  count: string;
  params: SqlValue[];
  /** limit and offset. */
  page: [number, number];
  /** The page's text with Slack's markers: binds `highlightMatch`, then the page's rowids as JSON. */
  highlight?: string;
  highlightMatch?: string;
}

/** One term as an FTS5 string: `"…"`, quotes doubled. */
export const ftsString = (term: string) => `"${term.replace(/"/g, '""')}"`;

/** The words and phrases a hit's text must contain, or undefined when the query has none. */
export function textExpression(q: Pick<ResolvedQuery, 'words' | 'phrases' | 'prefixLast'>): string | undefined {
  const words = q.words.map((w, i) => ftsString(w) + (q.prefixLast && i === q.words.length - 1 ? '*' : ''));
  const terms = [...words, ...q.phrases.map(ftsString)];
  return terms.length > 0 ? `text : (${terms.join(' AND ')})` : undefined;
}

/** The text a hit must not contain (any excluded term). */
export function exclusionExpression(q: Pick<ResolvedQuery, 'excluded'>): string | undefined {
  return q.excluded.length > 0 ? `text : (${q.excluded.map(ftsString).join(' OR ')})` : undefined;
}

const anyOf = (column: string, ids: string[] | undefined) =>
  ids !== undefined && ids.length > 0 && ids.length <= NARROW ? `${column} : (${ids.map(ftsString).join(' OR ')})` : undefined;

function flagsExpression(q: ResolvedQuery): string | undefined {
  const flags = (Object.keys(FLAG_TOKENS) as Array<keyof typeof FLAG_TOKENS>).filter((f) => q[f]).map((f) => FLAG_TOKENS[f]);
  return flags.length > 0 ? `flags : (${flags.join(' AND ')})` : undefined;
}

/** The whole FTS5 expression, or undefined when nothing in the query narrows through the index. */
export function matchExpression(q: ResolvedQuery): string | undefined {
  const parts = [textExpression(q), anyOf('channel_id', q.channelIds), anyOf('user_id', q.userIds), flagsExpression(q)].filter((e) => e !== undefined);
  if (parts.length === 0) return undefined;
  const exclude = exclusionExpression(q);
  return exclude !== undefined ? `(${parts.join(' AND ')}) NOT ${exclude}` : parts.join(' AND ');
}

export function buildSearchSql(q: ResolvedQuery, options: SearchOptions): SearchSql {
  const match = matchExpression(q);
  const ranked = textExpression(q) !== undefined;
  const rowid = match !== undefined ? 'messages_fts.rowid' : 'm.rowid';
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
  // Dates as rowid ranges: FTS5 and the table's primary key both seek to them.
  if (q.since !== undefined) {
    where.push(`${rowid} >= ?`);
    params.push(BigInt(Math.max(0, Math.floor(q.since))) * ROWIDS_PER_MS);
  }
  if (q.until !== undefined) {
    where.push(`${rowid} < ?`);
    params.push(BigInt(Math.max(0, Math.floor(q.until))) * ROWIDS_PER_MS);
  }
  if (q.hasLink) where.push('m.has_link = 1');
  if (q.hasReaction) where.push('m.has_reaction = 1');
  if (q.isThread) where.push('m.is_thread = 1');
  const exclude = exclusionExpression(q);
  if (match === undefined && exclude !== undefined) {
    where.push('m.rowid NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
    params.push(exclude);
  }

  const dir = options.sortDir === 'asc' ? 'ASC' : 'DESC';
  const conditions = where.join(' AND ');
  const from = match !== undefined ? 'messages_fts JOIN messages m ON m.rowid = messages_fts.rowid' : 'messages m';
  const columns = 'm.rowid AS id, m.text, m.channel_id, m.ts, m.user_id, m.thread_ts, m.has_reaction, m.edited_by, m.edited_ts';
  // bm25 is lower for better matches (Slack's score is higher), and weighs the text column alone.
  const score = ranked ? '-bm25(messages_fts, 1, 0, 0, 0)' : '0';
  const count = `SELECT count(*) AS total FROM (SELECT 1 FROM ${from} WHERE ${conditions} LIMIT ${totalCap(options.limit)})`;
  const page: [number, number] = [options.limit, options.offset];
  const highlight = ranked && options.highlight
    ? { highlight: `SELECT rowid AS id, highlight(messages_fts, 0, ${sqlChar(HIGHLIGHT.start)}, ${sqlChar(HIGHLIGHT.end)}) AS text FROM messages_fts WHERE messages_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`, highlightMatch: match }
    : {};
  if (options.sort === 'timestamp' || !ranked) {
    return { select: `SELECT ${columns}, ${score} AS score FROM ${from} WHERE ${conditions} ORDER BY ${rowid} ${dir} LIMIT ? OFFSET ?`, count, params, page, ...highlight };
  }
  const candidates = Math.max(RANKED_CANDIDATES, options.offset + options.limit);
  const newest = `SELECT messages_fts.rowid AS id, ${score} AS score FROM ${from} WHERE ${conditions} ORDER BY messages_fts.rowid DESC LIMIT ${candidates}`;
  return {
    select: `SELECT ${columns}, c.score AS score FROM (${newest}) c JOIN messages m ON m.rowid = c.id ORDER BY c.score ${dir}, m.rowid DESC LIMIT ? OFFSET ?`,
    count,
    params,
    page,
    ...highlight,
  };
}
