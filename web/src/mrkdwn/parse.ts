import { emojiFor } from './emoji';

/*
 * Slack's mrkdwn as a tree, for the message view to build elements from (never HTML): text is only
 * ever text, links are only http(s), and `<…>` that is not one of Slack's forms stays as typed.
 * Slack escapes `&`, `<` and `>` in message text as entities; they are decoded in text nodes only,
 * so an escaped `&lt;https://…&gt;` stays text and never becomes a link.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'break' }
  | { type: 'bold' | 'italic' | 'strike'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; url: string; label: string }
  | { type: 'user'; id: string }
  | { type: 'channel'; id: string; name?: string }
  | { type: 'broadcast'; name: 'here' | 'channel' | 'everyone' }
  | { type: 'emoji'; name: string; char: string };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code_block'; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

const STYLES = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type StyleMark = keyof typeof STYLES;

const FENCE = /```\n?([\s\S]*?)\n?```/g;
const QUOTE_LINE = /^(?:>|&gt;) ?(.*)$/;
const BULLET_LINE = /^\s*[-*•◦] +(.*)$/;
const ORDERED_LINE = /^\s*\d{1,3}[.)] +(.*)$/;
const BARE_URL = /^https?:\/\/[^\s<>|]+/i;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]]+$/;
const EMOJI_NAME = /^:([a-z0-9_+-]+):/;

export const decodeEntities = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The URL when it is an absolute http(s) URL; anything else (javascript:, data:, relative) is not a link. */
export function safeUrl(raw: string): string | undefined {
  const candidate = decodeEntities(raw.trim());
  if (!/^https?:\/\//i.test(candidate)) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function parseMrkdwn(text: string): Block[] {
  const blocks: Block[] = [];
  let at = 0;
  for (const fence of text.matchAll(FENCE)) {
    blocks.push(...parseLines(text.slice(at, fence.index)));
    blocks.push({ type: 'code_block', text: decodeEntities(fence[1]) });
    at = fence.index + fence[0].length;
  }
  blocks.push(...parseLines(text.slice(at)));
  return blocks;
}

/** Lines outside code blocks: quotes, lists, and paragraphs of everything else. */
function parseLines(text: string): Block[] {
  if (!text.trim()) return [];
  const lines = text.replace(/^\n|\n$/g, '').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: parseInlineLines(paragraph) });
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const run = (pattern: RegExp) => {
      const taken: string[] = [];
      for (let m: RegExpExecArray | null; i < lines.length && (m = pattern.exec(lines[i])); i++) taken.push(m[1]);
      return taken;
    };
    if (QUOTE_LINE.test(lines[i])) {
      endParagraph();
      blocks.push({ type: 'quote', children: parseLines(run(QUOTE_LINE).join('\n')) });
    } else if (BULLET_LINE.test(lines[i])) {
      endParagraph();
      blocks.push({ type: 'list', ordered: false, items: run(BULLET_LINE).map(parseInline) });
    } else if (ORDERED_LINE.test(lines[i])) {
      endParagraph();
      blocks.push({ type: 'list', ordered: true, items: run(ORDERED_LINE).map(parseInline) });
    } else {
      paragraph.push(lines[i++]);
    }
  }
  endParagraph();
  return blocks;
}

function parseInlineLines(lines: string[]): Inline[] {
  return lines.flatMap((line, i) => (i === 0 ? parseInline(line) : [{ type: 'break' } as const, ...parseInline(line)]));
}

const isWordChar = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

/** The index of the `>` that closes the `<` at `start`, when that `<…>` stays on one line. */
function angleEnd(s: string, start: number): number {
  const end = s.indexOf('>', start + 1);
  if (end < 0) return -1;
  const inner = s.slice(start + 1, end);
  return inner.includes('<') || inner.includes('\n') ? -1 : end;
}

/** The index of the mark that closes a styled span opened at `start`, skipping `<…>` and code. */
function styleEnd(s: string, start: number, mark: StyleMark): number {
  for (let k = start + 1; k < s.length; k++) {
    const c = s[k];
    if (c === '<') {
      const end = angleEnd(s, k);
      if (end > 0) k = end;
    } else if (c === '`') {
      const end = s.indexOf('`', k + 1);
      if (end > 0) k = end;
    } else if (c === mark && k > start + 1 && s[k - 1] !== ' ' && !isWordChar(s[k + 1])) {
      return k;
    }
  }
  return -1;
}

/** One of Slack's `<…>` forms, from what is between the brackets; undefined when it is none of them. */
function angleForm(inner: string): Inline | undefined {
  const user = /^@([UW][A-Z0-9]+)(?:\|[^>]*)?$/.exec(inner);
  if (user) return { type: 'user', id: user[1] };
  const channel = /^#([CGD][A-Z0-9]+)(?:\|([^>]*))?$/.exec(inner);
  if (channel) return { type: 'channel', id: channel[1], ...(channel[2] ? { name: decodeEntities(channel[2]) } : {}) };
  const broadcast = /^!(here|channel|everyone)(?:\|[^>]*)?$/.exec(inner);
  if (broadcast) return { type: 'broadcast', name: broadcast[1] as 'here' | 'channel' | 'everyone' };
  const special = /^![^|]+\|(.+)$/.exec(inner);
  if (special) return { type: 'text', text: decodeEntities(special[1]) };
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const url = safeUrl(target);
  if (url) return { type: 'link', url, label: label || decodeEntities(target) };
  // A link to somewhere that is not http(s) (javascript:, data:, mailto:): its words, as text.
  return { type: 'text', text: label ?? decodeEntities(target) };
}

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const push = (node: Inline) => {
    if (text) out.push({ type: 'text', text: decodeEntities(text) });
    text = '';
    out.push(node);
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ type: 'code', text: decodeEntities(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (c === '<') {
      const end = angleEnd(s, i);
      const node = end > 0 ? angleForm(s.slice(i + 1, end)) : undefined;
      if (node) {
        push(node);
        i = end + 1;
        continue;
      }
    } else if ((c === '*' || c === '_' || c === '~') && !isWordChar(s[i - 1]) && s[i + 1] !== ' ') {
      const end = styleEnd(s, i, c);
      if (end > 0) {
        push({ type: STYLES[c], children: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (c === ':') {
      const m = EMOJI_NAME.exec(s.slice(i));
      const char = m ? emojiFor(m[1]) : undefined;
      if (m && char) {
        push({ type: 'emoji', name: m[1], char });
        i += m[0].length;
        continue;
      }
    } else if ((c === 'h' || c === 'H') && !isWordChar(s[i - 1])) {
      const m = BARE_URL.exec(s.slice(i));
      const raw = m?.[0].split(/&[lg]t;/)[0].replace(TRAILING_PUNCTUATION, '');
      const url = raw ? safeUrl(raw) : undefined;
      if (raw && url) {
        push({ type: 'link', url, label: decodeEntities(raw) });
        i += raw.length;
        continue;
      }
    }
    text += c;
    i++;
  }
  if (text) out.push({ type: 'text', text: decodeEntities(text) });
  return out;
}
