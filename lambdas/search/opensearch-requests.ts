import { HIGHLIGHT, type IndexChange, type IndexedMessage, type ResolvedQuery, type SearchHit, type SearchOptions, type SearchPage } from './search-index';

/*
 * What the OpenSearch engine sends and how it reads the answers: the index's settings and mapping,
 * the `_bulk` lines for a batch of changes, the `_search` body for a resolved query, and the page a
 * `_search` response becomes. Pure, like fts-sql.ts for the SQLite engine, so tests can read exactly
 * what a query becomes. Every user string travels as a JSON value of a query clause, never as query
 * syntax (no query_string), so no typed character can be OpenSearch syntax.
 */

/**
 * The index: one primary shard (a workspace's messages are small next to a shard's comfortable
 * 10-50 GB), no replica (the stack's domain is one node; raise it with the node count).
 *
 * `folded` is the counterpart of FTS5's `unicode61 remove_diacritics 2`, without the ICU plugin: a
 * word is a run of letters and digits (as unicode61 splits; the standard tokenizer would keep
 * `example.com`, `3.14` and `don't` whole, so "example" would miss a link), lowercased, accents
 * folded by asciifolding, and cut at 255 characters (Lucene refuses a term over 32 KB, and a query
 * word is at most 100). `index_prefixes` (2-5 characters) serves the word being typed as one term
 * lookup, like FTS5's prefix indexes. Ids are keywords; `dynamic: strict` refuses a field this
 * mapping does not name.
 */
