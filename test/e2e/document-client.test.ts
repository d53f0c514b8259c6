import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import * as ours from '../../lambdas/model/document-client';
import { isLocal, target } from './harness/target';

/*
 * The functions' document client (lambdas/model/document-client.ts: DynamoDB's JSON protocol signed
 * by hand) against the SDK's own @aws-sdk/lib-dynamodb, both on DynamoDB Local: every command the
 * access modules send answers the same, and refusals carry the same names and reasons.
 */

const local = isLocal() ? describe : describe.skip;
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

local('document client: the same answers as the SDK document client', () => {
  let table: string;
  let theirs: sdk.DynamoDBDocumentClient;
  let mine: ours.DocumentClient;
  const pk = `DOCTEST#${Date.now()}`;
  const item = {
    pk, sk: 'A', text: 'héllo 👋', n: 42, f: 1.5, yes: true, none: null,
    list: [1, 'two', { three: 3 }], map: { nested: { deep: ['x'] }, empty: {} },
    tags: new Set(['a', 'b']), counts: new Set([1, 2]), blob: Buffer.from([0, 1, 2, 255]), blobs: new Set([Buffer.from('x'), Buffer.from('y')]),
  };

  beforeAll(() => {
    const t = target().local!;
    table = t.tableName;
    theirs = sdk.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.dynamoDbEndpoint, region: 'us-east-1', credentials: CREDENTIALS }), { marshallOptions: { removeUndefinedValues: true } });
    mine = ours.documentClient({ service: 'dynamodb', url: t.dynamoDbEndpoint, region: 'us-east-1', credentials: CREDENTIALS });
  });
  afterAll(() => theirs.destroy());

  const strip = <T extends object>(o: T) => {
    const { $metadata: _m, ...rest } = o as T & { $metadata?: unknown };
    return rest;
  };

  test('put, get, update and delete: items with every attribute type read back alike', async () => {
    await mine.send(new ours.PutCommand({ TableName: table, Item: { ...item, skipped: undefined } }));
    const a = await mine.send(new ours.GetCommand({ TableName: table, Key: { pk, sk: 'A' }, ConsistentRead: true }));
    const b = await theirs.send(new sdk.GetCommand({ TableName: table, Key: { pk, sk: 'A' }, ConsistentRead: true }));
    expect(strip(a)).toEqual(strip(b));
    expect(a.Item).toMatchObject({ text: 'héllo 👋', n: 42, tags: new Set(['a', 'b']) });
    expect(a.Item).not.toHaveProperty('skipped');
    expect(Buffer.from(a.Item!.blob as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 255]));

    const update = {
      TableName: table, Key: { pk, sk: 'A' }, UpdateExpression: 'SET #n = #n + :one, #map.nested.added = :v ADD tags :t REMOVE f',
      ExpressionAttributeNames: { '#n': 'n', '#map': 'map' }, ExpressionAttributeValues: { ':one': 1, ':v': { ok: [true] }, ':t': new Set(['c']) }, ReturnValues: 'ALL_NEW' as const,
    };
    const mineUpdated = await mine.send(new ours.UpdateCommand(update));
    expect(mineUpdated.Attributes).toMatchObject({ n: 43, tags: new Set(['a', 'b', 'c']), map: { nested: { deep: ['x'], added: { ok: [true] } } } });
    expect(mineUpdated.Attributes).not.toHaveProperty('f');
    const deleted = await mine.send(new ours.DeleteCommand({ TableName: table, Key: { pk, sk: 'A' }, ReturnValues: 'ALL_OLD' }));
    expect(deleted.Attributes).toEqual(mineUpdated.Attributes);
    expect((await mine.send(new ours.GetCommand({ TableName: table, Key: { pk, sk: 'A' }, ConsistentRead: true }))).Item).toBeUndefined();
  });

  test('query pages, batch writes and batch gets answer alike', async () => {
    const puts = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { pk, sk: `Q#${String(i).padStart(2, '0')}`, i } } }));
    await mine.send(new ours.BatchWriteCommand({ RequestItems: { [table]: puts.slice(0, 25) } }));
    await mine.send(new ours.BatchWriteCommand({ RequestItems: { [table]: puts.slice(25) } }));
    const query = { TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)', ExpressionAttributeValues: { ':pk': pk, ':q': 'Q#' }, Limit: 7, ScanIndexForward: false, ConsistentRead: true };
    const a = await mine.send(new ours.QueryCommand(query));
    const b = await theirs.send(new sdk.QueryCommand(query));
    expect(strip(a)).toEqual(strip(b));
    expect(a.LastEvaluatedKey).toEqual({ pk, sk: 'Q#23' });
    const next = await mine.send(new ours.QueryCommand({ ...query, ExclusiveStartKey: a.LastEvaluatedKey }));
    expect(next.Items?.[0]).toEqual({ pk, sk: 'Q#22', i: 22 });

    const keys = [{ pk, sk: 'Q#01' }, { pk, sk: 'Q#29' }, { pk, sk: 'missing' }];
    const got = await mine.send(new ours.BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
    expect(got.Responses?.[table]?.map((r) => r.i).sort()).toEqual([1, 29]);
    expect(got.UnprocessedKeys).toEqual({});
    await mine.send(new ours.BatchWriteCommand({ RequestItems: { [table]: puts.map((p) => ({ DeleteRequest: { Key: { pk, sk: p.PutRequest.Item.sk } } })).slice(0, 25) } }));
    expect((await mine.send(new ours.QueryCommand({ ...query, Limit: undefined }))).Items?.map((r) => r.i)).toEqual([29, 28, 27, 26, 25]);
  });

  test('refusals: a failed condition and a cancelled transaction carry the names and reasons the SDK gives', async () => {
    const put = { TableName: table, Item: { pk, sk: 'C', v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' };
    await mine.send(new ours.PutCommand(put));
    const mineError = await mine.send(new ours.PutCommand(put)).catch((e: unknown) => e);
    const sdkError = await theirs.send(new sdk.PutCommand(put)).catch((e: unknown) => e);
    expect(mineError).toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
    expect((mineError as Error).name).toBe((sdkError as Error).name);
    expect((mineError as Error).message).toBe((sdkError as Error).message);

    const transaction = {
      TransactItems: [
        { Put: { TableName: table, Item: { pk, sk: 'T1' } } },
        { ConditionCheck: { TableName: table, Key: { pk, sk: 'C' }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': 2 } } },
      ],
    };
    const mineCancel = await mine.send(new ours.TransactWriteCommand(transaction)).catch((e: unknown) => e);
    const sdkCancel = await theirs.send(new sdk.TransactWriteCommand(transaction)).catch((e: unknown) => e);
    expect(mineCancel).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
    expect((mineCancel as { CancellationReasons: unknown }).CancellationReasons).toEqual((sdkCancel as { CancellationReasons: unknown }).CancellationReasons);
    expect((await mine.send(new ours.GetCommand({ TableName: table, Key: { pk, sk: 'T1' }, ConsistentRead: true }))).Item).toBeUndefined();

    await mine.send(new ours.TransactWriteCommand({ ...transaction, TransactItems: [transaction.TransactItems[0]!, { Update: { TableName: table, Key: { pk, sk: 'C' }, UpdateExpression: 'SET v = :two', ExpressionAttributeValues: { ':two': 2 } } }] }));
    expect((await mine.send(new ours.GetCommand({ TableName: table, Key: { pk, sk: 'C' }, ConsistentRead: true }))).Item).toEqual({ pk, sk: 'C', v: 2 });

    const invalid = await mine.send(new ours.GetCommand({ TableName: table, Key: { pk } })).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: 'ValidationException' });
  });
});
