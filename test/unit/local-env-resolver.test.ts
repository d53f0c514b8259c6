import { parseFunctionEnv, resolveEnvironment, UnresolvableVariableError } from '../../local/functions/env-resolver';

describe('resolveEnvironment', () => {
  const overrides = { TABLE_NAME: 'TeamChat-local', JWT_ISSUER: 'http://127.0.0.1:3000/dev/issuer' };

  it('keeps plain values and replaces deployment-bound ones from the override map', () => {
    const env = resolveEnvironment(
      'Fn',
      { NODE_OPTIONS: '--enable-source-maps', HOT: 1000, TABLE_NAME: { Ref: 'DataTable' }, JWT_ISSUER: 'https://cognito-idp.example/pool' },
      overrides,
    );
    expect(env).toEqual({ NODE_OPTIONS: '--enable-source-maps', HOT: '1000', TABLE_NAME: 'TeamChat-local', JWT_ISSUER: 'http://127.0.0.1:3000/dev/issuer' });
  });

  it('fails naming the variable when an intrinsic has no local value', () => {
    expect(() => resolveEnvironment('FanoutFn', { QUEUE_URL: { Ref: 'Queue' } }, overrides)).toThrow(UnresolvableVariableError);
    expect(() => resolveEnvironment('FanoutFn', { QUEUE_URL: { 'Fn::GetAtt': ['Queue', 'QueueUrl'] } }, overrides)).toThrow(/FanoutFn.*QUEUE_URL/);
  });
});

describe('parseFunctionEnv (LOCAL_FUNCTION_ENV)', () => {
  it('reads a JSON object of strings; empty or unset is no override', () => {
    expect(parseFunctionEnv('{"HOT_CHANNEL_THRESHOLD":"3","MAX_CONNECTIONS_PER_USER":"40"}')).toEqual({ HOT_CHANNEL_THRESHOLD: '3', MAX_CONNECTIONS_PER_USER: '40' });
    expect(parseFunctionEnv(undefined)).toEqual({});
    expect(parseFunctionEnv(' ')).toEqual({});
  });

  it('refuses what is not a JSON object of strings, and the names the local cloud sets itself', () => {
    expect(() => parseFunctionEnv('HOT=3')).toThrow(/not JSON/);
    expect(() => parseFunctionEnv('["HOT"]')).toThrow(/object/);
    expect(() => parseFunctionEnv('{"HOT_CHANNEL_THRESHOLD":3}')).toThrow(/must be a string/);
    expect(() => parseFunctionEnv('{"hot":"3"}')).toThrow(/not an environment variable name/);
    expect(() => parseFunctionEnv('{"TABLE_NAME":"x"}')).toThrow(/cannot be overridden/);
    expect(() => parseFunctionEnv('{"AWS_REGION":"x"}')).toThrow(/cannot be overridden/);
  });
});
