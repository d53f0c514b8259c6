import type { Caller } from './caller';
import { ClientError } from './errors';
import { toSlackUser } from './format';
import { table } from './ports';

/*
 * What a workspace says about itself and its members beyond users.info: team.info, bots.info,
 * users.lookupByEmail.
 */

/** team.info: the caller's workspace (another workspace's id is `team_not_found`). */
export async function teamInfo(caller: Caller, teamId?: string) {
  if (teamId && teamId !== caller.teamId) throw new ClientError('team_not_found');
  const workspace = await table().users.workspace(caller.teamId);
  const name = workspace?.name ?? caller.teamId;
  return {
    team: {
      id: caller.teamId, name, domain: caller.teamId.toLowerCase().replace(/[^a-z0-9-]/g, '-'), email_domain: '',
      icon: { image_default: true },
    },
  };
}

/** bots.info: a bot of an app installed in the caller's workspace, in Slack's shape; any other id is `bot_not_found`. */
export async function botInfo(caller: Caller, botId?: string): Promise<Record<string, unknown>> {
  const app = botId ? (await table().apps.ofTeam(caller.teamId)).find((a) => a.botId === botId) : undefined;
  if (!app) throw new ClientError('bot_not_found');
  return {
    bot: {
      id: app.botId, deleted: false, name: app.name, updated: Math.floor(app.createdAt / 1000), app_id: app.appId, user_id: app.botUserId,
      icons: { image_36: '', image_48: '', image_72: '' },
    },
  };
}

/**
 * users.lookupByEmail: the workspace's user whose ID token last carried this address as verified
 * (an unverified claim could name anyone's address); `users_not_found` otherwise, Slack's answer.
 */
export async function lookupByEmail(caller: Caller, email: string): Promise<Record<string, unknown>> {
  if (!email.includes('@')) throw new ClientError('invalid_arguments', 'email');
  const address = email.trim().toLowerCase();
  const userId = await table().users.userIdByEmail(caller.teamId, address);
  const user = userId ? await table().users.get(caller.teamId, userId) : undefined;
  // The address moved on (the user's token now carries another one): not theirs any more.
  if (!user || user.email !== address) throw new ClientError('users_not_found');
  const slack = toSlackUser(user) as { profile?: Record<string, unknown> };
  return { user: { ...slack, profile: { ...slack.profile, email: address } } };
}
