import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { localRefs, OVERRIDABLE, resolveEnvironment } from '../../local/functions/env-resolver';
import { matchRoute } from '../../local/gateway/http/http-events';
import { buildCloudView, getAttTargets, isNodeRuntime, loadTemplate, templatePath, type CloudView, type Template } from '../../local/template';

/*
 * The local cloud's view of the synthesized template must agree with the template: every route is
 * served by the function its integration names, every function is runnable with a fully resolved
 * environment, the event source and table are taken over, and nothing is served that the template lacks.
 */

const cdkOut = resolve(__dirname, '../../cdk.out');
let template: Template;
let view: CloudView;

beforeAll(() => {
  if (!existsSync(templatePath(cdkOut))) execSync('npx cdk synth --quiet', { cwd: resolve(__dirname, '../..'), stdio: 'ignore' });
  template = loadTemplate(templatePath(cdkOut));
  view = buildCloudView(template, cdkOut);
}, 180_000);

const resources = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

describe('local cloud view of cdk.out/TeamChat.template.json', () => {
  it('runs every function in the template from its bundle, with every variable resolved', () => {
    const ids = resources('AWS::Lambda::Function').filter(([, r]) => isNodeRuntime(r.Properties?.Runtime)).map(([id]) => id).sort();
    expect(ids.length).toBeGreaterThanOrEqual(12);
    expect([...view.functions.keys()].sort()).toEqual(ids);
    const overrides = Object.fromEntries(OVERRIDABLE.map((name) => [name, 'local']));
    for (const f of view.functions.values()) {
      expect(existsSync(f.codePath)).toBe(true);
      const refs = localRefs(view.queues.map((q) => q.logicalId), view.functions.keys(), (id) => `http://queue/${id}`);
      expect(() => resolveEnvironment(f.logicalId, f.environment, overrides, refs)).not.toThrow();
    }
  });

  it('serves exactly the template routes, each by the function its integration names', () => {
    const templateRoutes = resources('AWS::ApiGatewayV2::Route');
    const served = [...view.webSocketApi.routes, ...view.httpApi.routes];
    expect(served.map((r) => r.logicalId).sort()).toEqual(templateRoutes.map(([id]) => id).sort());
    const integrations = Object.fromEntries(resources('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, getAttTargets(r.Properties?.IntegrationUri ?? null, 'Arn')]));
    for (const [id, r] of templateRoutes) {
      const route = served.find((s) => s.logicalId === id)!;
      expect(route.routeKey).toBe(r.Properties?.RouteKey);
      const integrationId = JSON.stringify(r.Properties?.Target).match(/"Ref":"([^"]+)"|integrations\/([^"]+)"/)!.slice(1).find(Boolean)!;
      expect(integrations[integrationId]).toContain(route.functionId);
    }
    for (const route of view.httpApi.routes) {
      const [method, path] = route.routeKey.split(' ');
      expect(matchRoute(view.httpApi.routes, method, path.replace(/\{[^}]+\}/g, 'x'))?.route).toBe(route);
    }
  });

  it('takes the WebSocket stage, selection expression, authorizers and route responses from the template', () => {
    expect(view.webSocketApi.routeSelectionExpression).toBe('$request.body.action');
    expect(view.webSocketApi.stage).toBe('v1');
    const withResponse = resources('AWS::ApiGatewayV2::RouteResponse').map(([, r]) => (r.Properties?.RouteId as { Ref: string }).Ref).sort();
    expect(view.webSocketApi.routes.filter((r) => r.hasRouteResponse).map((r) => r.logicalId).sort()).toEqual(withResponse);
    const connect = view.webSocketApi.routes.find((r) => r.routeKey === '$connect');
    expect(view.webSocketApi.authorizers.find((a) => a.logicalId === connect?.authorizerId)?.type).toBe('REQUEST');
    for (const route of view.httpApi.routes.filter((r) => r.authorizationType === 'JWT')) {
      expect(view.httpApi.authorizers.find((a) => a.logicalId === route.authorizerId)?.type).toBe('JWT');
    }
  });

  it('polls every event source mapping with its settings and parsed filters', () => {
    const all = resources('AWS::Lambda::EventSourceMapping');
    const fromQueue = (r: (typeof all)[number][1]) => getAttTargets(r.Properties?.EventSourceArn ?? null, 'Arn').some((t) => template.Resources[t]?.Type === 'AWS::SQS::Queue');
    const mappings = all.filter(([, r]) => !fromQueue(r));
    expect(view.eventSources).toHaveLength(mappings.length);
    // The queue mappings (the Events API's retry queue) are SQS event sources, each on its queue.
    expect(view.queueSources.map((q) => q.logicalId).sort()).toEqual(all.filter(([, r]) => fromQueue(r)).map(([id]) => id).sort());
    expect(view.queueSources).toContainEqual({ logicalId: expect.any(String), functionId: expect.stringMatching(/^AppEventsRetryHandler/), queueId: expect.stringMatching(/^AppEventsRetriesQueue/), batchSize: 10, reportBatchItemFailures: true });
    const retryQueue = view.queues.find((q) => q.logicalId === view.queueSources[0].queueId);
    expect(retryQueue).toMatchObject({ visibilityTimeoutSeconds: 180, messageRetentionSeconds: 3600, maxReceiveCount: 3, deadLetterQueueId: expect.stringMatching(/^AppEventsRetriesDeadLetterQueue/) });
    for (const [id, r] of mappings) {
      const source = view.eventSources.find((s) => s.logicalId === id)!;
      const p = r.Properties ?? {};
      expect(source.functionId).toBe((p.FunctionName as { Ref: string }).Ref);
      expect(source.batchSize).toBe(p.BatchSize ?? 100);
      expect(source.maximumRetryAttempts).toBe(p.MaximumRetryAttempts ?? -1);
      expect(source.filterPatterns).toHaveLength(((p.FilterCriteria as { Filters?: unknown[] } | undefined)?.Filters ?? []).length);
    }
  });

  it('runs every scheduled rule: the scheduled-message deliverer every minute', () => {
    const rules = resources('AWS::Events::Rule');
    expect(view.schedules.map((r) => r.logicalId).sort()).toEqual(rules.map(([id]) => id).sort());
    expect(view.schedules).toEqual([{ logicalId: expect.stringMatching(/^ScheduledMessages/), functionId: expect.stringMatching(/^ScheduledMessagesDeliverer/), periodSeconds: 60 }]);
    const rule = (expression: string) => buildCloudView({ Resources: { ...template.Resources, Extra: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: expression, Targets: [{ Arn: { 'Fn::GetAtt': [view.schedules[0].functionId, 'Arn'] } }] } } } }, cdkOut).schedules;
    expect(rule('rate(2 hours)').find((r) => r.logicalId === 'Extra')?.periodSeconds).toBe(7200);
    expect(() => rule('cron(0 12 * * ? *)')).toThrow(/rate\(N minutes\|hours\) schedules only/);
  });

  it('creates the table with the template keys, indexes, stream and TTL', () => {
    const [[, table]] = [...resources('AWS::DynamoDB::Table'), ...resources('AWS::DynamoDB::GlobalTable')];
    expect(view.table.keySchema).toEqual(table.Properties?.KeySchema);
    expect(view.table.globalSecondaryIndexes.map((g) => g.IndexName)).toEqual(
      ((table.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map((g) => g.IndexName),
    );
    expect(view.table.streamViewType).toBeDefined();
    expect(view.table.ttlAttribute).toBe((table.Properties?.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName);
  });
});
