import { dateRange, parseQuery, QUERY_LIMITS } from '../../lambdas/search/query-language';
import { buildSearchSql, exclusionExpression, matchExpression, NARROW, RANKED_CANDIDATES, ROWIDS_PER_MS, textExpression, totalCap } from '../../lambdas/search/fts-sql';
import type { ResolvedQuery } from '../../lambdas/search/search-index';

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string; detail?: string }).code + ((e as { detail?: string }).detail ? `:${(e as { detail?: string }).detail}` : '');
  }
  return 'no error';
};

describe('parseQuery', () => {
  it('reads words, phrases and exclusions; the last word is a prefix while typed', () => {
    const q = parseQuery('deploy "release notes" -staging -"dry run" fri');
    expect(q.words).toEqual(['deploy', 'fri']);
    expect(q.phrases).toEqual(['release notes']);
    expect(q.excluded).toEqual(['staging', 'dry run']);
    expect(q.prefixLast).toBe(true);
    expect(parseQuery('deploy fri ').prefixLast).toBe(false);
    expect(parseQuery('deploy "notes"').prefixLast).toBe(false);
  });

  it('reads in: and from: in each of Slack\'s spellings', () => {
    const q = parseQuery('x in:#General in:<#C123ABC|general> in:@bob in:<@U999AAA> from:@Alice from:<@U12345> from:me');
    expect(q.channels).toEqual([
      { kind: 'name', name: 'general' },
      { kind: 'id', id: 'C123ABC' },
      { kind: 'dm', user: { kind: 'name', name: 'bob' } },
      { kind: 'dm', user: { kind: 'id', id: 'U999AAA' } },
    ]);
    expect(q.authors).toEqual([{ kind: 'name', name: 'alice' }, { kind: 'id', id: 'U12345' }, { kind: 'me' }]);
  });

  it('turns dates into a UTC range: before the day, after the day, on the day, during the month', () => {
    const day = Date.UTC(2024, 2, 10);
    expect(parseQuery('x before:2024-03-10')).toMatchObject({ until: day });
    expect(parseQuery('x after:2024-03-10')).toMatchObject({ since: day + 86_400_000 });
    expect(parseQuery('x on:2024-03-10')).toMatchObject({ since: day, until: day + 86_400_000 });
    expect(parseQuery('x during:2024-02')).toMatchObject({ since: Date.UTC(2024, 1, 1), until: Date.UTC(2024, 2, 1) });
    expect(parseQuery('x during:2024-02 before:2024-02-10')).toMatchObject({ since: Date.UTC(2024, 1, 1), until: Date.UTC(2024, 1, 10) });
    expect(dateRange('today', day + 5000)).toEqual({ start: day, end: day + 86_400_000 });
  });

  it('reads has:link, has:reaction and is:thread, and a query of modifiers alone', () => {
    expect(parseQuery('has:link has:reaction is:thread')).toMatchObject({ hasLink: true, hasReaction: true, isThread: true, words: [] });
    expect(parseQuery('in:#general').words).toEqual([]);
  });

  it("answers Slack's errors, never a throw of another kind", () => {
    expect(errorOf(() => parseQuery(''))).toBe('no_query');
    expect(errorOf(() => parseQuery('   '))).toBe('no_query');
    expect(errorOf(() => parseQuery('-only -negative'))).toBe('no_query');
    expect(errorOf(() => parseQuery('!!! ...'))).toBe('no_query');
    expect(errorOf(() => parseQuery('x on:2024-02-31'))).toBe('invalid_arguments:query');
    expect(errorOf(() => parseQuery('x before:yesterdayish'))).toBe('invalid_arguments:query');
    expect(errorOf(() => parseQuery('x has:pdf'))).toBe('invalid_arguments:query');
    expect(errorOf(() => parseQuery('x'.repeat(QUERY_LIMITS.chars + 1)))).toBe('invalid_arguments:query');
    expect(errorOf(() => parseQuery(Array.from({ length: QUERY_LIMITS.terms + 1 }, (_, i) => `w${i}`).join(' ')))).toBe('invalid_arguments:query');
  });

  it('ignores a modifier still being typed', () => {
    expect(parseQuery('deploy from:')).toMatchObject({ words: ['deploy'], authors: [] });
  });
});

const resolved = (over: Partial<ResolvedQuery> = {}): ResolvedQuery => ({
  words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: ['C1', 'C2'],
  hasLink: false, hasReaction: false, isThread: false, ...over,
});

