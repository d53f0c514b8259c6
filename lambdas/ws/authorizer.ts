import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { optionalEnv } from '../shared/env';
import { callerFromClaims } from '../shared/identity';
import { verifyToken } from '../shared/jwt';
import { logger } from '../shared/logger';

const DEFAULT_TEAM = optionalEnv('DEFAULT_TEAM', 'default');
/** Browser origins allowed to open a WebSocket; '*' allows any (clients without an Origin always pass). */
const ALLOWED_ORIGINS = optionalEnv('ALLOWED_ORIGINS', '*').split(',').map((o) => o.trim());
const DEVICE_ID = /^[\w.:-]{1,64}$/;

/**
 * $connect's REQUEST authorizer: verifies `?token=` against the issuer's JWKS. Throwing
 * 'Unauthorized' makes API Gateway answer 401; a Deny policy answers 403. The context it returns
 * reaches every later route of the connection.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = event.queryStringParameters?.token;
  if (!token) throw new Error('Unauthorized');
  let claims: Record<string, unknown>;
  try {
    claims = await verifyToken(token);
  } catch (error) {
    logger.info('token rejected', { reason: error instanceof Error ? error.name : 'unknown' });
    throw new Error('Unauthorized');
  }
  const origin = event.headers?.origin ?? event.headers?.Origin;
  const deviceId = event.queryStringParameters?.device_id;
  const allowed =
    (!origin || ALLOWED_ORIGINS.includes('*') || ALLOWED_ORIGINS.includes(origin)) &&
    (deviceId === undefined || DEVICE_ID.test(deviceId));
  const caller = callerFromClaims(claims, DEFAULT_TEAM);
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
