import type { Caller } from '../core/caller';
import { toMatches } from './matches';
import { parseQuery } from './query-language';
import { readableChannelIds } from './readable';
import { resolveQuery } from './resolve';
import type { SearchIndex, SearchOptions } from './search-index';

export interface SearchArgs {
  query: string;
  count: number;
  page: number;
  highlight: boolean;
  sort: SearchOptions['sort'];
  sortDir: SearchOptions['sortDir'];
}

export { MAX_COUNT, MAX_PAGE } from './search-index';

/** Slack's two paging blocks: `paging` (older clients) and `pagination`. */
function pagingOf(total: number, count: number, page: number) {
  const pages = Math.max(1, Math.ceil(total / count));
  const first = Math.min(total, (page - 1) * count + 1);
  const last = Math.min(total, page * count);
  return {
    paging: { count, total, page, pages },
    pagination: { total_count: total, page, per_page: count, page_count: pages, first, last },
  };
}

/** search.messages: parse, resolve within what the caller may read now, ask the index, shape as Slack does. */
export async function searchMessages(caller: Caller, args: SearchArgs, index: SearchIndex) {
  const parsed = parseQuery(args.query);
  const readable = await readableChannelIds(caller.userId, caller.teamId);
  const resolved = await resolveQuery(caller, parsed, readable);
  const found = await index.search(resolved, {
    sort: args.sort, sortDir: args.sortDir, highlight: args.highlight, limit: args.count, offset: (args.page - 1) * args.count,
  });
  return {
    query: args.query,
    messages: { total: found.total, matches: await toMatches(found.hits, caller.teamId, caller.userId), ...pagingOf(found.total, args.count, args.page) },
  };
}

/** search.all: messages as search.messages, and no files or posts (this system does not index them). */
export async function searchAll(caller: Caller, args: SearchArgs, index: SearchIndex) {
  const out = await searchMessages(caller, args, index);
  const empty = { total: 0, matches: [], ...pagingOf(0, args.count, 1) };
  return { ...out, files: empty, posts: { total: 0, matches: [] } };
}
