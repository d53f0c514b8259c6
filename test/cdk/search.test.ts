import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
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
  test('no reader of the stream itself: the dispatcher (outside the VPC) invokes it with the message records, and may invoke nothing else', () => {
    const readers = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(logicalId(search.indexer)));
    expect(readers).toEqual([]);
    const [dispatcherId, dispatcher] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('DispatchHandler'))!;
    expect(dispatcher.Properties.Environment.Variables.SEARCH_INDEXER_FUNCTION_NAME).toEqual({ Ref: logicalId(search.indexer) });
    expect(dispatcher.Properties.VpcConfig).toBeUndefined();
    const invokes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(dispatcher.Properties.Role['Fn::GetAtt'][0]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: string | string[] }) => [st.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalId(search.indexer), 'Arn'] } })]);
    expect(dispatcherId).toBeDefined();
    // The fan-out's and the dispatcher's on the table's stream, and the app events' retry queue's (lib/app-events.ts).
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
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

describe('search with -c search=opensearch', () => {
  let os: Search;
  let osStack: TeamChatStack;
  let t: Template;
  let res: Record<string, { Type: string; Properties: Record<string, any> }>;
  beforeAll(() => {
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    osStack = new TeamChatStack(app, 'TeamChat', { search: 'opensearch' });
    t = Template.fromStack(osStack);
    res = t.toJSON().Resources;
    os = osStack.node.findChild('Search') as Search;
  });
  const id = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
  const ofType = (type: string) => Object.entries(res).filter(([, r]) => r.Type === type);
  const roleArn = (fn: Search['indexer']) => ({ 'Fn::GetAtt': [id(fn.executionRole as unknown as IConstruct), 'Arn'] });

  test('one small OpenSearch 2.19 node in the isolated subnets, encrypted at rest and node to node, HTTPS only with TLS 1.2', () => {
    const [[, domain], ...others] = ofType('AWS::OpenSearchService::Domain');
    expect(others).toEqual([]);
    expect(domain.Properties).toMatchObject({
      EngineVersion: 'OpenSearch_2.19',
      ClusterConfig: { InstanceCount: 1, InstanceType: 't3.small.search', ZoneAwarenessEnabled: false, DedicatedMasterEnabled: false },
      EBSOptions: { EBSEnabled: true, VolumeSize: 10, VolumeType: 'gp3' },
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
      VPCOptions: { SubnetIds: [{ Ref: expect.stringMatching(/^SearchVpcsearchSubnet1/) }], SecurityGroupIds: [{ 'Fn::GetAtt': [id(os.domainSecurityGroup!), 'GroupId'] }] },
    });
    expect(domain.Properties.DomainName).toMatch(/^[a-z][a-z0-9-]{2,27}$/);
    // Kept when the stack goes (CDK's default for a domain): it bills until deleted by hand.
    expect(domain).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    // No EFS and no NAT in this mode: the functions reach DynamoDB by the gateway endpoint and the domain inside the VPC.
    t.resourceCountIs('AWS::EFS::FileSystem', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test('the access policy grants the indexer HEAD/PUT on the index and POST on its _bulk, the search function GET/POST on its _search, and no one else anything', () => {
    const [[, domain]] = ofType('AWS::OpenSearchService::Domain');
    const indexArn = (suffix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':es:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:domain/${domain.Properties.DomainName}/messages${suffix}`]],
    });
    expect(domain.Properties.AccessPolicies).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: roleArn(os.indexer) }, Action: ['es:ESHttpHead', 'es:ESHttpPut'], Resource: indexArn('') },
        { Effect: 'Allow', Principal: { AWS: roleArn(os.indexer) }, Action: 'es:ESHttpPost', Resource: indexArn('/_bulk') },
        { Effect: 'Allow', Principal: { AWS: roleArn(os.handler) }, Action: ['es:ESHttpGet', 'es:ESHttpPost'], Resource: indexArn('/_search') },
      ],
    });
    // The functions' own policies grant nothing on any domain (the access policy is the one place).
    const esActions = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()))
      .filter((a: string) => a.startsWith('es:'));
    expect(esActions).toEqual([]);
  });

  test('the domain\'s security group lets in 443 from the two functions\' security groups only, and lets nothing out', () => {
    const sg = res[id(os.domainSecurityGroup!)].Properties;
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(sg.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes(id(os.domainSecurityGroup!)));
    const sourceOf = (fn: Search['indexer']) => ({ 'Fn::GetAtt': [id(fn.connections.securityGroups[0]), 'GroupId'] });
    expect(ingress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: sourceOf(os.indexer) }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: sourceOf(os.handler) }),
    ]);
  });

  test('both functions: in the VPC without a file system, told the engine, the endpoint and the index; the search function times out its requests first', () => {
    const [[domainId]] = ofType('AWS::OpenSearchService::Domain');
    for (const fn of [os.indexer, os.handler]) {
      const props = res[id(fn)].Properties;
      expect(props.FileSystemConfigs).toBeUndefined();
      expect(props.VpcConfig.SubnetIds).toHaveLength(2);
      expect(props.Environment.Variables).toMatchObject({
        SEARCH_ENGINE: 'opensearch',
        SEARCH_INDEX_NAME: 'messages',
        SEARCH_ENDPOINT: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]] },
      });
      expect(props.Environment.Variables.SEARCH_INDEX_PATH).toBeUndefined();
    }
    expect(res[id(os.handler)].Properties.Environment.Variables.SEARCH_REQUEST_TIMEOUT_MS).toBe('5000');
    expect(res[id(os.handler)].Properties.Timeout).toBe(10);
    expect(res[id(os.indexer)].Properties.Environment.Variables.SEARCH_REQUEST_TIMEOUT_MS).toBeUndefined();
    // Fed by the dispatcher, as with SQLite.
    const dispatcher = ofType('AWS::Lambda::Function').find(([fnId]) => fnId.startsWith('DispatchHandler'))![1];
    expect(dispatcher.Properties.Environment.Variables.SEARCH_INDEXER_FUNCTION_NAME).toEqual({ Ref: id(os.indexer) });
  });

  test('cdk-nag reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(osStack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
