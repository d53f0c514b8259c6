import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { checkPostPolicy, s3ErrorXml } from '../../local/storage/s3/s3-post-policy';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const secretFor = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);
const client = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:4569', forcePathStyle: true });

async function presigned(length = 10, type = 'image/png') {
  return createPresignedPost(client, {
    Bucket: 'media',
    Key: 'uploads/pending/T1/F1/a.png',
    Conditions: [['content-length-range', length, length], ['eq', '$Content-Type', type]],
    Fields: { 'Content-Type': type },
    Expires: 300,
  });
}

describe('local S3 POST policy check (against the SDK presigner)', () => {
  it('accepts exactly what was presigned', async () => {
    const { fields } = await presigned();
    expect(checkPostPolicy({ bucket: 'media', fields, fileSize: 10 }, secretFor)).toEqual({ ok: true });
  });

  it('holds the upload to content-length-range', async () => {
    const { fields } = await presigned();
    expect(checkPostPolicy({ bucket: 'media', fields, fileSize: 11 }, secretFor)).toMatchObject({ ok: false, status: 400, code: 'EntityTooLarge' });
    expect(checkPostPolicy({ bucket: 'media', fields, fileSize: 9 }, secretFor)).toMatchObject({ ok: false, status: 400, code: 'EntityTooSmall' });
  });

  it('refuses another type, key or bucket, extra fields, a forged signature, an expired policy', async () => {
    const { fields } = await presigned();
    const check = (over: Record<string, string>, bucket = 'media') => checkPostPolicy({ bucket, fields: { ...fields, ...over }, fileSize: 10 }, secretFor);
    expect(check({ 'Content-Type': 'text/html' })).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
    expect(check({ key: 'files/T1/other.png' })).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check({}, 'other-bucket')).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(check({ 'x-amz-meta-evil': '1' })).toMatchObject({ ok: false, code: 'AccessDenied', message: expect.stringContaining('Extra input fields') });
    expect(check({ 'x-ignore-me': '1' })).toEqual({ ok: true });
    expect(check({ 'X-Amz-Signature': '0'.repeat(64) })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(check({ 'X-Amz-Credential': fields['X-Amz-Credential'].replace('S3RVER', 'SOMEONE') })).toMatchObject({ ok: false, code: 'InvalidAccessKeyId' });
    const { Policy: _policy, ...withoutPolicy } = fields;
    expect(checkPostPolicy({ bucket: 'media', fields: withoutPolicy, fileSize: 10 }, secretFor)).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(checkPostPolicy({ bucket: 'media', fields, fileSize: 10 }, secretFor, new Date(Date.now() + 301_000))).toMatchObject({ ok: false, message: expect.stringContaining('expired') });
  });

  it('answers in S3 error XML', () => {
    expect(s3ErrorXml('EntityTooLarge', 'too <big>', { MaxSizeAllowed: 10 })).toMatch(
      /<Error><Code>EntityTooLarge<\/Code><Message>too &#60;big&#62;<\/Message><MaxSizeAllowed>10<\/MaxSizeAllowed>/,
    );
  });
});
