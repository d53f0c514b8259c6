import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * S3's browser-based upload (POST Object) policy check, which s3rver does not do: the policy
 * document's SigV4 signature, its expiration, every condition (exact match, eq, starts-with,
 * content-length-range) and "no extra fields". So locally, as in AWS, the store itself holds an
 * upload to the length and type the server presigned.
 * {@link https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html}
 */

export interface PostUpload {
  /** The bucket from the request path. */
  bucket: string;
  /** Form fields other than the file, names as sent. */
  fields: Record<string, string>;
  /** Bytes in the file part. */
  fileSize: number;
}

export type PolicyVerdict =
  | { ok: true }
  | { ok: false; status: number; code: string; message: string; extra?: Record<string, string | number> };

const deny = (message: string): PolicyVerdict => ({ ok: false, status: 403, code: 'AccessDenied', message });
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Fields S3 never requires a condition for. */
const EXEMPT = (name: string) => ['policy', 'x-amz-signature', 'file'].includes(name) || name.startsWith('x-ignore-');

export function checkPostPolicy(upload: PostUpload, secretFor: (accessKeyId: string) => string | undefined, now = new Date()): PolicyVerdict {
  const fields = new Map(Object.entries(upload.fields).map(([k, v]) => [k.toLowerCase(), v]));
  const policyB64 = fields.get('policy');
  if (!policyB64) return deny('Bucket POST must contain a policy (anonymous uploads are not allowed to this bucket)');

  // Signature: AWS4-HMAC-SHA256 over the base64 policy, with the credential's scope.
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return deny('Unsupported or missing X-Amz-Algorithm');
  const [accessKeyId, date, region, service, terminator] = (fields.get('x-amz-credential') ?? '').split('/');
  const secret = accessKeyId ? secretFor(accessKeyId) : undefined;
  if (!secret || !date || !region || service !== 's3' || terminator !== 'aws4_request') {
    return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
  const expected = hmac(signingKey, policyB64);
  const given = Buffer.from(fields.get('x-amz-signature') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }

  let policy: { expiration?: string; conditions?: unknown[] };
  try {
    policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  const expiration = Date.parse(policy.expiration ?? '');
  if (!Number.isFinite(expiration)) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid \'expiration\' value.' };
  if (expiration <= now.getTime()) return deny('Invalid according to Policy: Policy expired.');
  if (!Array.isArray(policy.conditions)) return { ok: false, status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Missing conditions.' };

  const valueOf = (name: string) => (name === 'bucket' ? upload.bucket : fields.get(name));
  const covered = new Set<string>();
  for (const condition of policy.conditions) {
    const failed = deny(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
    if (Array.isArray(condition)) {
      const [op, subject, a, b] = condition as [string, unknown, unknown, unknown];
      if (String(op).toLowerCase() === 'content-length-range') {
        const min = Number(subject);
        const max = Number(a);
        if (upload.fileSize < min) return { ok: false, status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size', extra: { ProposedSize: upload.fileSize, MinSizeAllowed: min } };
        if (upload.fileSize > max) return { ok: false, status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size', extra: { ProposedSize: upload.fileSize, MaxSizeAllowed: max } };
        continue;
      }
      if (typeof subject !== 'string' || !subject.startsWith('$') || typeof a !== 'string' || b !== undefined) return failed;
      const name = subject.slice(1).toLowerCase();
      covered.add(name);
      const value = valueOf(name) ?? '';
      if (String(op).toLowerCase() === 'eq' && value !== a) return failed;
      if (String(op).toLowerCase() === 'starts-with' && !value.startsWith(a)) return failed;
      if (!['eq', 'starts-with'].includes(String(op).toLowerCase())) return failed;
    } else if (condition && typeof condition === 'object') {
      for (const [k, v] of Object.entries(condition)) {
        const name = k.toLowerCase();
        covered.add(name);
        if (valueOf(name) !== v) return failed;
      }
    } else {
      return failed;
    }
  }
  const extra = [...fields.keys()].filter((name) => !EXEMPT(name) && !covered.has(name));
  if (extra.length > 0) return deny(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return { ok: true };
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function s3ErrorXml(code: string, message: string, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra).map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${more}<RequestId>local</RequestId></Error>`;
}
