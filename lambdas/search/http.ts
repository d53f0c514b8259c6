import * as z from 'zod/mini';
import { takeApiToken } from '../core/rate-limit';
import { ensureProvisioned } from '../core/users';
import { ClientError } from '../core/errors';
import { httpHandler } from '../edge/http-edge';
import { flag, limit, parseArgs, text } from '../edge/schemas';
import { searchIndex } from './index-file';
import { MAX_COUNT, MAX_PAGE, searchAll, searchMessages, type SearchArgs } from './messages';

const page = z.pipe(
  z.optional(z.union([z.number().check(z.gte(1), z.lte(MAX_PAGE), z.refine(Number.isInteger)), z.string().check(z.regex(/^\d{1,3}$/))])),
  z.transform((v) => (v === undefined ? 1 : Number(v))),
);

const searchArgs = z.object({
  // Longer than the parser's own bound, so an over-long query gets the parser's error (`query`).
  query: z.optional(text(10_000)),
  count: limit(MAX_COUNT, 20),
  page,
  highlight: flag,
  sort: z.optional(z.enum(['score', 'timestamp', ''])),
  sort_dir: z.optional(z.enum(['asc', 'desc', ''])),
});

function argsOf(raw: Record<string, unknown>): SearchArgs {
  const a = parseArgs(searchArgs, raw);
  if (a.page < 1 || a.page > MAX_PAGE) throw new ClientError('invalid_arguments', 'page');
  return { query: a.query ?? '', count: a.count, page: a.page, highlight: a.highlight, sort: a.sort || 'score', sortDir: a.sort_dir || 'desc' };
}

const METHODS = {
  'search.messages': searchMessages,
  'search.all': searchAll,
} as const;

/**
 * GET|POST /api/search.messages and /api/search.all: their own routes (more specific than
 * /api/{method}) to this function, the one that can reach the index file.
 */
export const handler = httpHandler(async ({ method, args, caller }) => {
  const run = Object.hasOwn(METHODS, method) ? METHODS[method as keyof typeof METHODS] : undefined;
  if (!run) throw new ClientError('unknown_method');
  await takeApiToken(caller.userId);
  await ensureProvisioned(caller);
  return run(caller, argsOf(args), searchIndex());
});
