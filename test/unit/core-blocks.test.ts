import { checkRichContent, fallbackText, MAX_ATTACHMENTS, MAX_BLOCKS, parseStored } from '../../lambdas/core/blocks';
import { MESSAGE_RICH_BYTES } from '../../lambdas/core/budgets';
import { ClientError } from '../../lambdas/core/errors';
import { toSlackMessage } from '../../lambdas/core/format';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    return error instanceof ClientError ? error.code : `threw ${String(error)}`;
  }
};

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('blocks and attachments: shape', () => {
  test('an array of typed objects is kept exactly as given, as JSON; a JSON string of one too (form bodies)', () => {
    const blocks = [section('*hi*'), { type: 'divider' }, { type: 'some_future_block', anything: { nested: [1, 2, { deep: true }] } }];
    const rich = checkRichContent(blocks, undefined);
    expect(parseStored(rich.blocksJson)).toEqual(blocks);
    expect(checkRichContent(JSON.stringify(blocks), undefined)).toEqual(rich);
    expect(rich.attachmentsJson).toBeUndefined();
  });

  test('absent, empty string and empty array are no blocks', () => {
    expect(checkRichContent(undefined, undefined)).toEqual({});
    expect(checkRichContent('', '')).toEqual({});
    expect(checkRichContent([], '[]')).toEqual({});
  });

  test('bad shapes: invalid_blocks_format (not a JSON array), invalid_blocks (an element without a type, past 50)', () => {
    expect(codeOf(() => checkRichContent('not json', undefined))).toBe('invalid_blocks_format');
    expect(codeOf(() => checkRichContent({ type: 'section' }, undefined))).toBe('invalid_blocks_format');
    expect(codeOf(() => checkRichContent('{"type":"section"}', undefined))).toBe('invalid_blocks_format');
    expect(codeOf(() => checkRichContent([{ text: 'no type' }], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent([{ type: '' }], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent([{ type: 7 }], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent(['section'], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent([null], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent([[{ type: 'section' }]], undefined))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent(Array.from({ length: MAX_BLOCKS }, () => ({ type: 'divider' })), undefined))).toBeUndefined();
    expect(codeOf(() => checkRichContent(Array.from({ length: MAX_BLOCKS + 1 }, () => ({ type: 'divider' })), undefined))).toBe('invalid_blocks');
  });

  test('attachments: objects only (invalid_attachments), at most 100 (too_many_attachments), their blocks checked too', () => {
    expect(codeOf(() => checkRichContent(undefined, 'nope'))).toBe('invalid_attachments');
    expect(codeOf(() => checkRichContent(undefined, ['text']))).toBe('invalid_attachments');
    expect(codeOf(() => checkRichContent(undefined, [{ text: 'ok', blocks: [{ no: 'type' }] }]))).toBe('invalid_blocks');
    expect(codeOf(() => checkRichContent(undefined, Array.from({ length: MAX_ATTACHMENTS }, () => ({ text: 'a' }))))).toBeUndefined();
    expect(codeOf(() => checkRichContent(undefined, Array.from({ length: MAX_ATTACHMENTS + 1 }, () => ({ text: 'a' }))))).toBe('too_many_attachments');
  });

  test('blocks and attachments together are bounded in JSON bytes (msg_blocks_too_long), control characters counted as encoded', () => {
    const half = Math.floor(MESSAGE_RICH_BYTES / 2);
    const fits = [section('x'.repeat(half - 100))];
    expect(codeOf(() => checkRichContent(fits, [{ text: 'y'.repeat(half - 100) }]))).toBeUndefined();
    expect(codeOf(() => checkRichContent(fits, [{ text: 'y'.repeat(half + 100) }]))).toBe('msg_blocks_too_long');
    // 12,000 control characters are 72,000 bytes of JSON: over the budget though far under it in characters.
    expect(codeOf(() => checkRichContent([section('\u0001'.repeat(12_000))], undefined))).toBe('msg_blocks_too_long');
  });
});

describe('the plain-text fallback', () => {
  test('section text and fields, header, context, markdown and rich_text, one per line; dividers and images add nothing', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Deploy finished' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*prod* is green' }, fields: [{ type: 'mrkdwn', text: 'took 4m' }, { type: 'plain_text', text: 'by ci' }] },
      { type: 'divider' },
      { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'graph' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'run #42' }, { type: 'image', image_url: 'x', alt_text: 'y' }] },
      { type: 'markdown', text: '**done**' },
      {
        type: 'rich_text', elements: [{
          type: 'rich_text_section', elements: [
            { type: 'text', text: 'ping ' }, { type: 'user', user_id: 'U1' }, { type: 'text', text: ' see ' },
            { type: 'link', url: 'https://x.test' }, { type: 'text', text: ' ' }, { type: 'emoji', name: 'tada' },
          ],
        }],
      },
    ];
    expect(fallbackText(checkRichContent(blocks, undefined))).toBe(
      'Deploy finished\n*prod* is green\ntook 4m\nby ci\nrun #42\n**done**\nping <@U1> see https://x.test :tada:',
    );
  });

  test('attachments: fallback wins, else pretext, title and text; after the blocks', () => {
    const rich = checkRichContent([section('top')], [{ fallback: 'plain summary', text: 'ignored' }, { pretext: 'pre', title: 'Title', text: 'body' }]);
    expect(fallbackText(rich)).toBe('top\nplain summary\npre\nTitle\nbody');
  });

  test('nothing textual: empty; very long: cut to 40,000 characters', () => {
    expect(fallbackText(checkRichContent([{ type: 'divider' }], undefined))).toBe('');
    const long = checkRichContent([section('a'.repeat(30_000)), section('b'.repeat(30_000))], undefined);
    expect([...fallbackText(long)].length).toBe(40_000);
  });
});

describe('messages carry blocks and attachments out', () => {
  test('as the arrays given; a tombstone carries neither', () => {
    const blocks = [section('hi')];
    const attachments = [{ fallback: 'f', color: '#36a64f' }];
    const item = { channelId: 'C1', ts: '01HF00000000000000000000AA', userId: 'U1', text: 'hi', blocks: JSON.stringify(blocks), attachments: JSON.stringify(attachments) };
    expect(toSlackMessage(item)).toMatchObject({ blocks, attachments, text: 'hi' });
    const gone = toSlackMessage({ ...item, deleted: true });
    expect(gone).not.toHaveProperty('blocks');
    expect(gone).not.toHaveProperty('attachments');
  });
});
