import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { textSetting } from '../config/env';
import { InvalidToken } from '../core/errors';
import type { Caller } from '../core/caller';
import { callerFromClaims } from '../edge/identity';
import { verifyToken } from '../edge/jwt';
import { logger } from '../adapters/logger';
import { appOfTicket, isSocketTicket } from '../core/apps';

const DEFAULT_TEAM = textSetting('defaultTeam');
/** Browser origins allowed to open a WebSocket; '*' allows any (clients without an Origin always pass). */
const ALLOWED_ORIGINS = textSetting('allowedOrigins').split(',').map((o) => o.trim());
const DEVICE_ID = /^[\w.:-]{1,64}$/;

/**
 * $connect's REQUEST authorizer: verifies `?token=` against the issuer's JWKS and that it is an ID
 * token naming a user (callerFromClaims). Throwing 'Unauthorized' makes API Gateway answer 401; a
 * Deny policy answers 403. The context it returns reaches every later route of the connection.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = event.queryStringParameters?.token;
  if (!token) throw new Error('Unauthorized');
  if (isSocketTicket(token)) return authorizeApp(token, event.methodArn);
  let caller: Caller;
  try {
    caller = callerFromClaims(await verifyToken(token), DEFAULT_TEAM);
  } catch (error) {
    // The reason only (an error class or ours); never the token or its claims.
    const reason = error instanceof InvalidToken ? error.reason : error instanceof Error ? error.name : 'unknown';
    logger.info('token rejected', { reason });
    throw new Error('Unauthorized');
  }
  const origin = event.headers?.origin ?? event.headers?.Origin;
  const deviceId = event.queryStringParameters?.device_id;
  const allowed =
    (!origin || ALLOWED_ORIGINS.includes('*') || ALLOWED_ORIGINS.includes(origin)) &&
    (deviceId === undefined || DEVICE_ID.test(deviceId));
  return {
    principalId: caller.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allowed ? 'Allow' : 'Deny', Resource: event.methodArn }],
    },
    context: {
      userId: caller.userId,
      teamId: caller.teamId,
      userName: caller.userName,
      realName: caller.realName ?? '',
      deviceId: deviceId ?? '',
    },
  };
};

/**
 * An app's Socket Mode connection: `?token=` is the one-time ticket apps.connections.open issued
 * (the URL is the credential, as Slack's is). The ticket is used up by $connect, so a URL works once.
 */
async function authorizeApp(ticket: string, methodArn: string): Promise<APIGatewayAuthorizerResult> {
  const app = await appOfTicket(ticket);
  if (!app) {
    logger.info('token rejected', { reason: 'socket ticket unknown, used or expired' });
    throw new Error('Unauthorized');
  }
  return {
    principalId: app.botUserId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
    context: { userId: app.botUserId, teamId: app.teamId, userName: app.name, realName: '', deviceId: '', appId: app.appId },
  };
}
