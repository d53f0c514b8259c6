import { createVerify } from 'node:crypto';

/*
 * CloudFront canned-policy signed URLs, checked the way CloudFront checks them:
 * RSA-SHA1 over {"Statement":[{"Resource":"<url without query>","Condition":{"DateLessThan":{"AWS:EpochTime":<Expires>}}}]},
 * base64 in CloudFront's URL-safe alphabet (+ → -, = → _, / → ~).
 */

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export const cannedPolicy = (resource: string, expires: number) =>
  `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;

const fromCloudFrontBase64 = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');

export function verifySignedUrl(
  url: URL,
  key: { keyPairId: string; publicKeyPem: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const expires = url.searchParams.get('Expires');
  const signature = url.searchParams.get('Signature');
  const keyPairId = url.searchParams.get('Key-Pair-Id');
  if (!expires || !signature || !keyPairId) return { ok: false, reason: 'missing Expires, Signature or Key-Pair-Id' };
  if (keyPairId !== key.keyPairId) return { ok: false, reason: 'unknown key pair id' };
  if (!/^\d+$/.test(expires)) return { ok: false, reason: 'bad Expires' };
  if (Number(expires) <= nowSeconds) return { ok: false, reason: 'expired' };
  const resource = `${url.origin}${url.pathname}`;
  const valid = createVerify('RSA-SHA1').update(cannedPolicy(resource, Number(expires))).verify(key.publicKeyPem, fromCloudFrontBase64(signature));
  return valid ? { ok: true } : { ok: false, reason: 'bad signature' };
}
