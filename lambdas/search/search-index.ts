/*
 * What any search engine behind search.messages does: keep a copy of the workspace's messages from
 * the table's stream, and answer a resolved query within what the caller may read. The embedded
 * default is SQLite FTS5 (sqlite-index.ts); a larger workspace can put Amazon OpenSearch behind it
 * (opensearch-index.ts), chosen by SEARCH_ENGINE (index-file.ts).
 */

/** A message as the index keeps it. */
export interface IndexedMessage {
  teamId: string;
  channelId: string;
  ts: string;
  userId: string;
  threadTs: string;
  text: string;
  /** When it was sent, epoch milliseconds (the ts's time). */
  sentAt: number;
  /** A reply, or a parent with replies. */
  isThread: boolean;
  hasLink: boolean;
  hasReaction: boolean;
  editedBy?: string;
  editedTs?: string;
}

export type IndexChange =
  | { kind: 'upsert'; message: IndexedMessage }
  | { kind: 'remove'; channelId: string; ts: string };

/** A query with every name already resolved to ids, and what the caller may read. */
export interface ResolvedQuery {
  words: string[];
  phrases: string[];
  excluded: string[];
  prefixLast: boolean;
  /** The caller's workspace: nothing else is ever searched. */
  teamId: string;
  /** The conversations searched: those the caller may read, narrowed by in: modifiers. */
  channelIds: string[];
  /** from: modifiers (any of them); undefined for anyone. */
  userIds?: string[];
  since?: number;
  until?: number;
  hasLink: boolean;
  hasReaction: boolean;
  isThread: boolean;
}

export interface SearchOptions {
  sort: 'score' | 'timestamp';
  sortDir: 'asc' | 'desc';
  /** Wrap matched terms in Slack's markers (U+E000 … U+E001). */
  highlight: boolean;
  limit: number;
  offset: number;
}

export interface SearchHit {
  channelId: string;
  ts: string;
  userId: string;
  threadTs: string;
  text: string;
  /** Higher is better; 0 when the query had no words to rank by. */
  score: number;
  hasReaction: boolean;
  editedBy?: string;
  editedTs?: string;
}

export interface SearchPage {
  total: number;
  hits: SearchHit[];
}

export interface SearchIndex {
  /**
   * Applies the changes in order: all or none (SQLite), or each an idempotent write by id (OpenSearch),
   * so that re-applying a failed batch whole is safe either way.
   */
  apply(changes: IndexChange[]): Promise<void>;
  search(query: ResolvedQuery, options: SearchOptions): Promise<SearchPage>;
}

/** Slack caps paging at 100 pages of at most 100. */
export const MAX_COUNT = 100;
export const MAX_PAGE = 100;

/** Slack's highlight markers (private-use characters, so they never occur in typed text). */
export const HIGHLIGHT = { start: '\ue000', end: '\ue001' } as const;
