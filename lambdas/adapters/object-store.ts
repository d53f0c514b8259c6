import { createHmac } from 'node:crypto';
import { AwsServiceError, awsRegion, endpointOverride, signedSender, withRetries, xmlText, type RawResponse, type SignedRequest } from './aws-request';

/*
 * The media bucket's objects, through S3's REST API signed by adapters/aws-request.ts (no SDK S3
 * client, whose 250-300 KB were most of the files functions' bundles): head, a byte range, put,
 * copy, delete, and the presigned POST a browser uploads with. Virtual-hosted addresses on AWS
 * (`https://{bucket}.s3.{region}.amazonaws.com/{key}`); path style under an endpoint
 * (AWS_ENDPOINT_URL_S3: the local cloud's stand-in has no per-bucket hosts), as the SDK client did.
 * Refusals carry S3's error code as their name (`NoSuchKey`; `NotFound` for a HEAD, which has no
 * body), and throttles and 5xx are tried again as the SDK does.
 */

export interface ObjectHead {
  contentLength: number;
  contentType?: string;
}

/** A key as S3 paths take it: each segment percent-encoded (RFC 3986, as the SDK encodes labels). */
export const encodeKey = (key: string) =>
  key.split('/').map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');


/** Where the bucket's objects are addressed: `{base}/{encoded key}`. */
export function bucketUrl(bucket: string): string {
  const endpoint = endpointOverride('S3');
  return endpoint ? `${endpoint.replace(/\/$/, '')}/${bucket}` : `https://${bucket}.s3.${awsRegion()}.amazonaws.com`;
}

const senders = new Map<string, ReturnType<typeof signedSender>>();
function sender(bucket: string) {
  let send = senders.get(bucket);
  if (!send) senders.set(bucket, (send = signedSender({ service: 's3', url: bucketUrl(bucket), region: awsRegion(), uriEscapePath: false, timeoutMs: 30_000 })));
  return send;
}

function s3Error(response: RawResponse, xml: string): AwsServiceError {
  const code = xmlText(xml, 'Code') ?? (response.status === 404 ? 'NotFound' : `Http${response.status}`);
  // An error inside a 200 is a copy that failed on S3's side after it began: tried again as a 5xx is.
  const status = response.status === 200 ? 500 : response.status;
  return new AwsServiceError(code, xmlText(xml, 'Message') ?? code, status, String(response.headers['x-amz-request-id'] ?? '') || xmlText(xml, 'RequestId'));
}

/** One request to an object, tried as the SDK does; an answer outside `ok` (or a copy's error body) is thrown. */
async function objectRequest(bucket: string, key: string, request: Omit<SignedRequest, 'path'>, ok: number[] = [200]): Promise<RawResponse> {
  const send = sender(bucket);
  return withRetries(async () => {
    const response = await send({ ...request, path: `/${encodeKey(key)}` });
    const xml = request.method === 'HEAD' ? '' : response.body.toString('utf8', 0, Math.min(response.body.length, 4096));
    // A copy can fail after its 200 has been sent: the error is then the body.
    if (!ok.includes(response.status) || (request.headers?.['x-amz-copy-source'] && xml.includes('<Error>'))) throw s3Error(response, xml);
    return response;
  });
}

export const isMissingObject = (error: unknown) =>
  error instanceof AwsServiceError && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

export async function headObject(bucket: string, key: string): Promise<ObjectHead> {
  const response = await objectRequest(bucket, key, { method: 'HEAD' });
  const type = response.headers['content-type'];
  return { contentLength: Number(response.headers['content-length'] ?? 0), ...(type ? { contentType: String(type) } : {}) };
}

/** Bytes `start` to `end` inclusive (fewer when the object is shorter). */
export async function objectBytes(bucket: string, key: string, start: number, end: number): Promise<Uint8Array> {
  const response = await objectRequest(bucket, key, { method: 'GET', headers: { range: `bytes=${start}-${end}` } }, [200, 206]);
  return new Uint8Array(response.body);
}

export async function putObject(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void> {
  await objectRequest(bucket, key, { method: 'PUT', headers: { 'content-type': contentType }, body });
}

/** A copy within the bucket with new metadata (`MetadataDirective: REPLACE`). */
export async function copyObject(bucket: string, from: string, to: string, headers: { contentType: string; contentDisposition: string }): Promise<void> {
  await objectRequest(bucket, to, {
    method: 'PUT',
    headers: {
      'x-amz-copy-source': `${bucket}/${encodeKey(from)}`,
      'x-amz-metadata-directive': 'REPLACE',
      'content-type': headers.contentType,
      'content-disposition': headers.contentDisposition,
    },
  });
}

export async function deleteObject(bucket: string, key: string): Promise<void> {
  await objectRequest(bucket, key, { method: 'DELETE' }, [200, 204]);
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

type PolicyCondition = Record<string, string> | [string, string, string | number] | [string, number, number];

/**
 * A browser upload's form (S3 POST Object), signed as the SDK's createPresignedPost signs it: the
 * policy holds the caller's conditions and every field, and its signature is SigV4's over the
 * base64 policy. Credentials are the function's, from the environment.
 */
export function presignedPost(bucket: string, key: string, input: { conditions: PolicyCondition[]; fields: Record<string, string>; expiresSeconds: number }, nowMs = Date.now()): PresignedPost {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secret = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secret) throw new Error('no credentials in the environment to sign an upload with');
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signingDate = iso(nowMs).replace(/[-:]/g, '');
  const shortDate = signingDate.slice(0, 8);
  const scope = `${shortDate}/${awsRegion()}/s3/aws4_request`;
  const fields: Record<string, string> = {
    ...input.fields,
    bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${accessKeyId}/${scope}`,
    'X-Amz-Date': signingDate,
    ...(sessionToken ? { 'X-Amz-Security-Token': sessionToken } : {}),
  };
  const conditions = [...input.conditions, ...Object.entries(fields).map(([k, v]) => ({ [k]: v })), { key }];
  const policy = Buffer.from(JSON.stringify({ expiration: iso(nowMs + input.expiresSeconds * 1000), conditions })).toString('base64');
  let signingKey: Buffer = Buffer.from(`AWS4${secret}`);
  for (const part of [shortDate, awsRegion(), 's3', 'aws4_request']) signingKey = createHmac('sha256', signingKey).update(part).digest();
  const signature = createHmac('sha256', signingKey).update(policy).digest('hex');
  const endpoint = endpointOverride('S3');
  return {
    url: endpoint ? bucketUrl(bucket) : `${bucketUrl(bucket)}/`,
    fields: { ...fields, key, Policy: policy, 'X-Amz-Signature': signature },
  };
}
