import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { Dispatch } from '../../lib/dispatch';
import type { Push } from '../../lib/push';
import { TeamChatStack, type TeamChatStackProps } from '../../lib/team-chat-stack';

const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

function synth(props: TeamChatStackProps = {}) {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new TeamChatStack(app, 'TeamChat', props);
  const template = Template.fromStack(stack);
  return { template, resources: template.toJSON().Resources as Resources, push: stack.node.tryFindChild('Push') as Push | undefined, stack };
}

const statementsOfRole = (resources: Resources, roleId: string): Array<{ Action: string | string[]; Resource: unknown }> =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
const actionsOf = (resources: Resources, roleId: string) => statementsOfRole(resources, roleId).flatMap((s) => [s.Action].flat());
const roleIdOf = (resources: Resources, functionId: string) => resources[functionId].Properties.Role['Fn::GetAtt'][0] as string;

describe('push', () => {
  const { template, resources, push, stack } = synth();

  test('sent by the dispatcher, the stream\'s second reader: its mapping passes new messages (and apps\' records), with the fan-out\'s retry, bisect and dead-letter discipline', () => {
    const dispatch = stack.node.findChild('Dispatch') as Dispatch;
    expect(push!.handler).toBe(dispatch.handler);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(push!.handler) },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTable'), 'StreamArn'] },
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(dispatch.deadLetterQueue), 'Arn'] } } },
      FilterCriteria: { Filters: [
        { Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"MSG#"},{"prefix":"MEM#"}]}}}}' },
        { Pattern: '{"eventName":["INSERT"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"APPCONN#"}]}}}}' },
      ] },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, AlarmDescription: Match.stringLikeRegexp('^The dispatcher gave up') });
    // Two readers of the table's stream, as AWS advises per shard: the fan-out and the dispatcher.
    const readers = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.EventSourceArn).includes('StreamArn'));
    expect(readers).toHaveLength(2);
  });

  test('the VAPID key pair is made once by a custom resource into a secret; only the push function reads the secret, the Web API gets the public key', () => {
    template.resourceCountIs('Custom::VapidKeyPair', 1);
    const secretId = logicalId(push!.vapidSecret);
    const readers = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes(`"Ref":"${secretId}"`))
      .map(([, r]) => JSON.stringify(r.Properties.Roles));
    // The push function (read) and the custom resource (read and write), nothing else.
    expect(readers).toHaveLength(2);
    const fn = resources[logicalId(push!.handler)].Properties;
    expect(fn.Environment.Variables).toMatchObject({
      VAPID_PUBLIC_KEY: { 'Fn::GetAtt': [expect.stringMatching(/VapidKeyPair/), 'PublicKey'] },
      VAPID_KEYS_SECRET_ARN: { Ref: secretId },
    });
    expect(JSON.stringify(fn.Environment.Variables)).not.toContain('VAPID_PRIVATE_KEY');
    const api = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('HttpApiHandler'))![1];
    expect(api.Properties.Environment.Variables.VAPID_PUBLIC_KEY).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/VapidKeyPair/), 'PublicKey'] });
    expect(api.Properties.Environment.Variables.PUSH_ALLOW_LOOPBACK).toBeUndefined();
    expect(api.Properties.Environment.Variables.MOBILE_PUSH_APPLICATION_ARN).toBeUndefined();
  });

  test('without the opt-in there is no SNS at all', () => {
    template.resourceCountIs('Custom::SnsPlatformApplication', 0);
    expect(actionsOf(resources, roleIdOf(resources, logicalId(push!.handler))).filter((a) => a.startsWith('sns:'))).toEqual([]);
  });

  test('push=false removes it all', () => {
    const off = synth({ push: false });
    expect(off.push).toBeUndefined();
    off.template.resourceCountIs('Custom::VapidKeyPair', 0);
    // The dispatcher has no VAPID key bound, so it runs no push part (lambdas/stream/dispatch.ts).
    const dispatcher = Object.entries(off.resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('DispatchHandler'))![1];
    expect(dispatcher.Properties.Environment.Variables.VAPID_PUBLIC_KEY).toBeUndefined();
  });
});

describe('mobile push opt-in (-c mobilePush=true)', () => {
  const { template, resources, push } = synth({ mobilePush: { platform: 'GCM', credentialsSecret: 'teamchat/fcm' } });

  test('a platform application made by a custom resource from the operator\'s secret, its ARN given to the push function and push.subscribe', () => {
    template.hasResourceProperties('Custom::SnsPlatformApplication', { Platform: 'GCM', CredentialsSecret: 'teamchat/fcm', Name: 'TeamChat-GCM' });
    const arn = { 'Fn::GetAtt': [expect.stringMatching(/MobilePushApplication/), 'Arn'] };
    expect(resources[logicalId(push!.handler)].Properties.Environment.Variables.MOBILE_PUSH_APPLICATION_ARN).toEqual(arn);
    const api = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('HttpApiHandler'))![1];
    expect(api.Properties.Environment.Variables.MOBILE_PUSH_APPLICATION_ARN).toEqual(arn);
    // The credentials never reach the template.
    expect(JSON.stringify(template.toJSON())).not.toMatch(/PlatformCredential"\s*:/);
  });

  test('the push function may CreatePlatformEndpoint on that application and Publish only to its endpoints; the Web API gets no SNS grant', () => {
    const statements = statementsOfRole(resources, roleIdOf(resources, logicalId(push!.handler)));
    const sns = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));
    expect(sns).toEqual([
      expect.objectContaining({ Action: 'sns:CreatePlatformEndpoint', Resource: { 'Fn::GetAtt': [expect.stringMatching(/MobilePushApplication/), 'Arn'] } }),
      expect.objectContaining({ Action: 'sns:Publish', Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }) }),
    ]);
    expect(JSON.stringify(sns[1].Resource)).toContain(':endpoint/GCM/TeamChat-GCM/*');
    const apiId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::Lambda::Function' && id.startsWith('HttpApiHandler'))!;
    expect(actionsOf(resources, roleIdOf(resources, apiId)).filter((a) => a.startsWith('sns:'))).toEqual([]);
  });
});
