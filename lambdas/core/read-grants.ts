import { createHmac, timingSafeEqual } from 'node:crypto';
import { readGrantKey } from '../adapters/media';
import type { Caller } from './caller';

/*
 * A read grant: the server's signed word that a user was a member of a hot channel when it was
 * made, so the read storm after a post in a channel of thousands (every member opening it together)
 * costs no membership read per request. `sync` hands one out with each hot channel it lists, and
 * conversations.history with each hot page it serves after reading the membership; the client
 * passes it back as `read_grant`.
 *
 * A grant holds for GRANT_MS, and only while no member has left or been removed since it was made:
 * every removal stamps the channel's head (`removedAt`), which the page snapshot reads at least once
 * a second, so a removed member's grants stop within about a second, as an eventually consistent
 * membership read would. A grant made less than CLOCK_MARGIN_MS after a removal is refused too:
 * the two times come from different machines' clocks. A refused grant costs only the membership read.
 */

export const GRANT_MS = 15 * 60_000;
const CLOCK_MARGIN_MS = 2_000;
const SIGNATURE_BYTES = 16;

let keyOverride: Buffer | undefined;

/** Replaces the signing key (unit tests without the media key; `undefined` goes back to it). */
export function useGrantKey(key: Buffer | undefined): void {
  keyOverride = key;
}

const key = async (): Promise<Buffer | undefined> => keyOverride ?? (await readGrantKey());

const signature = (secret: Buffer, caller: Caller, channelId: string, madeAt: number): Buffer =>
  createHmac('sha256', secret).update(`${caller.teamId}\n${caller.userId}\n${channelId}\n${madeAt}`).digest().subarray(0, SIGNATURE_BYTES);

/**
 * Makes the caller's grants for channels (its membership of each was just read), with one key read.
 * A function without the key makes none (undefined: the client reads with its membership checked).
 */
export async function readGrantMaker(caller: Caller, madeAt = Date.now()): Promise<(channelId: string) => string | undefined> {
  const secret = await key();
  return (channelId) => secret && `${madeAt.toString(36)}.${signature(secret, caller, channelId, madeAt).toString('base64url')}`;
}

export const makeReadGrant = async (caller: Caller, channelId: string): Promise<string | undefined> => (await readGrantMaker(caller))(channelId);

/**
 * Whether a presented grant lets the caller read the channel now: signed for this caller and
 * channel, younger than GRANT_MS, and made after the channel's last removal (epoch ms, 0: none).
 */
export async function readGrantHolds(grant: string | undefined, caller: Caller, channelId: string, lastRemovalAt: number, now = Date.now()): Promise<boolean> {
  if (!grant || grant.length > 64) return false;
  const [time, sig, extra] = grant.split('.');
  if (extra !== undefined || !time || !sig || !/^[0-9a-z]{1,11}$/.test(time)) return false;
  const madeAt = parseInt(time, 36);
  if (!(madeAt <= now + CLOCK_MARGIN_MS && now - madeAt < GRANT_MS && madeAt > lastRemovalAt + CLOCK_MARGIN_MS)) return false;
  const secret = await key();
  if (!secret) return false;
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(secret, caller, channelId, madeAt);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
