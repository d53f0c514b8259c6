import { ClientError } from './errors';
import type { Caller } from './caller';
import { decodeScopedCursor, encodeScopedCursor, isIdPosition } from './cursor';
import { toSlackUser } from './format';
import { table } from './ports';

/** Users this instance has already provisioned: a warm instance writes each user once. */
const provisioned = new Set<string>();

/** Users and their workspace are created on first use from the token's claims. */
export async function ensureProvisioned(caller: Caller): Promise<void> {
  if (provisioned.has(caller.userId)) return;
  await Promise.all([
    table().users.createWorkspaceIfMissing(caller.teamId, caller.teamId),
    table().users.createUserIfMissing({ teamId: caller.teamId, userId: caller.userId, name: caller.userName, realName: caller.realName }),
  ]);
  if (caller.email) await table().users.setVerifiedEmail(caller.teamId, caller.userId, caller.email);
  provisioned.add(caller.userId);
}

export async function getUser(caller: Caller, userId: string) {
  const user = await table().users.get(caller.teamId, userId);
  if (!user) throw new ClientError('user_not_found');
  return user;
}

/** users.info: another workspace's user is not found, never forbidden. */
export async function userInfo(caller: Caller, userId: string) {
  return { user: toSlackUser(await getUser(caller, userId)) };
}

// The users of the caller's workspace, a page at a time, by id
export async function listUsers(caller: Caller, limit: number, cursor?: string) {
  const scope = table().users.pageScope(caller.teamId);
  const after = cursor ? decodeScopedCursor(cursor, scope, { u: isIdPosition }).u : undefined;
  const items = await table().users.page(caller.teamId, after, limit + 1);
  const page = items.slice(0, limit);
  const hasMore = items.length > limit;
  return {
    members: page.map(toSlackUser),
    response_metadata: { next_cursor: hasMore ? encodeScopedCursor(scope, { u: page[page.length - 1].userId }) : '' },
  };
}

/** Checks that every id names a user of the caller's workspace. */
export async function requireUsers(caller: Caller, userIds: string[]): Promise<void> {
  await Promise.all(userIds.map((u) => getUser(caller, u)));
}