export const INDEX_DEFINITION = {
  settings: {
    index: { number_of_shards: 1, number_of_replicas: 0 },
    analysis: {
      tokenizer: { letters_and_digits: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' } },
      filter: { long_words: { type: 'truncate', length: 255 } },
      analyzer: { folded: { type: 'custom', tokenizer: 'letters_and_digits', filter: ['lowercase', 'asciifolding', 'long_words'] } },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      team_id: { type: 'keyword' },
      channel_id: { type: 'keyword' },
      ts: { type: 'keyword' },
      user_id: { type: 'keyword' },
      thread_ts: { type: 'keyword', index: false },
      text: { type: 'text', analyzer: 'folded', index_prefixes: { min_chars: 2, max_chars: 5 } },
      sent_at: { type: 'date', format: 'epoch_millis' },
      is_thread: { type: 'boolean' },
      has_link: { type: 'boolean' },
      has_reaction: { type: 'boolean' },
      edited_by: { type: 'keyword', index: false },
      edited_ts: { type: 'keyword', index: false },
    },
  },
} as const;

/** A message's document id: a channel's ts is unique, and a remove names only the channel and ts. */
export const documentId = (channelId: string, ts: string) => `${channelId}:${ts}`;

/** The stored document of a message (field names as in the SQLite schema). */
export interface MessageDocument {
  team_id: string;
  channel_id: string;
  ts: string;
  user_id: string;
  thread_ts: string;
  text: string;
  sent_at: number;
  is_thread: boolean;
  has_link: boolean;
  has_reaction: boolean;
  edited_by?: string;
  edited_ts?: string;
}

export function documentOf(m: IndexedMessage): MessageDocument {
  return {
    team_id: m.teamId, channel_id: m.channelId, ts: m.ts, user_id: m.userId, thread_ts: m.threadTs, text: m.text, sent_at: m.sentAt,
    is_thread: m.isThread, has_link: m.hasLink, has_reaction: m.hasReaction,
    ...(m.editedBy !== undefined ? { edited_by: m.editedBy } : {}),
    ...(m.editedTs !== undefined ? { edited_ts: m.editedTs } : {}),
  };
}

/**
 * One change as its `_bulk` lines (the action, and for an index the document), newline-terminated.
 * An index replaces the whole document, which is what the SQLite upsert amounts to: the fields it
 * keeps (workspace, author, time, thread) never change for a message.
 */
export function bulkEntry(change: IndexChange): string {
  if (change.kind === 'remove') return `${JSON.stringify({ delete: { _id: documentId(change.channelId, change.ts) } })}\n`;
  const m = change.message;
  return `${JSON.stringify({ index: { _id: documentId(m.channelId, m.ts) } })}\n${JSON.stringify(documentOf(m))}\n`;
}

/**
 * The changes as `_bulk` bodies of at most `maxBytes` each, in order (an entry is never split; one
 * larger than the bound goes alone: a message is at most ~240 KB of JSON, far under any sane bound).
 */
export function bulkBodies(changes: IndexChange[], maxBytes: number): string[] {
  const bodies: string[] = [];
  let body = '';
  let bytes = 0;
  for (const change of changes) {
    const entry = bulkEntry(change);
    const size = Buffer.byteLength(entry);
    if (bytes > 0 && bytes + size > maxBytes) {
      bodies.push(body);
      body = '';
      bytes = 0;
    }
    body += entry;
    bytes += size;
  }
  if (bytes > 0) bodies.push(body);
  return bodies;
}

/**
 * How far the word being typed expands when it is longer than the prefix index (5 characters): a
 * bound on one query's work, where FTS5 expands to every term. Prefixes of 2-5 characters use the
 * index_prefixes field and are exact.
 */
export const PREFIX_MAX_EXPANSIONS = 500;

const SOURCE_FIELDS = ['channel_id', 'ts', 'user_id', 'thread_ts', 'text', 'has_reaction', 'edited_by', 'edited_ts'] as const;

type Clause = Record<string, unknown>;

/** The clauses every hit's text must match: each word (the last as a prefix when typed so) and each phrase. */
export function textClauses(q: Pick<ResolvedQuery, 'words' | 'phrases' | 'prefixLast'>): Clause[] {
  // A word is matched as a phrase of its tokens, as FTS5 matches a quoted term: "e-mail" is "e" then "mail".
  const words = q.words.map((word, i) =>
    q.prefixLast && i === q.words.length - 1
      ? { match_phrase_prefix: { text: { query: word, max_expansions: PREFIX_MAX_EXPANSIONS } } }
      : { match_phrase: { text: word } },
  );
  return [...words, ...q.phrases.map((phrase) => ({ match_phrase: { text: phrase } }))];
}

/** The `_search` body for a resolved query: the same hits, order and page as buildSearchSql's SQL. */
export function searchBody(q: ResolvedQuery, options: SearchOptions): Record<string, unknown> {
  const must = textClauses(q);
  const ranked = must.length > 0;
  const filter: Clause[] = [{ term: { team_id: q.teamId } }, { terms: { channel_id: q.channelIds } }];
  if (q.userIds !== undefined) filter.push({ terms: { user_id: q.userIds } });
  if (q.since !== undefined || q.until !== undefined) {
    filter.push({ range: { sent_at: { ...(q.since !== undefined ? { gte: q.since } : {}), ...(q.until !== undefined ? { lt: q.until } : {}) } } });
  }
  if (q.hasLink) filter.push({ term: { has_link: true } });
  if (q.hasReaction) filter.push({ term: { has_reaction: true } });
  if (q.isThread) filter.push({ term: { is_thread: true } });
  const mustNot = q.excluded.map((term) => ({ match_phrase: { text: term } }));

  const dir = options.sortDir;
  const sort = options.sort === 'score' && ranked ? [{ _score: { order: dir } }, { ts: { order: 'desc' } }] : [{ ts: { order: dir } }];
  return {
    query: { bool: { ...(ranked ? { must } : {}), filter, ...(mustNot.length > 0 ? { must_not: mustNot } : {}) } },
    sort,
    from: options.offset,
    size: options.limit,
    // `total` counts every hit, as the SQLite engine's count(*) does (OpenSearch stops at 10,000 unless told).
    track_total_hits: true,
    // A hit keeps its relevance when sorted by time, as the SQLite engine's score column does.
    ...(ranked && options.sort === 'timestamp' ? { track_scores: true } : {}),
    _source: [...SOURCE_FIELDS],
    ...(ranked && options.highlight
      ? {
          highlight: {
            pre_tags: [HIGHLIGHT.start],
            post_tags: [HIGHLIGHT.end],
            require_field_match: true,
            // The whole text with its matches marked, as FTS5's highlight() gives it.
            fields: { text: { number_of_fragments: 0 } },
          },
        }
      : {}),
  };
}

interface SearchResponseHit {
  _score?: number | null;
  _source?: Partial<MessageDocument>;
  highlight?: { text?: string[] };
}

/** A refused or unreadable response: not a page, and not something a retry of this request mends. */
export class UnexpectedResponse extends Error {
  override name = 'UnexpectedResponse';
}

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw new UnexpectedResponse(`_search hit without ${field}`);
  return value;
};
const optionalText = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A `_search` response as the page the SQLite engine would give for the same hits. */
export function pageOf(response: unknown, options: Pick<SearchOptions, 'highlight'>): SearchPage {
  const hits = (response as { hits?: { total?: { value?: unknown }; hits?: unknown } } | null)?.hits;
  if (!hits || !Array.isArray(hits.hits) || typeof hits.total?.value !== 'number') throw new UnexpectedResponse('_search response without hits');
  return {
    total: hits.total.value,
    hits: (hits.hits as SearchResponseHit[]).map((hit): SearchHit => {
      const s = hit._source ?? {};
      const marked = options.highlight ? hit.highlight?.text?.[0] : undefined;
      return {
        channelId: text(s.channel_id, 'channel_id'),
        ts: text(s.ts, 'ts'),
        userId: text(s.user_id, 'user_id'),
        threadTs: text(s.thread_ts, 'thread_ts'),
        text: marked ?? text(s.text, 'text'),
        // No score when nothing ranked the hit (a query of modifiers only), as the SQLite engine's 0.
        score: typeof hit._score === 'number' ? hit._score : 0,
        hasReaction: s.has_reaction === true,
        editedBy: optionalText(s.edited_by),
        editedTs: optionalText(s.edited_ts),
      };
    }),
  };
}
