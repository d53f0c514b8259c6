import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { Search } from '../../lib/search';
import { TeamChatStack } from '../../lib/team-chat-stack';

const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };

let template: Template;
let search: Search;
let resources: Record<string, { Type: string; Properties: Record<string, any> }>;
const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new TeamChatStack(app, 'TeamChat');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  search = stack.node.findChild('Search') as Search;
});

const actionsOfRole = (roleId: string): string[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));

describe('search', () => {
  test('its own stream consumer: message items only, with the fan-out\'s retry, bisect and dead-letter discipline', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(search.indexer) },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTable'), 'StreamArn'] },
      BatchSize: 100,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(search.deadLetterQueue), 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"MSG#"}]}}}}' }] },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3); // fan-out, search indexer, app events
  });

  test('the index lives on encrypted EFS, mounted by both functions through one access point, in isolated subnets with a DynamoDB gateway endpoint', () => {
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true });
    template.hasResourceProperties('AWS::EFS::AccessPoint', { RootDirectory: Match.objectLike({ Path: '/search' }) });
    for (const fn of [search.indexer, search.handler]) {
      const props = resources[logicalId(fn)].Properties;
      expect(props.FileSystemConfigs).toEqual([{ Arn: expect.anything(), LocalMountPath: '/mnt/search' }]);
      expect(props.VpcConfig.SubnetIds).toHaveLength(2);
      expect(props.Environment.Variables.SEARCH_INDEX_PATH).toBe('/mnt/search/messages.sqlite');
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({}) });
  });

  test('routes: search.messages and search.all to the search function, behind the HTTP API JWT authorizer', () => {
    const routes = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties);
    for (const method of ['search.messages', 'search.all']) {
      for (const verb of ['GET', 'POST']) {
        const route = routes.find((r) => r.RouteKey === `${verb} /api/${method}`);
        expect(route).toMatchObject({ AuthorizationType: 'JWT' });
        const [jwtId] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer' && r.Properties.AuthorizerType === 'JWT')!;
        expect(route!.AuthorizerId).toEqual({ Ref: jwtId });
      }
    }
  });

  test('grants: the indexer and the search function only read the table; search also charges its caller\'s rate bucket', () => {
    const indexer = actionsOfRole(logicalId(search.indexer.executionRole as unknown as IConstruct));
    expect(indexer.filter((a) => /dynamodb:(Put|Delete|BatchWrite|Update)/.test(a))).toEqual([]);
    const handler = actionsOfRole(logicalId(search.handler.executionRole as unknown as IConstruct));
    expect(handler.filter((a) => /dynamodb:(Put|Delete|BatchWrite)/.test(a))).toEqual([]);
    expect(handler).toContain('dynamodb:UpdateItem'); // RL# partitions only (project-function.ts)
    expect([...indexer, ...handler].filter((a) => a.startsWith('s3:') || a.startsWith('execute-api:'))).toEqual([]);
  });
});
