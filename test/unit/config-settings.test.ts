import { binding, numberSetting, textSetting } from '../../lambdas/config/env';
import { environmentOf, NUMBER_SETTINGS } from '../../lambdas/config/settings';

describe('config: one declaration per setting', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('lib gets each variable by its declared name, the default when a value is not given', () => {
    expect(environmentOf({ hotChannelThreshold: undefined, deliveryConcurrency: 64, defaultTeam: undefined })).toEqual({
      HOT_CHANNEL_THRESHOLD: '1000', FANOUT_CONCURRENCY: '64', DEFAULT_TEAM: 'default',
    });
  });

  test('values out of bounds fail at synth and at cold start, naming the variable', () => {
    expect(() => environmentOf({ deliveryConcurrency: 0 })).toThrow(/FANOUT_CONCURRENCY must be a whole number from 1/);
    expect(() => environmentOf({ hotChannelThreshold: 2.5 })).toThrow(/HOT_CHANNEL_THRESHOLD/);
    process.env.MAX_CONNECTION_SECONDS = 'soon';
    expect(() => numberSetting('maxConnectionSeconds')).toThrow(/MAX_CONNECTION_SECONDS/);
  });

  test('handlers read typed values: the variable when set, else the same default lib uses', () => {
    delete process.env.RATE_WS_SYNC_BURST;
    expect(numberSetting('wsSyncBurst')).toBe(NUMBER_SETTINGS.wsSyncBurst.default);
    process.env.RATE_WS_SYNC_BURST = '7';
    expect(numberSetting('wsSyncBurst')).toBe(7);
    process.env.ALLOWED_ORIGINS = '';
    expect(textSetting('allowedOrigins')).toBe('*');
  });

  test('a binding the infrastructure did not set fails loudly', () => {
    delete process.env.TABLE_NAME;
    expect(() => binding('table')).toThrow('missing environment variable TABLE_NAME');
  });

  test('every variable name is declared once', () => {
    const names = Object.values(NUMBER_SETTINGS).map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
  });
});
