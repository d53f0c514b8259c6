#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MOBILE_PUSH_PLATFORMS, type MobilePushPlatform, type MobilePushProps } from '../lib/push';
import { TeamChatStack } from '../lib/team-chat-stack';

const app = new App();

/** A context value as text, whether it came from cdk.json (any JSON) or `-c key=value` (a string). */
function text(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

function whole(key: string): number | undefined {
  const raw = text(key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`context ${key} must be a positive integer, got ${raw}`);
  return value;
}

function positive(key: string): number | undefined {
  const raw = text(key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`context ${key} must be a positive number, got ${raw}`);
  return value;
}

function flag(key: string): boolean | undefined {
  const raw = text(key);
  return raw === undefined ? undefined : raw === 'true';
}

/** `search`: true or false as before, or the engine by name (`-c search=opensearch`). */
function searchOption(key: string): boolean | 'sqlite' | 'opensearch' | undefined {
  const raw = text(key);
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'sqlite' || raw === 'opensearch') return raw;
  throw new Error(`context ${key} must be true, false, sqlite or opensearch, got ${raw}`);
}

function retention(key: string): RetentionDays | undefined {
  const days = whole(key);
  if (days === undefined) return undefined;
  if (!Object.values(RetentionDays).includes(days)) throw new Error(`context ${key}: ${days} is not a CloudWatch Logs retention`);
  return days as RetentionDays;
}

/** `-c mobilePush=true -c mobilePushPlatform=GCM|APNS|APNS_SANDBOX -c mobilePushCredentialsSecret=<name or ARN>`. */
function mobilePush(): MobilePushProps | undefined {
  if (!flag('mobilePush')) return undefined;
  const platform = text('mobilePushPlatform') ?? 'GCM';
  if (!(MOBILE_PUSH_PLATFORMS as readonly string[]).includes(platform)) throw new Error(`context mobilePushPlatform must be one of ${MOBILE_PUSH_PLATFORMS.join(', ')}, got ${platform}`);
  const credentialsSecret = text('mobilePushCredentialsSecret');
  if (!credentialsSecret) throw new Error('context mobilePush=true needs mobilePushCredentialsSecret: the secret holding the APNs/FCM credentials');
  return { platform: platform as MobilePushPlatform, credentialsSecret };
}

new TeamChatStack(app, 'TeamChat', {
  description: 'Team chat: a Slack-shaped messaging backend',
  defaultTeam: text('defaultTeam'),
  hotChannelThreshold: whole('hotChannelThreshold'),
  allowedOrigins: text('allowedOrigins')?.split(',').map((o) => o.trim()).filter(Boolean),
  jwtIssuer: text('jwtIssuer'),
  jwksUri: text('jwksUri'),
  jwtAudience: text('jwtAudience'),
  logRetention: retention('logRetention'),
  tableDeletionProtection: flag('tableDeletionProtection'),
  configureApiGatewayAccountLogRole: flag('configureApiGatewayAccountLogRole'),
  allowInsecureHttpJwks: flag('allowInsecureHttpJwks'),
  webApp: flag('webApp'),
  search: searchOption('search'),
  mediaCdn: flag('mediaCdn'),
  webSocketRouteResponses: flag('webSocketRouteResponses'),
  connectionsEndpoint: text('connectionsEndpoint'),
  executeApiPathBase: text('executeApiPathBase'),
  push: flag('push'),
  vapidSubject: text('vapidSubject'),
  mobilePush: mobilePush(),
  rateLimits: {
    messagesPerSecond: positive('messagesPerSecond'),
    messageBurst: whole('messageBurst'),
    apiCallsPerSecond: positive('apiCallsPerSecond'),
    apiBurst: whole('apiBurst'),
    maxConnectionsPerUser: whole('maxConnectionsPerUser'),
  },
});

// cdk-nag 3 is a policy-validation plugin (not an Aspect): findings fail `cdk synth` unless acknowledged.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
