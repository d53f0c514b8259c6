import { logger, redact } from '../../lambdas/adapters/logger';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXBhcnQ';

describe('redact', () => {
  it('redacts JWT-shaped strings, alone or inside text', () => {
    expect(redact(JWT)).toBe('[redacted]');
    const out = redact(`Bearer ${JWT} was refused`) as string;
    expect(out).toBe('Bearer [redacted] was refused');
    expect(out).not.toContain('eyJ');
  });

  it('redacts ?token= and &token= in URLs', () => {
    expect(redact('wss://x.example/prod?token=abc123&device=d1')).toBe('wss://x.example/prod?token=[redacted]&device=d1');
    expect(redact('https://x/?a=1&token=s3cr3t')).toBe('https://x/?a=1&token=[redacted]');
  });

  it.each(['token', 'accessToken', 'Authorization', 'clientSecret', 'password', 'signature', 'privateKey'])('redacts the value of key %p', (key) => {
    const out = redact({ [key]: 'value-123', other: 'kept' }) as Record<string, unknown>;
    expect(out[key]).toBe('[redacted]');
    expect(out.other).toBe('kept');
  });

  it('redacts secret keys even when their values are objects', () => {
    expect(redact({ authorization: { scheme: 'Bearer', value: 'x' } })).toEqual({ authorization: '[redacted]' });
  });

  it('keeps ordinary text and values', () => {
    expect(redact('hello world, see https://example.com/?page=2')).toBe('hello world, see https://example.com/?page=2');
    expect(redact({ channel: 'C1', count: 3, ok: true, none: null })).toEqual({ channel: 'C1', count: 3, ok: true, none: null });
    expect(redact(42)).toBe(42);
    expect(redact(undefined)).toBeUndefined();
  });

  it('redacts inside nested objects, arrays and errors', () => {
    const out = redact({ request: { headers: { Authorization: 'Bearer x' }, urls: [`u?token=abc`] }, error: new Error(`bad ${JWT}`) }) as any;
    expect(out.request.headers.Authorization).toBe('[redacted]');
    expect(out.request.urls).toEqual(['u?token=[redacted]']);
    expect(out.error).toEqual({ name: 'Error', message: 'bad [redacted]' });
  });

  it('does not modify its input', () => {
    const input = { token: 'abc', nested: { text: JWT } };
    redact(input);
    expect(input).toEqual({ token: 'abc', nested: { text: JWT } });
  });
});

describe('logger', () => {
  it('writes redacted JSON lines', () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      logger.warn(`saw ${JWT}`, { token: 'abc', channel: 'C1' });
      expect(spy).toHaveBeenCalledTimes(1);
      const line = JSON.parse(spy.mock.calls[0][0] as string);
      expect(line).toEqual({ level: 'warn', message: 'saw [redacted]', token: '[redacted]', channel: 'C1' });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('redact: apps', () => {
  it("redacts bot and app-level tokens, Socket Mode tickets, and the ?s= secret of webhook and response URLs", () => {
    const out = redact('xoxb-AbC_123-x and xapp-Zz9 at ws://h/v1?token=xsmt-q1 and http://h/services/A1?s=sEcReT-1&x=1') as string;
    expect(out).not.toMatch(/AbC_123|Zz9|q1|sEcReT/);
    expect(out).toContain('x=1');
  });
});
