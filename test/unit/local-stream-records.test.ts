import { Readable } from 'node:stream';
import { DynamoDBStreamsClient, GetRecordsCommand, type _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { toLambdaRecord } from '../../local/streams/records';

/*
 * Stream records as the local poller hands them to the fan-out function. Map keys are user data
 * (emoji names under `reactions`), so `__proto__` and `constructor` must come through as plain keys
 * or be dropped, never stall the conversion.
 */

/** GetRecords answered with a raw JSON body, so the Streams client's own parser reads it (no network). */
async function recordsParsedBySdk(rawBody: string): Promise<StreamRecord[]> {
  const client = new DynamoDBStreamsClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(rawBody)]) },
      }),
    } as never,
  });
  const page = await client.send(new GetRecordsCommand({ ShardIterator: 'iterator' }));
  return page.Records ?? [];
}

// Written as text: an object literal's `__proto__:` would set the prototype instead of a key.
const reactionsImage = '{"pk":{"S":"CH#C1"},"sk":{"S":"MSG#01"},"reactions":{"M":{"__proto__":{"SS":["U1"]},"constructor":{"SS":["U2"]},"wave":{"SS":["U3"]}}}}';
const rawRecord = `{"eventID":"e1","eventName":"MODIFY","dynamodb":{"Keys":{"pk":{"S":"CH#C1"},"sk":{"S":"MSG#01"}},"NewImage":${reactionsImage},"SequenceNumber":"100"}}`;

describe('toLambdaRecord', () => {
  it('converts a record whose map has a __proto__ key as the Streams client parses it', async () => {
    const [record] = await recordsParsedBySdk(`{"Records":[${rawRecord}]}`);
    const converted = toLambdaRecord(record, 'arn:stream', 'us-east-1');
    const reactions = (converted.dynamodb.NewImage?.reactions as { M: Record<string, unknown> }).M;
    expect(reactions.wave).toEqual({ SS: ['U3'] });
    expect(Object.getOwnPropertyDescriptor(reactions, 'constructor')?.value).toEqual({ SS: ['U2'] });
    expect(Object.getPrototypeOf(reactions)).toBe(Object.prototype);
    expect(converted.dynamodb.SequenceNumber).toBe('100');
  });

  it('keeps a __proto__ key of an image it is given whole as an own key, never as the prototype', () => {
    const image = JSON.parse(reactionsImage) as Record<string, never>;
    const record = { eventID: 'e2', eventName: 'INSERT', dynamodb: { NewImage: image, SequenceNumber: '101' } } as StreamRecord;
    const reactions = (toLambdaRecord(record, 'arn:stream', 'us-east-1').dynamodb.NewImage?.reactions as { M: Record<string, unknown> }).M;
    expect(Object.getOwnPropertyDescriptor(reactions, '__proto__')?.value).toEqual({ SS: ['U1'] });
    expect(Object.getPrototypeOf(reactions)).toBe(Object.prototype);
    expect(Object.keys(reactions).sort()).toEqual(['__proto__', 'constructor', 'wave']);
  });
});
