import { resolveEnvironment, UnresolvableVariableError } from '../../local/env-resolver';

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
