import type { Api } from './api';

/*
 * search.messages for the search box: the matches it shows, and the text split at Slack's highlight
 * markers (U+E000 … U+E001) so matched words can be marked without parsing HTML.
 */

export interface SearchMatch {
  channel: { id: string; name: string; is_im?: boolean; is_mpim?: boolean; is_private?: boolean; user?: string };
  user: string;
  username: string;
  ts: string;
  thread_ts?: string;
  text: string;
  permalink: string;
}

export interface SearchResult {
  query: string;
  total: number;
  matches: SearchMatch[];
}

export async function searchMessages(api: Api, query: string, count = 20): Promise<SearchResult> {
  const out = await api.call('search.messages', { query, count, highlight: true, sort: 'score' });
  return { query, total: Number(out.messages?.total ?? 0), matches: (out.messages?.matches ?? []) as SearchMatch[] };
}

/** The text as plain and marked runs, in order. */
export function highlightRuns(text: string): Array<{ text: string; marked: boolean }> {
  const runs: Array<{ text: string; marked: boolean }> = [];
  for (const [i, part] of text.split(/[\ue000\ue001]/).entries()) if (part) runs.push({ text: part, marked: i % 2 === 1 });
  return runs;
}

/** A ULID ts's time (its first 10 characters, Crockford base 32, milliseconds). */
export function timeOfTs(ts: string): Date {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let ms = 0;
  for (const c of ts.slice(0, 10).toUpperCase()) ms = ms * 32 + Math.max(0, alphabet.indexOf(c));
  return new Date(ms);
}
