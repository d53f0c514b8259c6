import { DeliveryTally, hourOf, rollingHour, shouldDisable } from '../../lambdas/core/app-health';
import { usePorts } from '../../lambdas/core/ports';
import type { HealthCounts } from '../../lambdas/model/apps';
import type { AppItem } from '../../lambdas/model/service';
import type { ChatTable } from '../../lambdas/model/table';
import { recordingDelivery } from './fakes/ports';

/*
 * The health decision of the Events API (Slack: an app failing more than 95% of its deliveries over
 * 60 minutes, past a minimum volume, has its event subscriptions disabled).
 */

const HOUR = 3_600_000;
const thresholds = { failurePercent: 95, minAttempts: 1000 };
const app = (over: Partial<AppItem> = {}): AppItem => ({
  teamId: 'T1', appId: 'A1', name: 'bot', botUserId: 'UBOT', botId: 'B1', scopes: [], botEvents: ['message.channels'],
  requestUrl: 'https://example.com/slack/events', socketMode: false, signingSecret: 's', createdAt: 0, ...over,
});

describe('shouldDisable: more than the failure share of at least the minimum tries', () => {
  it('disables past 95% of 1000 tries, not at 95% and not below the minimum volume', () => {
    expect(shouldDisable({ attempts: 1000, failures: 951 }, thresholds)).toBe(true);
    expect(shouldDisable({ attempts: 1000, failures: 950 }, thresholds)).toBe(false);
    expect(shouldDisable({ attempts: 999, failures: 999 }, thresholds)).toBe(false);
    expect(shouldDisable({ attempts: 5000, failures: 100 }, thresholds)).toBe(false);
    expect(shouldDisable({ attempts: 0, failures: 0 }, { failurePercent: 0, minAttempts: 1 })).toBe(false);
  });
});

describe('rollingHour: this hour plus the part of the last hour still within 60 minutes', () => {
  it('weighs the last hour by what is left of it', () => {
    const start = 500 * HOUR;
    const current: HealthCounts = { attempts: 100, failures: 100 };
    const previous: HealthCounts = { attempts: 1000, failures: 0 };
    expect(rollingHour(current, previous, start)).toEqual({ attempts: 1100, failures: 100 });
    expect(rollingHour(current, previous, start + HOUR / 4)).toEqual({ attempts: 850, failures: 100 });
    expect(rollingHour(current, previous, start + HOUR - 1).attempts).toBeCloseTo(100, 0);
  });
});

describe('DeliveryTally: one ADD per app and invocation; disabled once, with an error line', () => {
  function fakeHealth(initial: Record<string, HealthCounts> = {}) {
    const buckets = new Map(Object.entries(initial));
    const adds: Array<[string, number, number, number]> = [];
    const disabled: string[] = [];
    const reads: number[] = [];
    const apps = {
      addDeliveryCounts: async (appId: string, hour: number, attempts: number, failures: number) => {
        adds.push([appId, hour, attempts, failures]);
        const key = `${appId}#${hour}`;
        const b = buckets.get(key) ?? { attempts: 0, failures: 0 };
        const next = { attempts: b.attempts + attempts, failures: b.failures + failures };
        buckets.set(key, next);
        return next;
      },
      deliveryCounts: async (appId: string, hour: number) => {
        reads.push(hour);
        return buckets.get(`${appId}#${hour}`) ?? { attempts: 0, failures: 0 };
      },
      disableEvents: async (_teamId: string, appId: string) => {
        if (disabled.includes(appId)) return false;
        disabled.push(appId);
        return true;
      },
    };
    usePorts({ table: { apps } as unknown as ChatTable, delivery: recordingDelivery().delivery });
    return { adds, disabled, reads };
  }
  afterEach(() => usePorts(undefined));

  it('sums an invocation\'s tries per app into one ADD of the current hour', async () => {
    const { adds, disabled } = fakeHealth();
    const tally = new DeliveryTally();
    tally.count(app(), true);
    tally.count(app(), false);
    tally.count(app({ appId: 'A2' }), true);
    const now = 400 * HOUR + 10;
    expect(await tally.flush(now, thresholds)).toEqual([]);
    expect(adds).toEqual([['A1', hourOf(now), 2, 1], ['A2', hourOf(now), 1, 1]]);
    expect(disabled).toEqual([]);
  });

  it('disables an always-failing app once the rolling hour holds the minimum volume, and logs it at error level', async () => {
    const now = 400 * HOUR + HOUR / 2;
    const { disabled } = fakeHealth({ [`A1#${hourOf(now) - 1}`]: { attempts: 1000, failures: 1000 } });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const tally = new DeliveryTally();
      tally.count(app(), true);
      // 1 + half of the last hour's 1000: 501 tries, below 1000.
      expect(await tally.flush(now, thresholds)).toEqual([]);
      for (let i = 0; i < 499; i++) tally.count(app(), true);
      expect(await tally.flush(now, thresholds)).toEqual(['A1']);
      expect(disabled).toEqual(['A1']);
      const line = JSON.parse(String(errors.mock.calls.at(-1)?.[0])) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'error', alert: 'app_events_disabled', appId: 'A1', teamId: 'T1' });
      // Already disabled: not again.
      tally.count(app(), true);
      expect(await tally.flush(now, thresholds)).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('a counter the table refuses is logged, not thrown (the batch is not sent again for it)', async () => {
    usePorts({ table: { apps: { addDeliveryCounts: async () => { throw new Error('throttled'); } } } as unknown as ChatTable, delivery: recordingDelivery().delivery });
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const tally = new DeliveryTally();
      tally.count(app(), true);
      await expect(tally.flush(Date.now(), thresholds)).resolves.toEqual([]);
      expect(String(warnings.mock.calls[0]?.[0])).toContain('app delivery counts not recorded');
    } finally {
      warnings.mockRestore();
    }
  });

  it('a healthy hour reads no previous bucket and never disables', async () => {
    const { disabled, reads } = fakeHealth();
    const tally = new DeliveryTally();
    for (let i = 0; i < 2000; i++) tally.count(app(), false);
    expect(await tally.flush(Date.now(), { failurePercent: 0, minAttempts: 1 })).toEqual([]);
    expect(disabled).toEqual([]);
    expect(reads).toEqual([]);
  });
});
