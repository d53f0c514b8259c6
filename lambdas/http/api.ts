import { httpHandler } from '../shared/http-edge';
import { ClientError } from '../shared/errors';

/** POST/GET /api/{method}: Slack's Web API methods. */
export const handler = httpHandler(async ({ method, caller }) => {
  if (method === 'auth.test') return { user_id: caller.userId, team_id: caller.teamId, user: caller.userName };
  throw new ClientError('unknown_method');
});
