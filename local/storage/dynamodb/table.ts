import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableSpec } from '../../template';

/**
 * Creates the template's table in DynamoDB Local when it is missing (keys, indexes, stream, TTL),
 * and returns its stream ARN.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, spec: TableSpec): Promise<{ streamArn: string; created: boolean }> {
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: spec.keySchema,
        AttributeDefinitions: spec.attributeDefinitions,
        ...(spec.globalSecondaryIndexes.length
          ? { GlobalSecondaryIndexes: spec.globalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })) }
          : {}),
        ...(spec.streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.streamViewType } } : {}),
      }),
    );
    if (spec.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }));
    }
    created = true;
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (spec.streamViewType && !Table?.LatestStreamArn) throw new Error(`table ${tableName} exists without a stream; run \`npm run reset\``);
  return { streamArn: Table?.LatestStreamArn ?? '', created };
}
