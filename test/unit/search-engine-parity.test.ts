import { ulid } from 'ulid';
import { bulkBodies, INDEX_DEFINITION, pageOf, searchBody, type MessageDocument } from '../../lambdas/search/opensearch-requests';
import type { IndexChange, IndexedMessage, ResolvedQuery, SearchOptions, SearchPage } from '../../lambdas/search/search-index';
import { SqliteSearchIndex } from '../../lambdas/search/sqlite-index';

/*
 * The same resolved queries through both engines' mappings, over the same messages. The SQLite side
 * is the real engine; the OpenSearch side is what our code sends (the `_bulk` lines, the `_search`
 * body) evaluated by a model of the few query clauses it uses (bool, match_phrase,
 * match_phrase_prefix, term, terms, range, sort, from/size) with the mapping's analyzer (its
 * tokenizer pattern, lowercase, accents stripped); its answer goes back through pageOf. So it
 * checks that the translation keeps the SQL's meaning (which words, which filters, which bounds are
 * inclusive, which order, which page), not OpenSearch itself, which does not run here, and not its
 * scores (bm25 differs between the two: score-sorted pages are compared as sets).
 */

// The mapping's own tokenizer pattern (Java's \p{L} and \p{N} are JavaScript's with the u flag),
// lowercase, asciifolding approximated by stripping combining marks, truncate.
const { tokenizer, filter } = INDEX_DEFINITION.settings.analysis;
const split = new RegExp(tokenizer.letters_and_digits.pattern, 'u');
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (s: string) => fold(s).split(split).filter(Boolean).map((t) => t.slice(0, filter.long_words.length));

type Clause = Record<string, any>;

function phraseAt(doc: string[], query: string[], prefixLast: boolean): boolean {
  if (query.length === 0) return false;
  return doc.some((_, i) =>
    query.every((q, j) => {
      const t = doc[i + j];
      if (t === undefined) return false;
      return prefixLast && j === query.length - 1 ? t.startsWith(q) : t === q;
    }),
  );
}

function matches(doc: MessageDocument, clause: Clause): boolean {
  const [[kind, arg]] = Object.entries(clause) as Array<[string, any]>;
  switch (kind) {
    case 'bool':
      return (arg.must ?? []).every((c: Clause) => matches(doc, c))
        && (arg.filter ?? []).every((c: Clause) => matches(doc, c))
        && !(arg.must_not ?? []).some((c: Clause) => matches(doc, c));
    case 'match_phrase':
      return phraseAt(tokens(doc.text), tokens(arg.text), false);
    case 'match_phrase_prefix':
      return phraseAt(tokens(doc.text), tokens(arg.text.query), true);
    case 'term': {
      const [[field, value]] = Object.entries(arg);
      return (doc as unknown as Record<string, unknown>)[field] === value;
    }
    case 'terms': {
      const [[field, values]] = Object.entries(arg) as Array<[string, unknown[]]>;
      return values.includes((doc as unknown as Record<string, unknown>)[field]);
    }
    case 'range': {
      const { gte, lt } = arg.sent_at as { gte?: number; lt?: number };
      return (gte === undefined || doc.sent_at >= gte) && (lt === undefined || doc.sent_at < lt);
    }
    default:
      throw new Error(`the model does not know ${kind}`);
  }
}

/** A stand-in domain: documents by id, filled from our `_bulk` bodies, queried with our `_search` body. */
class ModelDomain {
  readonly docs = new Map<string, MessageDocument>();

  bulk(body: string): void {
    const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].delete) this.docs.delete(lines[i].delete._id);
      else this.docs.set(lines[i].index._id, lines[++i] as MessageDocument);
    }
  }

  search(body: Record<string, any>): unknown {
    const hits = [...this.docs.values()].filter((d) => matches(d, body.query));
    const must: Clause[] = body.query.bool.must ?? [];
    const scored = hits.map((d) => ({ d, score: must.length > 0 ? 1 + tokens(d.text).length / 1000 : 0 }));
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    scored.sort((x, y) => {
      for (const key of body.sort as Array<Record<string, { order: 'asc' | 'desc' }>>) {
        const [[field, { order }]] = Object.entries(key);
        const c = field === '_score' ? x.score - y.score : cmp(x.d.ts, y.d.ts);
        if (c !== 0) return order === 'asc' ? c : -c;
      }
      return 0;
    });
    const page = scored.slice(body.from, body.from + body.size);
    const keepScore = body.sort.some((k: object) => '_score' in k) || body.track_scores === true;
    return { hits: { total: { value: hits.length, relation: 'eq' }, hits: page.map(({ d, score }) => ({ _score: keepScore ? score : null, _source: d })) } };
  }
}

const T0 = Date.UTC(2024, 2, 10, 12);
const DAY = 86_400_000;
let n = 0;
// The ts carries the time (documents.ts: sentAt is the ts's time), as in the table.
const message = (text: string, over: Partial<IndexedMessage> = {}): IndexedMessage => {
  const sentAt = (over.sentAt ?? T0 - ++n * 3600_000) + (n % 7);
  const ts = ulid(sentAt);
  return { teamId: 'T1', channelId: 'C1', ts, userId: 'U1', threadTs: ts, text, isThread: false, hasLink: false, hasReaction: false, ...over, sentAt };
};

