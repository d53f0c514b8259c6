import type { _Record as StreamRecord, AttributeValue } from '@aws-sdk/client-dynamodb-streams';

/** A DynamoDB Streams record as Lambda hands it to a function (JSON: binary as base64, dates as epoch seconds). */
export interface LambdaStreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes?: number;
    StreamViewType?: string;
  };
}

type JsonAttribute = Record<string, unknown>;

/** An SDK attribute value (Uint8Array for binary) as the JSON that Lambda's event carries. */
function toJson(value: AttributeValue): JsonAttribute {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toJson) };
  if (value.M !== undefined) return { M: imageToJson(value.M) };
  return { ...value };
}

/*
 * Attribute names can be user data (a message's reactions map is keyed by emoji names), so they are
 * copied as own properties: Object.fromEntries defines them, where assigning `__proto__` would set
 * the prototype instead. The Streams client hands a map key `__proto__` over without its value (its
 * JSON reader defines the key, then reads the value back from the slot it has just blanked); such
 * an attribute is left out rather than failing the conversion, which would retry the same page for
 * ever and stop fan-out for every workspace on the shard.
 */
function imageToJson(image: Record<string, AttributeValue> | undefined): Record<string, JsonAttribute> | undefined {
  if (!image) return undefined;
  const present = Object.entries(image).filter(([, value]) => value !== undefined);
  return Object.fromEntries(present.map(([k, v]) => [k, toJson(v)]));
}

export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string): LambdaStreamRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? '',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: imageToJson(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: imageToJson(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: imageToJson(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber ?? '',
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}
