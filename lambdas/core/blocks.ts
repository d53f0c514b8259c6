import { MESSAGE_RICH_BYTES } from './budgets';
import { ClientError } from './errors';

/*
 * Block Kit blocks and legacy attachments on a message: checked for shape (not against Block Kit's
 * whole schema: a block this API does not know is kept as given, since clients render blocks, not
 * the server), bounded in count and bytes, stored as the JSON given, and read for a plain-text
 * fallback (Slack's `text` is the notification and search text of a message posted without one).
 */

/** Slack's limit on blocks in one message. */
export const MAX_BLOCKS = 50;
/** Slack's limit on attachments in one message. */
export const MAX_ATTACHMENTS = 100;
/** The fallback text is bounded like any message text. */
const MAX_FALLBACK_CHARACTERS = 40_000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A JSON array as given, or a form field holding one (the SDKs send `blocks` JSON-encoded in form bodies). */
function asArray(raw: unknown, formatError: 'invalid_blocks_format' | 'invalid_attachments'): unknown[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ClientError(formatError);
    }
  }
  if (!Array.isArray(value)) throw new ClientError(formatError);
  return value;
}

/** Blocks and attachments as stored: their JSON, or undefined when absent or empty. */
export interface RichContent {
  blocksJson?: string;
  attachmentsJson?: string;
}

/**
 * Checks `blocks` and `attachments` (each a JSON array, or a string of one): `blocks` an array of at
 * most 50 objects each with a string `type`; `attachments` at most 100 objects; together at most
 * MESSAGE_RICH_BYTES of JSON. An empty array is the same as none (chat.update: "remove them").
 */
export function checkRichContent(blocks: unknown, attachments: unknown): RichContent {
  const blockList = asArray(blocks, 'invalid_blocks_format');
  const attachmentList = asArray(attachments, 'invalid_attachments');
  if (blockList) {
    if (blockList.length > MAX_BLOCKS) throw new ClientError('invalid_blocks', `no more than ${MAX_BLOCKS} blocks`);
    blockList.forEach((block, i) => {
      if (!isObject(block) || typeof block.type !== 'string' || block.type.length === 0 || block.type.length > 255) {
        throw new ClientError('invalid_blocks', `blocks[${i}] must be an object with a type`);
      }
    });
  }
  if (attachmentList) {
    if (attachmentList.length > MAX_ATTACHMENTS) throw new ClientError('too_many_attachments');
    attachmentList.forEach((attachment, i) => {
      if (!isObject(attachment)) throw new ClientError('invalid_attachments', `attachments[${i}] must be an object`);
      if (attachment.blocks !== undefined) checkRichContent(attachment.blocks, undefined);
    });
  }
  const out: RichContent = {};
  if (blockList?.length) out.blocksJson = JSON.stringify(blockList);
  if (attachmentList?.length) out.attachmentsJson = JSON.stringify(attachmentList);
  const bytes = Buffer.byteLength(out.blocksJson ?? '') + Buffer.byteLength(out.attachmentsJson ?? '');
  if (bytes > MESSAGE_RICH_BYTES) throw new ClientError('msg_blocks_too_long');
  return out;
}

/** Stored JSON back to the array given (undefined for none, or for a value that is not an array). */
export function parseStored(json: unknown): unknown[] | undefined {
  if (typeof json !== 'string' || json === '') return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a Block Kit text object (`{type: plain_text|mrkdwn, text}`) or a plain string. */
const textOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : isObject(v) && typeof v.text === 'string' ? v.text : undefined;

/** Rich text: the text runs, links, mentions and emoji of its elements, depth first. */
function richText(elements: unknown, out: string[], depth = 0): void {
  if (!Array.isArray(elements) || depth > 8) return;
  for (const e of elements) {
    if (!isObject(e)) continue;
    if (typeof e.text === 'string') out.push(e.text);
    else if (e.type === 'link' && typeof e.url === 'string') out.push(e.url);
    else if (e.type === 'user' && typeof e.user_id === 'string') out.push(`<@${e.user_id}>`);
    else if (e.type === 'channel' && typeof e.channel_id === 'string') out.push(`<#${e.channel_id}>`);
    else if (e.type === 'emoji' && typeof e.name === 'string') out.push(`:${e.name}:`);
    richText(e.elements, out, depth + 1);
  }
}

function blockLines(block: unknown): string[] {
  if (!isObject(block)) return [];
  switch (block.type) {
    case 'section': {
      const lines = [textOf(block.text)];
      if (Array.isArray(block.fields)) lines.push(...block.fields.map(textOf));
      return lines.filter((l): l is string => l !== undefined && l !== '');
    }
    case 'header':
    case 'markdown': {
      const t = textOf(block.text);
      return t ? [t] : [];
    }
    case 'context':
      return Array.isArray(block.elements) ? block.elements.map(textOf).filter((l): l is string => !!l) : [];
    case 'rich_text': {
      const runs: string[] = [];
      richText(block.elements, runs);
      const joined = runs.join('');
      return joined ? [joined] : [];
    }
    default:
      return [];
  }
}

function attachmentLines(attachment: unknown): string[] {
  if (!isObject(attachment)) return [];
  if (typeof attachment.fallback === 'string' && attachment.fallback !== '') return [attachment.fallback];
  const lines = [attachment.pretext, attachment.title, attachment.text].filter((l): l is string => typeof l === 'string' && l !== '');
  const blocks = Array.isArray(attachment.blocks) ? attachment.blocks.flatMap(blockLines) : [];
  return [...lines, ...blocks];
}

/**
 * The plain-text fallback of a message posted without `text`: the text of its section, header,
 * markdown, context and rich_text blocks, then of its attachments (`fallback`, else `pretext`,
 * `title`, `text`), one per line, at most 40,000 characters. Empty when none of them has text
 * (an image or a divider alone).
 */
export function fallbackText(content: RichContent): string {
  const lines = [
    ...(parseStored(content.blocksJson) ?? []).flatMap(blockLines),
    ...(parseStored(content.attachmentsJson) ?? []).flatMap(attachmentLines),
  ];
  const text = lines.join('\n');
  const characters = [...text];
  return characters.length > MAX_FALLBACK_CHARACTERS ? characters.slice(0, MAX_FALLBACK_CHARACTERS).join('') : text;
}
