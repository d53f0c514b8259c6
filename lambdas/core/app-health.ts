import { numberSetting } from '../config/env';
import { logger } from '../adapters/logger';
import type { HealthCounts } from '../model/apps';
import type { AppItem } from '../model/service';
import { table } from './ports';

/*
 * Slack disables an app's event subscriptions when more than 95% of its deliveries fail over 60
 * minutes, past a minimum volume. Here: every Events API try adds to the app's counters of the
 * current hour (one item per app and hour, ADD), and the rolling hour is this hour's counts plus the
 * share of the last hour's that still lies within 60 minutes (the usual sliding-window estimate:
 * two items, no per-try rows). Past both thresholds the app's delivery is switched off, once, with an
 * error-level log line for whoever operates the deployment (README: Apps and bots).
 */

export interface HealthThresholds {
  /** Disable above this share of failed tries (percent). */
  failurePercent: number;
  /** Only once the rolling hour holds at least this many tries. */
  minAttempts: number;
}

export const healthThresholds = (): HealthThresholds => ({
  failurePercent: numberSetting('appDisableFailurePercent'),
  minAttempts: numberSetting('appDisableMinAttempts'),
});

export const hourOf = (nowMs: number): number => Math.floor(nowMs / 3_600_000);

/** The rolling hour's counts: this hour's, and the last hour's weighted by how much of it is still within 60 minutes. */
export function rollingHour(current: HealthCounts, previous: HealthCounts, nowMs: number): HealthCounts {
  const intoHour = (nowMs % 3_600_000) / 3_600_000;
  const weight = 1 - intoHour;
  return { attempts: current.attempts + previous.attempts * weight, failures: current.failures + previous.failures * weight };
}

/** Whether an app with these counts over the last hour should have its event delivery disabled. */
export function shouldDisable(hour: HealthCounts, t: HealthThresholds): boolean {
  if (hour.attempts < t.minAttempts || hour.attempts === 0) return false;
  return (hour.failures / hour.attempts) * 100 > t.failurePercent;
}

/** Tries and failures of one invocation, per app: written as one ADD per app. */
export class DeliveryTally {
  private readonly byApp = new Map<string, { app: AppItem; attempts: number; failures: number }>();

  count(app: AppItem, failed: boolean): void {
    const entry = this.byApp.get(app.appId) ?? { app, attempts: 0, failures: 0 };
    entry.attempts++;
    if (failed) entry.failures++;
    this.byApp.set(app.appId, entry);
  }

  /** Adds the counts to each app's hour and disables the apps past the thresholds. Returns the apps disabled now. */
  async flush(nowMs = Date.now(), thresholds = healthThresholds()): Promise<string[]> {
    const disabled: string[] = [];
    const entries = [...this.byApp.values()];
    this.byApp.clear();
    for (const { app, attempts, failures } of entries) {
      const hour = hourOf(nowMs);
      // Best effort: failing the invocation for a counter would send every app's events again.
      const current = await table().apps.addDeliveryCounts(app.appId, hour, attempts, failures).catch((error: unknown) => {
        logger.warn('app delivery counts not recorded', { appId: app.appId, attempts, failures, error });
        return undefined;
      });
      if (!current) continue;
      // Only an hour with failures can tip the balance: a healthy one costs no second read.
      if (failures === 0 || app.eventsDisabledAt !== undefined) continue;
      const previous = await table().apps.deliveryCounts(app.appId, hour - 1);
      const rolling = rollingHour(current, previous, nowMs);
      if (!shouldDisable(rolling, thresholds)) continue;
      if (await table().apps.disableEvents(app.teamId, app.appId)) {
        disabled.push(app.appId);
        logger.error('app event delivery disabled: its Events API deliveries failed too often (re-enable with `npm run app -- enable`)', {
          alert: 'app_events_disabled',
          appId: app.appId,
          teamId: app.teamId,
          appName: app.name,
          attempts: Math.round(rolling.attempts),
          failures: Math.round(rolling.failures),
          failurePercent: thresholds.failurePercent,
          minAttempts: thresholds.minAttempts,
        });
      }
    }
    return disabled;
  }
}
