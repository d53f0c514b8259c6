import { checkChannelName } from '../../lambdas/core/channels';
import { checkText, MAX_TEXT } from '../../lambdas/core/messages';
import { checkReactionName } from '../../lambdas/core/reactions';
import { ClientError } from '../../lambdas/core/errors';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    return (error as ClientError).code;
  }
}

describe('checkChannelName', () => {
  it.each(['general', 'a-b_c1', 'a', '1', '9lives', 'x'.repeat(80)])('accepts %p', (name) => {
    expect(codeOf(() => checkChannelName(name))).toBeUndefined();
  });

  it('requires a name', () => {
    expect(codeOf(() => checkChannelName(''))).toBe('invalid_name_required');
  });

  it('refuses names past 80 characters', () => {
    expect(codeOf(() => checkChannelName('x'.repeat(81)))).toBe('invalid_name_maxlength');
  });

  it.each(['General', 'ABC', 'has space', 'dot.name', 'bang!', '#general', 'café', 'a/b', '-lead', '_lead', ' general', 'general\n'])('refuses %p', (name) => {
    expect(codeOf(() => checkChannelName(name))).toBe('invalid_name');
  });
});

describe('checkText', () => {
  const emoji = '\u{1F600}';

  it('accepts ordinary text', () => {
    expect(codeOf(() => checkText('hello', false))).toBeUndefined();
  });

  it.each(['', ' ', '\n\t  '])('refuses %p without files as no_text', (text) => {
    expect(codeOf(() => checkText(text, false))).toBe('no_text');
  });

  it('accepts empty text with files', () => {
    expect(codeOf(() => checkText('', true))).toBeUndefined();
    expect(codeOf(() => checkText('   ', true))).toBeUndefined();
  });

  it('allows exactly 40,000 characters and refuses 40,001', () => {
    expect(MAX_TEXT).toBe(40_000);
    expect(codeOf(() => checkText('a'.repeat(40_000), false))).toBeUndefined();
    expect(codeOf(() => checkText('a'.repeat(40_001), false))).toBe('msg_too_long');
    expect(codeOf(() => checkText('a'.repeat(40_001), true))).toBe('msg_too_long');
  });

  it('counts code points, not UTF-16 units', () => {
    const fine = emoji.repeat(40_000);
    expect(fine.length).toBe(80_000);
    expect(codeOf(() => checkText(fine, false))).toBeUndefined();
    expect(codeOf(() => checkText(emoji.repeat(40_001), false))).toBe('msg_too_long');
  });
});

describe('checkReactionName', () => {
  it.each([['thumbsup', 'thumbsup'], [':+1:', '+1'], ['e-mail', 'e-mail'], ["don't", "don't"], ['wave::skin-tone-3', 'wave::skin-tone-3'], ['proto', 'proto']])('accepts %p as %p', (name, bare) => {
    expect(checkReactionName(name)).toBe(bare);
  });

  // A reaction is a key of the stored map: a name a plain object already has would be lost or break its readers.
  it.each(['__proto__', ':__proto__:', 'constructor', ':constructor:', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'])('refuses %p', (name) => {
    expect(codeOf(() => checkReactionName(name))).toBe('invalid_name');
  });

  it.each(['', 'Thumbsup', 'has space', 'x'.repeat(65), 'wave::skin-tone-7', 'café'])('refuses %p', (name) => {
    expect(codeOf(() => checkReactionName(name))).toBe('invalid_name');
  });
});
