/*
 * `npx tsx bench/tools/document-client.ts`: the functions' DynamoDB client (lambdas/model/document-client.ts)
 * against the SDK's document client on a fresh in-memory DynamoDB Local (port 8123): 500 puts and
 * 500 gets one after another, 1,000 gets at once, 20 queries of 500 items; time and this process's
 * CPU, two rounds (the first includes warm-up). Measures; asserts nothing.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import * as ours from '../../lambdas/model/document-client';
import { startDynamoDbLocal, LOCAL_CREDENTIALS } from '../../local/storage/dynamodb/dynamodb-local';

(async () => {
  const db = await startDynamoDbLocal({ port: 8123, path: null, log: () => undefined });
  const url = 'http://127.0.0.1:8123';
  const raw = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await raw.send(new CreateTableCommand({ TableName: 'bench', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] }));
  const theirs = sdk.DynamoDBDocumentClient.from(raw);
  const mine = ours.documentClient({ service: 'dynamodb', url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const item = (i: number) => ({ pk: 'P', sk: `S${i}`, text: 'x'.repeat(200), n: i });
  for (const round of [1, 2]) {
    for (const [name, send] of [['sdk', (c: any) => theirs.send(c)], ['ours', (c: any) => mine.send(c)]] as const) {
      const P = name === 'sdk' ? sdk : ours;
      const t0 = performance.now(); const c0 = process.cpuUsage();
      for (let i = 0; i < 500; i++) await send(new (P as any).PutCommand({ TableName: 'bench', Item: item(i) }));
      for (let i = 0; i < 500; i++) await send(new (P as any).GetCommand({ TableName: 'bench', Key: { pk: 'P', sk: `S${i}` } }));
      const seq = performance.now() - t0;
      const t1 = performance.now();
      await Promise.all(Array.from({ length: 1000 }, (_, i) => send(new (P as any).GetCommand({ TableName: 'bench', Key: { pk: 'P', sk: `S${i % 500}` } }))));
      const par = performance.now() - t1;
      const t2 = performance.now();
      for (let i = 0; i < 20; i++) await send(new (P as any).QueryCommand({ TableName: 'bench', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'P' } }));
      const q = performance.now() - t2;
      const cpu = process.cpuUsage(c0);
      console.log(`round ${round} ${name}: 1000 sequential ${seq.toFixed(0)} ms (${(seq / 1000).toFixed(2)} ms each), 1000 parallel ${par.toFixed(0)} ms, 20 queries of 500 items ${q.toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
    }
  }
  await db.stop();
  process.exit(0);
})();