const MESSAGES: IndexedMessage[] = [
  message('Le Café est OUVERT'),
  message('the release notes are ready', { userId: 'U2' }),
  message('notes on the release', { channelId: 'C2', hasLink: true, hasReaction: true, isThread: true, sentAt: T0 - 2 * DAY }),
  message('deploy the release today https://example.com', { hasLink: true, sentAt: T0 - DAY }),
  message('deployment plan draft', { userId: 'U3', isThread: true }),
  message('release draft wip', { channelId: 'C3' }),
  message('secret release in another workspace', { teamId: 'T2' }),
  message('Déploiement du café', { channelId: 'C2', hasReaction: true }),
  message('e-mail the release team', { userId: 'U2', sentAt: T0 - 3 * DAY }),
  message('mail room', { sentAt: T0 }),
  message("see example.com/docs, don't wait, pi is 3.14", { userId: 'U2' }),
];
const REMOVED = message('removed release message');

const q = (over: Partial<ResolvedQuery>): ResolvedQuery => ({
  words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: ['C1', 'C2'], hasLink: false, hasReaction: false, isThread: false, ...over,
});

const CASES: Array<[string, Partial<ResolvedQuery>]> = [
  ['one word', { words: ['release'] }],
  ['two words', { words: ['release', 'notes'] }],
  ['folded case and accents', { words: ['CAFE'] }],
  ['a word of two tokens', { words: ['e-mail'] }],
  ['a phrase', { phrases: ['release notes'] }],
  ['a phrase in the wrong order', { phrases: ['notes release'] }],
  ['an excluded word', { words: ['release'], excluded: ['notes'] }],
  ['two excluded words', { words: ['release'], excluded: ['notes', 'today'] }],
  ['the word being typed', { words: ['deplo'], prefixLast: true }],
  ['the word being typed, after a word', { words: ['release', 'no'], prefixLast: true }],
  ['a prefix is not a word', { words: ['deplo'] }],
  ['from:', { words: ['release'], userIds: ['U2'] }],
  ['from: two authors', { words: ['release'], userIds: ['U2', 'U3'] }],
  ['in:', { words: ['release'], channelIds: ['C2'] }],
  ['in: a channel out of reach', { words: ['release'], channelIds: ['C3'] }],
  ['after:', { words: ['release'], since: T0 - 2 * DAY }],
  ['before:', { words: ['release'], until: T0 - DAY }],
  ['during: (both bounds)', { since: T0 - 3 * DAY, until: T0 - DAY }],
  ['has:link', { hasLink: true }],
  ['has:reaction', { hasReaction: true }],
  ['is:thread', { isThread: true }],
  ['modifiers only', { userIds: ['U1'] }],
  ['nothing matches', { words: ['zebra'] }],
  ['a word inside a host name', { words: ['example'] }],
  ['a word before an apostrophe', { words: ['don'] }],
  ['a number split at its dot', { words: ['14'] }],
];

const OPTIONS: Array<[string, SearchOptions]> = [
  ['by score', { sort: 'score', sortDir: 'desc', highlight: false, limit: 20, offset: 0 }],
  ['newest first', { sort: 'timestamp', sortDir: 'desc', highlight: false, limit: 20, offset: 0 }],
  ['oldest first, second page of 2', { sort: 'timestamp', sortDir: 'asc', highlight: false, limit: 2, offset: 2 }],
];

describe('the two engines answer the same resolved query the same way', () => {
  let sqlite: SqliteSearchIndex;
  const domain = new ModelDomain();
  beforeAll(() => {
    const changes: IndexChange[] = [
      ...[...MESSAGES, REMOVED].map((m): IndexChange => ({ kind: 'upsert', message: m })),
      { kind: 'remove', channelId: REMOVED.channelId, ts: REMOVED.ts },
    ];
    sqlite = SqliteSearchIndex.open(':memory:');
    sqlite.applySync(changes);
    for (const body of bulkBodies(changes, 700)) domain.bulk(body);
    expect(domain.docs.size).toBe(MESSAGES.length);
  });
  afterAll(() => sqlite.close());

  const comparable = (page: SearchPage, bySet: boolean) => {
    const hits = page.hits.map(({ score, ...hit }) => ({ ...hit, ranked: score !== 0 }));
    return { total: page.total, hits: bySet ? hits.sort((a, b) => (a.ts < b.ts ? -1 : 1)) : hits };
  };

  for (const [name, query] of CASES) {
    for (const [sortName, options] of OPTIONS) {
      it(`${name}, ${sortName}`, () => {
        const resolved = q(query);
        const expected = sqlite.searchSync(resolved, options);
        const actual = pageOf(domain.search(searchBody(resolved, options)), options);
        // A score-sorted page of all hits is compared as a set; a time-sorted page (or a slice of one) exactly.
        const bySet = options.sort === 'score' && resolved.words.length + resolved.phrases.length > 0;
        expect(comparable(actual, bySet)).toEqual(comparable(expected, bySet));
      });
    }
  }

  it('the fixtures make the cases mean something: most find some messages, none finds them all', () => {
    const counts = CASES.map(([, query]) => sqlite.searchSync(q(query), OPTIONS[0][1]).total);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(CASES.length - 4);
    expect(Math.max(...counts)).toBeLessThan(MESSAGES.length);
  });
});
