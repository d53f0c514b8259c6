import { db } from '../adapters/clients';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { decodeScopedCursor, encodeScopedCursor, isIdPosition } from './cursor';
import { toSlackUser } from './format';
import { isConditionFailure, queryRange } from './store';

/** Users this instance has already provisioned: a warm instance writes each user once. */
const provisioned = new Set<string>();

/** Users and their workspace are created on first use from the token's claims. */
export async function ensureProvisioned(caller: Caller): Promise<void> {
  if (provisioned.has(caller.userId)) return;
  const createIfMissing = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };
  await Promise.all([
    createIfMissing(() => db().entities.workspace.create({ teamId: caller.teamId, name: caller.teamId }).go()),
    createIfMissing(() =>
      db().entities.user.create({ teamId: caller.teamId, userId: caller.userId, name: caller.userName, realName: caller.realName }).go(),
    ),
  ]);
  provisioned.add(caller.userId);
}

export async function getUser(caller: Caller, userId: string) {
  const { data } = await db().entities.user.get({ teamId: caller.teamId, userId }).go();
  if (!data) throw new ClientError('user_not_found');
  return data;
}

/** users.info: another workspace's user is not found, never forbidden. */
export async function userInfo(caller: Caller, userId: string) {
  return { user: toSlackUser(await getUser(caller, userId)) };
}

// The users of the caller's workspace, a page at a time, by id
export async function listUsers(caller: Caller, limit: number, cursor?: string) {
  const scope = `T#${caller.teamId}`;
  const after = cursor ? decodeScopedCursor(cursor, scope, { u: isIdPosition }).u : undefined;
  const items = await queryRange({
    partition: scope,
    from: after ? `U#${after}\u0000` : 'U#',
    to: 'U#\uffff',
    limit: limit + 1,
  });
  const page = items.slice(0, limit);
  const hasMore = items.length > limit;
  return {
    members: page.map(toSlackUser),
    response_metadata: { next_cursor: hasMore ? encodeScopedCursor(scope, { u: String(page[page.length - 1].userId) }) : '' },
  };
}

/** Checks that every id names a user of the caller's workspace. */
export async function requireUsers(caller: Caller, userIds: string[]): Promise<void> {
  await Promise.all(userIds.map((u) => getUser(caller, u)));
}
