import { parseInline, parseMrkdwn, safeUrl, type Block, type Inline } from '../../web/src/mrkdwn/parse';

/* Slack mrkdwn as the web client reads it (web/src/mrkdwn/parse.ts): a tree that holds only text, http(s) links and known forms. */

const text = (t: string): Inline => ({ type: 'text', text: t });
const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });

/** Every link URL anywhere in a tree. */
function urlsIn(blocks: Block[]): string[] {
  const ofInline = (n: Inline): string[] => (n.type === 'link' ? [n.url] : 'children' in n ? n.children.flatMap(ofInline) : []);
  const ofBlock = (b: Block): string[] =>
    b.type === 'paragraph' ? b.children.flatMap(ofInline) : b.type === 'quote' ? b.children.flatMap(ofBlock) : b.type === 'list' ? b.items.flat().flatMap(ofInline) : [];
  return blocks.flatMap(ofBlock);
}

describe('inline styles', () => {
  it('reads *bold*, _italic_, ~strike~ and `code`', () => {
    expect(parseInline('a *b* _i_ ~s~ `c`')).toEqual([
      text('a '), { type: 'bold', children: [text('b')] }, text(' '), { type: 'italic', children: [text('i')] }, text(' '),
      { type: 'strike', children: [text('s')] }, text(' '), { type: 'code', text: 'c' },
    ]);
  });

  it('nests styles', () => {
    expect(parseInline('*bold _and italic_*')).toEqual([{ type: 'bold', children: [text('bold '), { type: 'italic', children: [text('and italic')] }] }]);
  });

  it('leaves marks inside words, with spaces inside the marks, or unclosed as typed', () => {
    expect(parseInline('snake_case_name')).toEqual([text('snake_case_name')]);
    expect(parseInline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
    expect(parseInline('*open')).toEqual([text('*open')]);
    expect(parseInline('a*b*c')).toEqual([text('a*b*c')]);
  });

  it('does not style inside code', () => {
    expect(parseInline('`*not bold*`')).toEqual([{ type: 'code', text: '*not bold*' }]);
  });
});

describe('links', () => {
  it('reads <url|label>, <url> and bare links, leaving trailing punctuation out', () => {
    expect(parseInline('<https://example.com/a?b=1&amp;c=2|the docs>')).toEqual([{ type: 'link', url: 'https://example.com/a?b=1&c=2', label: 'the docs' }]);
    expect(parseInline('<http://example.com>')).toEqual([{ type: 'link', url: 'http://example.com/', label: 'http://example.com' }]);
    expect(parseInline('see https://example.com/x.')).toEqual([text('see '), { type: 'link', url: 'https://example.com/x', label: 'https://example.com/x' }, text('.')]);
  });

  it('a bold link', () => {
    expect(parseInline('*<https://a.example/*x*|go>*')).toEqual([{ type: 'bold', children: [{ type: 'link', url: 'https://a.example/*x*', label: 'go' }] }]);
  });

  it('never links anything but http(s)', () => {
    expect(parseInline('<javascript:alert(1)|click me>')).toEqual([text('click me')]);
    expect(parseInline('<JavaScript:alert(1)>')).toEqual([text('JavaScript:alert(1)')]);
    expect(parseInline('<data:text/html,<b>x</b>|x>')).toEqual([text('<data:text/html,<b>x</b>|x>')]);
    expect(parseInline('<mailto:a@example.com|mail>')).toEqual([text('mail')]);
    expect(parseInline('javascript:alert(1)')).toEqual([text('javascript:alert(1)')]);
    for (const raw of ['javascript:alert(1)', ' javascript:x', 'data:text/html,x', '//evil.example', '/relative', 'https//x']) expect(safeUrl(raw)).toBeUndefined();
    expect(safeUrl('HTTPS://Example.com/p')).toBe('https://example.com/p');
  });

  it('an escaped <…> stays text', () => {
    expect(parseInline('&lt;https://example.com|x&gt;')).toEqual([text('<'), { type: 'link', url: 'https://example.com/', label: 'https://example.com' }, text('|x>')]);
  });
});

describe('HTML in messages stays text', () => {
  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '<svg onload=alert(1)>',
    '<iframe src=javascript:alert(1)>',
  ])('%s', (raw) => {
    const blocks = parseMrkdwn(raw);
    expect(urlsIn(blocks).every((u) => u.startsWith('https://') || u.startsWith('http://'))).toBe(true);
    const flat = JSON.stringify(blocks);
    expect(flat).not.toContain('"type":"link"');
    expect(blocks).toHaveLength(1);
    const only = blocks[0] as { type: 'paragraph'; children: Inline[] };
    expect(only.children.every((n) => n.type === 'text')).toBe(true);
    expect(only.children.map((n) => (n.type === 'text' ? n.text : '')).join('')).toBe(raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  });
});

describe('mentions, channels and emoji', () => {
  it('reads <@U…>, <#C…>, <#C…|name> and <!here>', () => {
    expect(parseInline('hi <@U123ABC> in <#C999> and <#C777|general> <!here>')).toEqual([
      text('hi '), { type: 'user', id: 'U123ABC' }, text(' in '), { type: 'channel', id: 'C999' }, text(' and '),
      { type: 'channel', id: 'C777', name: 'general' }, text(' '), { type: 'broadcast', name: 'here' },
    ]);
  });

  it('reads :emoji: names it knows and leaves others (and times) as typed', () => {
    expect(parseInline('ship it :rocket: :tada:')).toEqual([text('ship it '), { type: 'emoji', name: 'rocket', char: '🚀' }, text(' '), { type: 'emoji', name: 'tada', char: '🎉' }]);
    expect(parseInline(':not_an_emoji: at 10:30:00')).toEqual([text(':not_an_emoji: at 10:30:00')]);
    expect(parseInline(':constructor: :prototype:')).toEqual([text(':constructor: :prototype:')]);
  });
});

describe('blocks', () => {
  it('reads code blocks whole, without styling inside', () => {
    expect(parseMrkdwn('before\n```\nconst a = *b*;\n<@U1>\n```\nafter')).toEqual([
      para(text('before')), { type: 'code_block', text: 'const a = *b*;\n<@U1>' }, para(text('after')),
    ]);
    expect(parseMrkdwn('```inline code```')).toEqual([{ type: 'code_block', text: 'inline code' }]);
  });

  it('reads quotes (also escaped &gt;) and lists', () => {
    expect(parseMrkdwn('> quoted *line*\n&gt; second\nplain\n- one\n- two\n1. first\n2. second')).toEqual([
      { type: 'quote', children: [para(text('quoted '), { type: 'bold', children: [text('line')] }, { type: 'break' }, text('second'))] },
      para(text('plain')),
      { type: 'list', ordered: false, items: [[text('one')], [text('two')]] },
      { type: 'list', ordered: true, items: [[text('first')], [text('second')]] },
    ]);
  });

  it('keeps line breaks inside a paragraph', () => {
    expect(parseMrkdwn('hi alice\nsecond line')).toEqual([para(text('hi alice'), { type: 'break' }, text('second line'))]);
  });

  it('empty text is no blocks', () => {
    expect(parseMrkdwn('')).toEqual([]);
  });
});
