import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import {
  bucketUrl, copyObject, deleteObject, encodeKey, headObject, isMissingObject, objectBytes, presignedPost, putObject,
} from '../../lambdas/adapters/object-store';
import { recordingServer, type Answer, type Recorded, type RecordingServer } from './fakes/recording-server';

/*
 * The media bucket's hand-signed S3 calls (lambdas/adapters/object-store.ts) against the SDK's S3
 * client on a local server: the same method, path and headers for each operation, S3's answers
 * read as the SDK reads them, and a presigned POST identical to createPresignedPost's.
 */

let server: RecordingServer;
let base: string;
let seen: Recorded[];
let answers: Answer[];
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'tok' };
const BUCKET = 'media-bucket';
const KEY = "uploads/pending/T1/F1/a file (1)+ü's.png";
const saved = { ...process.env };

beforeAll(async () => {
  server = await recordingServer();
  ({ base, seen, answers } = server);
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: CREDENTIALS.sessionToken, AWS_ENDPOINT_URL_S3: base });
});
afterAll(async () => {
  process.env = saved;
  await server.close();
});
beforeEach(() => server.reset());

const sdk = () => new S3Client({ endpoint: base, forcePathStyle: true, region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 });
const same = (headers: string[]) => {
  const [theirs, ours] = seen;
  expect(ours.method).toBe(theirs.method);
  // The SDK adds an `x-id` query naming some operations; S3 ignores it.
  expect(ours.url).toBe(theirs.url!.replace(/\?x-id=\w+$/, ''));
  for (const h of headers) expect([h, ours.headers[h]]).toEqual([h, theirs.headers[h]]);
  expect(ours.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request/);
  expect(ours.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
};

test('head, range get, put, copy and delete: the SDK client\'s requests for a key that needs encoding', async () => {
  const s3 = sdk();
  answers.push({ status: 200, headers: { 'content-length': '5', 'content-type': 'image/png' } }, { status: 200, headers: { 'content-length': '5', 'content-type': 'image/png' } });
  await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
  expect(await headObject(BUCKET, KEY)).toEqual({ contentLength: 5, contentType: 'image/png' });
  same([]);

  seen.length = 0;
  answers.push({ status: 206, body: 'abc' }, { status: 206, body: 'abc' });
  await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY, Range: 'bytes=0-2' }))).Body?.transformToByteArray();
  expect(Buffer.from(await objectBytes(BUCKET, KEY, 0, 2)).toString()).toBe('abc');
  same(['range']);

  seen.length = 0;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: Buffer.from('hello'), ContentType: 'text/plain', ContentLength: 5 }));
  await putObject(BUCKET, KEY, Buffer.from('hello'), 'text/plain');
  same(['content-type', 'content-length']);
  expect(seen[1].body).toBe('hello');

  seen.length = 0;
  const ok = '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>';
  answers.push({ status: 200, body: ok }, { status: 200, body: ok });
  const source = `${BUCKET}/${encodeKey(KEY)}`;
  await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'files/T1/F1/a.png', CopySource: source, MetadataDirective: 'REPLACE', ContentType: 'image/png', ContentDisposition: 'inline' }));
  await copyObject(BUCKET, KEY, 'files/T1/F1/a.png', { contentType: 'image/png', contentDisposition: 'inline' });
  same(['x-amz-copy-source', 'x-amz-metadata-directive', 'content-type', 'content-disposition']);

  seen.length = 0;
  answers.push({ status: 204 }, { status: 204 });
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));
  await deleteObject(BUCKET, KEY);
  same([]);
  s3.destroy();
});

test('S3\'s refusals: a missing object by HEAD or GET, a copy that failed after its 200 is tried again, a refusal is not', async () => {
  answers.push({ status: 404 });
  const head = await headObject(BUCKET, 'nope').catch((e: unknown) => e);
  expect(head).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  expect(isMissingObject(head)).toBe(true);
  answers.push({ status: 404, body: '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' });
  await expect(objectBytes(BUCKET, 'nope', 0, 9)).rejects.toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.' });
  answers.push({ status: 200, body: '<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>' }, { status: 200, body: '<CopyObjectResult/>' });
  await copyObject(BUCKET, 'a', 'b', { contentType: 'text/plain', contentDisposition: 'attachment' });
  expect(seen.filter((s) => s.method === 'PUT')).toHaveLength(2);
  answers.push({ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' });
  await expect(deleteObject(BUCKET, 'a')).rejects.toMatchObject({ name: 'AccessDenied' });
  expect(isMissingObject(new Error('x'))).toBe(false);
});

test('a presigned POST is createPresignedPost\'s, field for field, path style and virtual-hosted', async () => {
  jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z'), doNotFake: ['setTimeout', 'setImmediate', 'setInterval', 'nextTick', 'queueMicrotask', 'clearTimeout', 'clearInterval', 'clearImmediate'] });
  try {
    const input = { conditions: [['content-length-range', 5, 5], ['eq', '$Content-Type', 'image/png']] as Array<[string, string | number, string | number]>, fields: { 'Content-Type': 'image/png' }, expiresSeconds: 600 };
    const theirs = await createPresignedPost(sdk(), { Bucket: BUCKET, Key: KEY, Conditions: input.conditions as never, Fields: input.fields, Expires: 600 });
    const ours = presignedPost(BUCKET, KEY, input as never);
    expect(ours).toEqual(theirs);

    delete process.env.AWS_ENDPOINT_URL_S3;
    const hosted = new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS });
    expect(presignedPost(BUCKET, KEY, input as never)).toEqual(await createPresignedPost(hosted, { Bucket: BUCKET, Key: KEY, Conditions: input.conditions as never, Fields: input.fields, Expires: 600 }));
    // And an object's address is the SDK's (captured before it is sent).
    let address = '';
    hosted.middlewareStack.add(() => async (args) => {
      const r = args.request as { hostname: string; path: string };
      address = `https://${r.hostname}${r.path}`;
      throw new Error('captured');
    }, { step: 'finalizeRequest' });
    await hosted.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY })).catch(() => undefined);
    expect(`${bucketUrl(BUCKET)}/${encodeKey(KEY)}`).toBe(address);
    hosted.destroy();
  } finally {
    process.env.AWS_ENDPOINT_URL_S3 = base;
    jest.useRealTimers();
  }
});