describe('the FTS5 expression and SQL', () => {
  it('quotes every term so no typed character is FTS5 syntax', () => {
    expect(textExpression({ words: ['a"b', 'OR', 'NEAR(x'], phrases: ['c d'], prefixLast: true })).toBe('text : ("a""b" AND "OR" AND "NEAR(x"* AND "c d")');
    expect(exclusionExpression({ excluded: ['x', 'y z'] })).toBe('text : ("x" OR "y z")');
    expect(textExpression({ words: [], phrases: [], prefixLast: false })).toBeUndefined();
  });

  it('puts a narrow in: or from: into the FTS5 expression, a wide one only in SQL', () => {
    expect(matchExpression(resolved({ words: ['deploy'], userIds: ['U1'], excluded: ['x'] }))).toBe('(text : ("deploy") AND channel_id : ("C1" OR "C2") AND user_id : ("U1")) NOT text : ("x")');
    const wide = Array.from({ length: NARROW + 1 }, (_, i) => `C${i}`);
    expect(matchExpression(resolved({ words: ['deploy'], channelIds: wide }))).toBe('text : ("deploy")');
    expect(matchExpression(resolved({ hasLink: true, isThread: true }))).toBe('channel_id : ("C1" OR "C2") AND flags : (haslink AND isthread)');
    expect(matchExpression(resolved({ channelIds: wide }))).toBeUndefined();
  });

  it('always scopes to the workspace and the readable conversations, binding every value', () => {
    const sql = buildSearchSql(resolved({ words: ['deploy'], userIds: ['U1'], since: 5, until: 9, hasLink: true, isThread: true, excluded: ['x'] }), {
      sort: 'score', sortDir: 'desc', highlight: true, limit: 20, offset: 40,
    });
    expect(sql.select).toContain('messages_fts MATCH ? AND m.team_id = ? AND m.channel_id IN (SELECT value FROM json_each(?))');
    expect(sql.select).toContain('m.user_id IN (SELECT value FROM json_each(?)) AND messages_fts.rowid >= ? AND messages_fts.rowid < ? AND m.has_link = 1 AND m.is_thread = 1');
    expect(sql.params).toEqual(['(text : ("deploy") AND channel_id : ("C1" OR "C2") AND user_id : ("U1") AND flags : (haslink AND isthread)) NOT text : ("x")', 'T1', '["C1","C2"]', '["U1"]', 5n * ROWIDS_PER_MS, 9n * ROWIDS_PER_MS]);
    expect(sql.page).toEqual([20, 40]);
    expect(sql.highlight).toContain('highlight(messages_fts, 0, char(57344), char(57345))');
    expect(sql.highlightMatch).toBe(sql.params[0]);
  });

  it('ranks the newest candidates by bm25 of the text, and counts up to the cap', () => {
    const sql = buildSearchSql(resolved({ words: ['deploy'] }), { sort: 'score', sortDir: 'desc', highlight: false, limit: 20, offset: 0 });
    expect(sql.select).toContain(`-bm25(messages_fts, 1, 0, 0, 0) AS score FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid`);
    expect(sql.select).toContain(`ORDER BY messages_fts.rowid DESC LIMIT ${RANKED_CANDIDATES}) c`);
    expect(sql.select).toContain('ORDER BY c.score DESC, m.rowid DESC LIMIT ? OFFSET ?');
    expect(sql.count).toContain(`LIMIT ${totalCap(20)})`);
    expect(totalCap(20)).toBe(2_000);
    expect(sql.highlight).toBeUndefined();
    const deep = buildSearchSql(resolved({ words: ['deploy'] }), { sort: 'score', sortDir: 'desc', highlight: false, limit: 100, offset: 9_900 });
    expect(deep.select).toContain('LIMIT 10000) c');
    const byTime = buildSearchSql(resolved({ words: ['deploy'] }), { sort: 'timestamp', sortDir: 'asc', highlight: false, limit: 20, offset: 0 });
    expect(byTime.select).toContain('ORDER BY messages_fts.rowid ASC LIMIT ? OFFSET ?');
  });

  it('without words: flags and a narrow in: still go through FTS5, by time; otherwise the table newest (or oldest) first', () => {
    const flagged = buildSearchSql(resolved({ hasReaction: true }), { sort: 'score', sortDir: 'asc', highlight: true, limit: 5, offset: 0 });
    expect(flagged.params[0]).toBe('channel_id : ("C1" OR "C2") AND flags : (hasreaction)');
    expect(flagged.select).toContain('0 AS score FROM messages_fts JOIN messages m');
    expect(flagged.select).toContain('ORDER BY messages_fts.rowid ASC');
    expect(flagged.highlight).toBeUndefined();
    const wide = Array.from({ length: NARROW + 1 }, (_, i) => `C${i}`);
    const sql = buildSearchSql(resolved({ channelIds: wide, excluded: ['x'], since: 1 }), { sort: 'score', sortDir: 'desc', highlight: true, limit: 5, offset: 0 });
    expect(sql.select).toContain('FROM messages m WHERE m.team_id = ?');
    expect(sql.select).toContain('m.rowid >= ?');
    expect(sql.select).toContain('ORDER BY m.rowid DESC');
    expect(sql.select).toContain('m.rowid NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
    expect(sql.params.at(-1)).toBe('text : ("x")');
  });
});
