import { BenchSocket, devStats, signIn, waitForQuiet } from '../client';
import { PRICES } from '../cost';
import { usageBetween } from '../measure';
import { putAll } from '../seed';
import type { BenchContext } from './context';

/*
 * Scenario 5, what a reconnect costs (issue 15: a saving on messages must not move the cost to
 * sync): a user in N channels (10 members each by count, so below the hot threshold; channels and
 * memberships written straight to the table) reconnects and syncs from its cursor with nothing
 * missed. Read and write units of `$connect` (the lease, and a live subscription per channel) and
 * of `sync` (the inbox and every channel's log from the cursor, the memberships and the channel
 * metas for `hot_channels`), per reconnect, each measured by its caller.
 */

export interface ReconnectRow {
  channels: number;
  connect_rru: number;
  connect_wru: number;
  sync_rru: number;
  sync_wru: number;
  /** Dollars per million reconnects: both functions' units (not their requests or frames). */
  units_usd_per_million: number;
}

const REPEATS = 3;

export async function runReconnect(ctx: BenchContext, sizes: number[]): Promise<ReconnectRow[]> {
  const rows: ReconnectRow[] = [];
  for (const channels of sizes) {
    const user = await signIn(ctx.ep, `reconnect-${ctx.runId}-${channels}`, ctx.team);
    const ids = Array.from({ length: channels }, (_, i) => `CR${ctx.runId.toUpperCase()}${channels}X${i}`);
    const items = ids.flatMap((channelId, i) => [
      ctx.table.db.entities.channel.put({ channelId, teamId: user.teamId, name: `bench-rc-${ctx.runId}-${channels}-${i}`.toLowerCase(), kind: 'public', creator: user.userId, memberCount: 10 }).params(),
      ctx.table.db.entities.membership.put({ channelId, userId: user.userId, teamId: user.teamId, kind: 'public' }).params(),
    ].map((p) => (p as { Item: Record<string, unknown> }).Item));
    await putAll(ctx.table, items);
    await waitForQuiet(ctx.ep);

    // The device's first connection: its cursor (not measured).
    const first = await BenchSocket.connect(ctx.ep, user.token, 'dev-0', ctx.deliveries);
    let cursor = String((await first.request('sync', {}, 60_000)).cursor);
    await first.close();
    await waitForQuiet(ctx.ep);

    const sums = { connect_rru: 0, connect_wru: 0, sync_rru: 0, sync_wru: 0 };
    for (let r = 0; r < REPEATS; r++) {
      const before = await devStats(ctx.ep);
      const sock = await BenchSocket.connect(ctx.ep, user.token, 'dev-0', ctx.deliveries);
      const connected = await waitForQuiet(ctx.ep, 300);
      const reply = await sock.request('sync', { since: cursor }, 60_000);
      const synced = await waitForQuiet(ctx.ep, 300);
      cursor = String(reply.cursor ?? cursor);
      const connect = usageBetween(before, connected, ctx.functions, (name) => name === 'Realtime/Connect' || name === 'Realtime/Authorizer');
      const sync = usageBetween(connected, synced, ctx.functions, (name) => name === 'Realtime/Sync');
      sums.connect_rru += connect.readUnits;
      sums.connect_wru += connect.writeUnits;
      sums.sync_rru += sync.readUnits;
      sums.sync_wru += sync.writeUnits;
      await sock.close();
      await waitForQuiet(ctx.ep);
    }
    const avg = (n: number) => Math.round((n / REPEATS) * 10) / 10;
    const row: ReconnectRow = {
      channels,
      connect_rru: avg(sums.connect_rru), connect_wru: avg(sums.connect_wru),
      sync_rru: avg(sums.sync_rru), sync_wru: avg(sums.sync_wru),
      units_usd_per_million: 0,
    };
    row.units_usd_per_million = Math.round(((row.connect_rru + row.sync_rru) * PRICES.readUnit + (row.connect_wru + row.sync_wru) * PRICES.writeUnit) * 1e6 * 100) / 100;
    ctx.log(`  ${channels} channels: $connect ${row.connect_rru} RRU + ${row.connect_wru} WRU, sync ${row.sync_rru} RRU + ${row.sync_wru} WRU ($${row.units_usd_per_million} per million reconnects)`);
    rows.push(row);
  }
  return rows;
}
