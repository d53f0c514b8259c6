import { ClientError } from '../core/errors';

/*
 * Slack's search query language, parsed into what the index needs. Pure: text in, a structured
 * query out, or Slack's errors (`no_query`, `invalid_arguments` naming `query`). Names in modifiers
 * (`in:#general`, `from:@alice`) are left as names here; lambdas/search/resolve.ts turns them into ids.
 */

/** Bounds that keep one query's cost small whatever it holds. */
export const QUERY_LIMITS = { chars: 1000, terms: 16, modifiers: 16, termChars: 100 } as const;

export type UserRef = { kind: 'id'; id: string } | { kind: 'name'; name: string } | { kind: 'me' };
export type ChannelRef = { kind: 'id'; id: string } | { kind: 'name'; name: string } | { kind: 'dm'; user: UserRef };

export interface ParsedQuery {
  /** Plain words, all required, in the order typed. */
  words: string[];
  /** "quoted phrases", all required. */
  phrases: string[];
  /** -word and -"phrase": a message holding any of them is left out. */
  excluded: string[];
  /** in: modifiers (any of them). */
  channels: ChannelRef[];
  /** from: modifiers (any of them). */
  authors: UserRef[];
  /** Epoch milliseconds: messages at or after `since` and before `until`. */
  since?: number;
  until?: number;
  hasLink: boolean;
  hasReaction: boolean;
  isThread: boolean;
  /** The query ends in a plain word still being typed: it matches as a prefix. */
  prefixLast: boolean;
}

const DAY_MS = 86_400_000;
const invalid = (): never => {
  throw new ClientError('invalid_arguments', 'query');
};

/** Splits into tokens, keeping "quoted phrases" (and -"quoted phrases") whole. */
function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const pattern = /(-?"[^"]*"?)|(\S+)/g;
  for (let m = pattern.exec(query); m; m = pattern.exec(query)) tokens.push(m[0]);
  return tokens;
}

/** A word the tokenizer keeps something of: punctuation alone matches nothing and is dropped. */
const hasWordCharacters = (text: string) => /[\p{L}\p{N}]/u.test(text);

function userRef(value: string): UserRef | undefined {
  const mention = /^<@([A-Z0-9]+)(\|[^>]*)?>$/.exec(value);
  if (mention) return { kind: 'id', id: mention[1] };
  const name = value.replace(/^@/, '');
  if (name === 'me') return { kind: 'me' };
  if (/^U[A-Z0-9]{4,}$/.test(name)) return { kind: 'id', id: name };
  return name ? { kind: 'name', name: name.toLowerCase() } : undefined;
}

function channelRef(value: string): ChannelRef | undefined {
  const link = /^<#([A-Z0-9]+)(\|[^>]*)?>$/.exec(value);
  if (link) return { kind: 'id', id: link[1] };
  if (value.startsWith('@') || value.startsWith('<@')) {
    const user = userRef(value);
    return user && { kind: 'dm', user };
  }
  const name = value.replace(/^#/, '');
  if (/^[CDG][A-Z0-9]{4,}$/.test(name)) return { kind: 'id', id: name };
  return name ? { kind: 'name', name: name.toLowerCase() } : undefined;
}

/** A day, month or year as the UTC range it covers; `today` and `yesterday` as Slack accepts them. */
export function dateRange(value: string, now = Date.now()): { start: number; end: number } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  if (value === 'today') return { start: today, end: today + DAY_MS };
  if (value === 'yesterday') return { start: today - DAY_MS, end: today };
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return invalid();
  const [year, month, day] = [Number(m[1]), m[2] ? Number(m[2]) : undefined, m[3] ? Number(m[3]) : undefined];
  if (month !== undefined && (month < 1 || month > 12)) return invalid();
  const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  // Date.UTC rolls 2024-02-31 over into March: such a day does not exist.
  if (day !== undefined && new Date(start).getUTCDate() !== day) return invalid();
  const end = day !== undefined ? start + DAY_MS : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return { start, end };
}

/** Parses a query, or throws `no_query` (nothing to search for) or `invalid_arguments` (`query`). */
export function parseQuery(raw: string, now = Date.now()): ParsedQuery {
  const query = raw.trim();
  if (query.length === 0) throw new ClientError('no_query');
  if (query.length > QUERY_LIMITS.chars) return invalid();
  const out: ParsedQuery = {
    words: [], phrases: [], excluded: [], channels: [], authors: [], hasLink: false, hasReaction: false, isThread: false, prefixLast: false,
  };
  let modifiers = 0;
  let lastWasWord = false;
  const narrow = (since: number | undefined, until: number | undefined) => {
    if (since !== undefined) out.since = Math.max(out.since ?? since, since);
    if (until !== undefined) out.until = Math.min(out.until ?? until, until);
  };
  for (const token of tokenize(query)) {
    lastWasWord = false;
    const negated = token.startsWith('-') && token.length > 1;
    const body = negated ? token.slice(1) : token;
    if (body.startsWith('"')) {
      const phrase = body.replace(/^"|"$/g, '').trim();
      if (!hasWordCharacters(phrase)) continue;
      (negated ? out.excluded : out.phrases).push(phrase);
      continue;
    }
    const modifier = /^(in|from|before|after|on|during|has|is):(.*)$/i.exec(body);
    if (modifier && !negated) {
      const [key, value] = [modifier[1].toLowerCase(), modifier[2]];
      // A modifier still being typed (`from:`) narrows nothing yet.
      if (value === '') continue;
      if (++modifiers > QUERY_LIMITS.modifiers) return invalid();
      switch (key) {
        case 'in': {
          const ref = channelRef(value);
          if (ref) out.channels.push(ref);
          break;
        }
        case 'from': {
          const ref = userRef(value);
          if (ref) out.authors.push(ref);
          break;
        }
        case 'before':
          narrow(undefined, dateRange(value, now).start);
          break;
        case 'after':
          narrow(dateRange(value, now).end, undefined);
          break;
        case 'on':
        case 'during': {
          const { start, end } = dateRange(value, now);
          narrow(start, end);
          break;
        }
        case 'has':
          if (value === 'link') out.hasLink = true;
          else if (value === 'reaction' || value === 'reactions') out.hasReaction = true;
          else return invalid();
          break;
        case 'is':
          if (value === 'thread') out.isThread = true;
          else return invalid();
          break;
      }
      continue;
    }
    if (!hasWordCharacters(body)) continue;
    if (body.length > QUERY_LIMITS.termChars) return invalid();
    if (negated) out.excluded.push(body);
    else {
      out.words.push(body);
      lastWasWord = true;
    }
  }
  if (out.words.length + out.phrases.length + out.excluded.length > QUERY_LIMITS.terms) return invalid();
  out.prefixLast = lastWasWord && !/\s$/.test(raw);
  const narrowsSomething =
    out.words.length + out.phrases.length + out.channels.length + out.authors.length > 0 ||
    out.since !== undefined || out.until !== undefined || out.hasLink || out.hasReaction || out.isThread;
  if (!narrowsSomething) throw new ClientError('no_query');
  return out;
}
