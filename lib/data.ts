import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { BY_OWNER_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../lambdas/model/keys';

export interface DataProps {
  /**
   * Refuse `DeleteTable` until this is turned off (the table is retained on stack deletion either way).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The single table: every entity, keyed by the same names the ElectroDB entities use (imported from
 * lambdas/model/keys.ts, so they cannot drift), with a stream that drives fan-out.
 */
export class Data extends Construct {
  readonly table: ITableV2;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          indexName: BY_OWNER_INDEX.name,
          partitionKey: { name: BY_OWNER_INDEX.partition, type: AttributeType.STRING },
          sortKey: { name: BY_OWNER_INDEX.sort, type: AttributeType.STRING },
        },
      ],
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
