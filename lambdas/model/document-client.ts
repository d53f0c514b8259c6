import type {
  BatchGetCommandInput, BatchGetCommandOutput, BatchWriteCommandInput, BatchWriteCommandOutput,
  DeleteCommandInput, DeleteCommandOutput, GetCommandInput, GetCommandOutput, PutCommandInput, PutCommandOutput,
  QueryCommandInput, QueryCommandOutput, ScanCommandInput, ScanCommandOutput, TransactWriteCommandInput, TransactWriteCommandOutput,
  UpdateCommandInput, UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { jsonService, serviceEndpoint } from '../adapters/aws-request';

/*
 * The table's wire: DynamoDB's JSON protocol with native JavaScript values, the commands the access
 * modules send (the names and shapes of @aws-sdk/lib-dynamodb's, whose types these are), without
 * the SDK's client (adapters/aws-request.ts says why). Values are converted by the SDK's own
 * @aws-sdk/util-dynamodb, undefined values dropped as `removeUndefinedValues` does. Errors are the
 * service's, by name (`ConditionalCheckFailedException`, `TransactionCanceledException` with its
 * `CancellationReasons`, …), and throttles, 5xx and dropped sockets are tried again as the SDK does.
 */

type Native = Record<string, unknown>;
type Wire = Record<string, unknown>;

const toAttributes = (value: Native | undefined) => (value === undefined ? undefined : marshall(value, { removeUndefinedValues: true }));
const toNative = (value: Wire | undefined) => (value === undefined ? undefined : unmarshall(value as never));
const mapEach = <T>(values: T[] | undefined, f: (v: T) => unknown) => values?.map(f);
const mapValues = <T>(record: Record<string, T> | undefined, f: (v: T) => unknown) =>
  record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

/** The expression values, keys and items of one request converted one way, the rest kept. */
function convertShared(input: Native, convert: (v: Native | undefined) => unknown): Native {
  const out: Native = { ...input };
  for (const field of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']) {
    if (input[field] !== undefined) out[field] = convert(input[field] as Native);
  }
  return out;
}

/**
 * A command: its DynamoDB operation, and how its input and output cross the wire. Outputs' items
 * (`Item`, `Attributes`, `LastEvaluatedKey`, `Items`) are read back wherever present.
 */
abstract class DocumentCommand<I, O> {
  abstract readonly operation: string;
  constructor(readonly input: I) {}
  toWire(input: I): unknown {
    return convertShared(input as Native, toAttributes);
  }
  fromWire(output: Wire): O {
    const out: Wire = { ...output };
    for (const field of ['Item', 'Attributes', 'LastEvaluatedKey']) if (output[field] !== undefined) out[field] = toNative(output[field] as Wire);
    if (output.Items !== undefined) out.Items = mapEach(output.Items as Wire[], toNative);
    return out as O;
  }
}

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
}

/** For tools only (the bench's census of the table): no function has a Scan grant. */
export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
}

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  override toWire(input: BatchGetCommandInput) {
    return { ...input, RequestItems: mapValues(input.RequestItems, (r) => ({ ...r, Keys: mapEach(r.Keys, toAttributes) })) };
  }
  override fromWire(o: Wire) {
    return {
      ...o,
      Responses: mapValues(o.Responses as Record<string, Wire[]>, (items) => mapEach(items, toNative)),
      UnprocessedKeys: mapValues(o.UnprocessedKeys as Record<string, { Keys?: Wire[] }>, (r) => ({ ...r, Keys: mapEach(r.Keys, toNative) })),
    } as BatchGetCommandOutput;
  }
}

type WriteRequest = { PutRequest?: { Item?: Native }; DeleteRequest?: { Key?: Native } };
const writeRequest = (r: WriteRequest, convert: (v: Native | undefined) => unknown) => ({
  ...(r.PutRequest ? { PutRequest: { Item: convert(r.PutRequest.Item) } } : {}),
  ...(r.DeleteRequest ? { DeleteRequest: { Key: convert(r.DeleteRequest.Key) } } : {}),
});

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  override toWire(input: BatchWriteCommandInput) {
    return { ...input, RequestItems: mapValues(input.RequestItems as Record<string, WriteRequest[]>, (rs) => rs.map((r) => writeRequest(r, toAttributes))) };
  }
  override fromWire(o: Wire) {
    return { ...o, UnprocessedItems: mapValues(o.UnprocessedItems as Record<string, WriteRequest[]>, (rs) => rs.map((r) => writeRequest(r as WriteRequest, toNative as never))) } as BatchWriteCommandOutput;
  }
}

export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
  override toWire(input: TransactWriteCommandInput) {
    return {
      ...input,
      TransactItems: input.TransactItems?.map((item) =>
        Object.fromEntries(Object.entries(item).map(([kind, params]) => [kind, convertShared(params as Native, toAttributes)]))),
    };
  }
}

export type { DocumentCommand };

/**
 * Binary attributes (`B`, `BS`) arrive as base64; read as bytes, as the SDK does. Only a type tag
 * holds a string or a string list under these names: an attribute called "B" holds an object.
 */
const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

function binaryAttributes(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return bytes(value);
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => bytes(v as string));
  return value;
}

/** What the access modules send their commands through. */
export interface DocumentClient {
  send<I, O>(command: DocumentCommand<I, O>): Promise<O>;
}

/**
 * A document client for the DynamoDB endpoint of this environment (AWS_ENDPOINT_URL_DYNAMODB, else
 * the region's), or `endpoint` when given (tests, tools).
 */
export function documentClient(endpoint = serviceEndpoint('dynamodb', 'DYNAMODB')): DocumentClient {
  const call = jsonService(endpoint, 'DynamoDB_20120810', '1.0', binaryAttributes);
  return {
    async send<I, O>(command: DocumentCommand<I, O>): Promise<O> {
      const output = await call<Wire>(command.operation, command.toWire(command.input));
      return command.fromWire(output);
    },
  };
}
