import { isLocal } from './harness/target';
import { runChaos } from './invariants/run';

/*
 * PROTOCOL.md's guarantees under faults, load and a crash (docs/reliability.md). Short mode in CI
 * (fixed seed, about 45 s of traffic); the long mode is `CHAOS_MINUTES=10 npm run test:chaos`.
 * Settings: CHAOS_MINUTES, CHAOS_USERS, CHAOS_DEVICES, CHAOS_CHANNELS, CHAOS_SEED, CHAOS_RESTART=0,
 * CHAOS_FAULTS (JSON, replaces the default rates), CHAOS_KEEP=1 (keep the private cloud's data dir).
 */

const DEFAULT_FAULTS = {
  connectionsPostFail: 0.1,
  connectionsPostStall: 0.02,
  connectionsPostStallMs: 2000,
  fanoutCrash: 0.1,
  fanoutTimeout: 0.05,
  dynamoThrottle: 0.05,
  dynamoError: 0.02,
  clockSkewMs: 1000,
  dropWsMidDelivery: 0.02,
};

const minutes = Number(process.env.CHAOS_MINUTES ?? '0.75');
const long = minutes > 1;
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = Math.round(minutes * 60);

(isLocal() ? describe : describe.skip)('invariants under faults (private local cloud)', () => {
  test(
    'every acknowledged message reaches every member device exactly once after dedupe, in order; nothing half-stored',
    async () => {
      const report = await runChaos({
        mode: long ? 'long' : 'short',
        users: num('CHAOS_USERS', 6),
        devicesPerUser: num('CHAOS_DEVICES', 2),
        channels: num('CHAOS_CHANNELS', 3),
        seconds,
        seed: num('CHAOS_SEED', 42),
        restart: process.env.CHAOS_RESTART !== '0',
        faults: process.env.CHAOS_FAULTS ? (JSON.parse(process.env.CHAOS_FAULTS) as Record<string, number>) : DEFAULT_FAULTS,
        pauseMs: [200, 900],
        httpShare: 0.2,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const f = report.figures;
      expect(f.acked).toBeGreaterThan(0);
      expect(f.acked).toBe(f.sent);
      expect(report.violations).toEqual([]);
      expect(f.lost).toBe(0);
      expect(f.duplicatedAfterDedupe).toBe(0);
      expect(f.delivered).toBe(f.expectedDeliveries);
      // The faults did happen.
      expect(Object.values(report.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    },
    (seconds + 720) * 1000,
  );
});
