import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

// @middy/core only exports an `import` condition, which jest's CommonJS resolver cannot find.
// parseArgs and parseFrame do not use it; a stand-in keeps the edge modules importable here.
jest.mock('@middy/core', () => ({ __esModule: true, default: () => ({ handler: (fn: unknown) => fn }) }), { virtual: true });
import { MAX_BODY_BYTES, parseArgs } from '../../lambdas/edge/http-edge';
import { parseFrame } from '../../lambdas/edge/ws-edge';
import { ClientError } from '../../lambdas/core/errors';

type EventParts = { query?: Record<string, string | undefined>; body?: string; base64?: boolean; contentType?: string };

const event = ({ query, body, base64 = false, contentType }: EventParts) =>
  ({
    queryStringParameters: query,
    body,
    isBase64Encoded: base64,
    headers: contentType ? { 'content-type': contentType } : {},
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

function errorOf(fn: () => unknown): ClientError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    return error as ClientError;
  }
  throw new Error('expected a ClientError');
}

describe('http parseArgs', () => {
  it('takes query parameters', () => {
    expect({ ...parseArgs(event({ query: { channel: 'C1', limit: '5', skip: undefined } })) }).toEqual({ channel: 'C1', limit: '5' });
  });

  it('returns no arguments for no query and no body', () => {
    expect(Object.keys(parseArgs(event({})))).toEqual([]);
  });

  it('merges a JSON body over the query', () => {
    const args = parseArgs(event({ query: { channel: 'C1', limit: '5' }, body: JSON.stringify({ text: 'hi', limit: 7, files: [1] }), contentType: 'application/json' }));
    expect({ ...args }).toEqual({ channel: 'C1', limit: 7, text: 'hi', files: [1] });
  });

  it('reads a JSON body without a content type', () => {
    expect({ ...parseArgs(event({ body: '{"a":1}' })) }).toEqual({ a: 1 });
  });

  it('reads form bodies', () => {
    const args = parseArgs(event({ query: { a: 'q' }, body: 'channel=C1&text=hello+world%21&a=b', contentType: 'application/x-www-form-urlencoded; charset=utf-8' }));
    expect({ ...args }).toEqual({ a: 'b', channel: 'C1', text: 'hello world!' });
  });

  it('matches the form content type case-insensitively', () => {
    expect({ ...parseArgs(event({ body: 'x=1', contentType: 'Application/X-WWW-Form-Urlencoded' })) }).toEqual({ x: '1' });
  });

  it("reads a JSON object sent under curl's default form content type", () => {
    const args = parseArgs(event({ body: ' {"name":"general","is_private":true}\n', contentType: 'application/x-www-form-urlencoded' }));
    expect({ ...args }).toEqual({ name: 'general', is_private: true });
    expect(errorOf(() => parseArgs(event({ body: '{"name":}', contentType: 'application/x-www-form-urlencoded' }))).code).toBe('invalid_arguments');
    expect({ ...parseArgs(event({ body: '{x}=1', contentType: 'application/x-www-form-urlencoded' })) }).toEqual({ '{x}': '1' });
  });

  it('decodes base64 bodies', () => {
    const json = Buffer.from(JSON.stringify({ text: 'héllo ☕' })).toString('base64');
    expect({ ...parseArgs(event({ body: json, base64: true })) }).toEqual({ text: 'héllo ☕' });
    const form = Buffer.from('text=hi').toString('base64');
    expect({ ...parseArgs(event({ body: form, base64: true, contentType: 'application/x-www-form-urlencoded' })) }).toEqual({ text: 'hi' });
  });

  it('refuses invalid JSON as invalid_arguments', () => {
    const error = errorOf(() => parseArgs(event({ body: '{"a":', contentType: 'application/json' })));
    expect(error.code).toBe('invalid_arguments');
  });

  it.each(['[1,2]', 'null', '"text"', '42', 'true'])('refuses the JSON body %s', (body) => {
    expect(errorOf(() => parseArgs(event({ body, contentType: 'application/json' }))).code).toBe('invalid_arguments');
  });

  it('refuses bodies past the limit, also when base64-encoded', () => {
    const big = JSON.stringify({ text: 'x'.repeat(MAX_BODY_BYTES) });
    expect(errorOf(() => parseArgs(event({ body: big }))).code).toBe('invalid_arguments');
    expect(errorOf(() => parseArgs(event({ body: Buffer.from(big).toString('base64'), base64: true }))).code).toBe('invalid_arguments');
    const form = 'text=' + 'x'.repeat(MAX_BODY_BYTES);
    expect(errorOf(() => parseArgs(event({ body: form, contentType: 'application/x-www-form-urlencoded' }))).code).toBe('invalid_arguments');
  });

  it('counts the limit in bytes, not characters', () => {
    const text = '\u00e9'.repeat(MAX_BODY_BYTES / 2);
    expect(errorOf(() => parseArgs(event({ body: JSON.stringify({ text }) }))).code).toBe('invalid_arguments');
  });

  it('accepts a body just under the limit', () => {
    const body = JSON.stringify({ text: 'x'.repeat(MAX_BODY_BYTES - 20) });
    expect(parseArgs(event({ body })).text).toHaveLength(MAX_BODY_BYTES - 20);
  });

  it('does not let __proto__ keys pollute Object.prototype', () => {
    const fromJson = parseArgs(event({ body: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}' }));
    const fromForm = parseArgs(event({ body: '__proto__[polluted]=yes&__proto__=x', contentType: 'application/x-www-form-urlencoded' }));
    const fromQuery = parseArgs(event({ query: JSON.parse('{"__proto__":"x","b":"2"}') as Record<string, string> }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect((fromJson as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(fromJson)).toBeNull();
    expect((fromForm as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(fromQuery)).toBeNull();
    expect(fromQuery.b).toBe('2');
  });
});

describe('ws parseFrame', () => {
  it('returns a JSON object frame', () => {
    expect(parseFrame('{"type":"message","id":1,"text":"hi"}')).toEqual({ type: 'message', id: 1, text: 'hi' });
  });

  it.each([undefined, '', 'not json', '{"a":', '[1]', 'null', '"text"', '42', 'true'])('returns null for %p', (body) => {
    expect(parseFrame(body)).toBeNull();
  });

  it('does not pollute Object.prototype through __proto__', () => {
    const frame = parseFrame('{"__proto__":{"polluted":"yes"},"type":"ping"}');
    expect(frame).not.toBeNull();
    expect(frame!.type).toBe('ping');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
