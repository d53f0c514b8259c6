import { asTransactItem, entityItems, isConditionFailure, queryRange, batchGet, transact, type TableContext } from './store';
import { justAfter, endOf, keyOf, queryStart } from './entity-keys';
import type { UserItem } from './service';

/** Users and their workspaces. */
export function userAccess(t: TableContext) {
  const { workspace, user, userEmail } = t.service.entities;
  const ifMissing = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };
  return {
    // A workspace, created unless it exists
    createWorkspaceIfMissing: (teamId: string, name: string) => ifMissing(() => workspace.create({ teamId, name }).go()),

    // A user, created unless they exist
    createUserIfMissing: (u: { teamId: string; userId: string; name: string; realName?: string }) => ifMissing(() => user.create(u).go()),

    // A user's verified email address, on the user and as the address's own item (one transaction)
    setVerifiedEmail: async (teamId: string, userId: string, email: string): Promise<void> => {
      await transact(t, [
        asTransactItem('Put', userEmail.put({ teamId, email, userId }).params()),
        asTransactItem('Update', user.patch({ teamId, userId }).set({ email }).params()),
      ]);
    },

    // The user a verified address was last given to in a workspace
    userIdByEmail: async (teamId: string, email: string): Promise<string | undefined> => (await userEmail.get({ teamId, email }).go()).data?.userId,

    // A workspace by id
    workspace: async (teamId: string) => (await workspace.get({ teamId }).go()).data ?? undefined,

    // A user by id
    get: async (teamId: string, userId: string): Promise<UserItem | undefined> => (await user.get({ teamId, userId }).go()).data ?? undefined,

    // The partition the users listing reads: its cursors are scoped to it
    pageScope: (teamId: string): string => queryStart(user.query.primary({ teamId }).params()).partition,

    // The users of a workspace by id, after a user id, a page at a time
    page: async (teamId: string, afterUserId: string | undefined, limit: number): Promise<UserItem[]> => {
      const start = queryStart(user.query.primary({ teamId }).params());
      const items = await queryRange(t, {
        partition: start.partition,
        from: afterUserId ? justAfter(keyOf(user.get({ teamId, userId: afterUserId }).params()).sk) : start.sortPrefix,
        to: endOf(start.sortPrefix),
        limit,
      });
      return entityItems(items, (Item) => user.parse({ Item }).data);
    },

    // The handles of these users of the workspace, by id (those that exist)
    namesOf: async (teamId: string, userIds: string[]): Promise<Map<string, string>> => {
      const found = await batchGet(t, userIds.map((userId) => keyOf(user.get({ teamId, userId }).params())));
      return new Map(entityItems(found, (Item) => user.parse({ Item }).data).map((u) => [u.userId, u.name]));
    },

    // Which of these users exist in the workspace
    existing: async (teamId: string, userIds: string[]): Promise<Set<string>> => {
      const found = await batchGet(t, userIds.map((userId) => keyOf(user.get({ teamId, userId }).params())));
      return new Set(entityItems(found, (Item) => user.parse({ Item }).data).map((u) => u.userId));
    },
  };
}
