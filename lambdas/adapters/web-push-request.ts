import { createCipheriv, createECDH, createPrivateKey, hkdfSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/*
 * A Web Push request, built with node:crypto alone: the payload encrypted for the subscription
 * (RFC 8291: ECDH P-256 with the browser's key, HKDF-SHA-256 over its auth secret, one AES-128-GCM
 * record of RFC 8188's aes128gcm coding) and the application server's VAPID JWT (RFC 8292, ES256).
 * It replaces the `web-push` package in the bundle (its bn.js and asn1.js were a third of the
 * dispatcher's bytes); test/unit/push-web-push.test.ts checks it against web-push and the local push
 * service's own decryption and verification.
 */

/** RFC 8188's record size: one record holds any payload a push service takes (4 KB). */
const RECORD_SIZE = 4096;
/** The JWT's life: RFC 8292 allows at most 24 hours; web-push's default is 12. */
const JWT_SECONDS = 12 * 60 * 60;

export interface WebPushKeys {
  /** The browser's public key (p256dh) and auth secret, base64url, as PushSubscription.toJSON() gives them. */
  p256dh: string;
  auth: string;
}

export interface VapidDetails {
  subject: string;
  /** The application server's key pair, base64url: the uncompressed public point and the 32-byte private scalar. */
  publicKey: string;
  privateKey: string;
}

export interface WebPushRequest {
  headers: Record<string, string>;
  body: Buffer;
}

const signingKeys = new Map<string, KeyObject>();

/** The VAPID private key as a signing key (the JWK needs the public point's coordinates too). */
function signingKey(vapid: VapidDetails): KeyObject {
  let key = signingKeys.get(vapid.privateKey);
  if (!key) {
    const point = Buffer.from(vapid.publicKey, 'base64url');
    if (point.length !== 65 || point[0] !== 0x04) throw new Error('the VAPID public key is not an uncompressed P-256 point');
    key = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: vapid.privateKey, x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    signingKeys.set(vapid.privateKey, key);
  }
  return key;
}

/** RFC 8292: `vapid t=<ES256 JWT for the push service's origin>, k=<public key>`. */
export function vapidAuthorization(endpoint: string, vapid: VapidDetails, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ typ: 'JWT', alg: 'ES256' })}.${part({ aud: new URL(endpoint).origin, exp: nowSeconds + JWT_SECONDS, sub: vapid.subject })}`;
  const signature = sign('sha256', Buffer.from(unsigned), { key: signingKey(vapid), dsaEncoding: 'ieee-p1363' });
  return `vapid t=${unsigned}.${signature.toString('base64url')}, k=${vapid.publicKey}`;
}

/** RFC 8291: the payload as one aes128gcm record for the subscription's keys (header: salt, record size, our public key). */
export function encryptPayload(payload: Buffer, keys: WebPushKeys): Buffer {
  const uaPublic = Buffer.from(keys.p256dh, 'base64url');
  const authSecret = Buffer.from(keys.auth, 'base64url');
  if (uaPublic.length !== 65 || uaPublic[0] !== 0x04) throw new Error('the subscription key is not an uncompressed P-256 point');
  if (authSecret.length < 16) throw new Error('the subscription auth secret is shorter than 16 bytes');
  if (payload.length + 1 + 16 > RECORD_SIZE) throw new Error('the payload does not fit one record');
  const local = createECDH('prime256v1');
  const asPublic = local.generateKeys();
  const salt = randomBytes(16);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', local.computeSecret(uaPublic), authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  // The last (only) record: the payload, then the delimiter 0x02, no padding.
  const ciphertext = Buffer.concat([cipher.update(payload), cipher.update(Buffer.from([0x02])), cipher.final(), cipher.getAuthTag()]);
  const header = Buffer.alloc(21);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header[20] = asPublic.length;
  return Buffer.concat([header, asPublic, ciphertext]);
}

/** The headers and body of a push (RFC 8030: TTL, Urgency, Topic) to `endpoint`. */
export function webPushRequest(
  endpoint: string,
  keys: WebPushKeys,
  payload: string,
  options: { vapid: VapidDetails; ttlSeconds: number; urgency: 'very-low' | 'low' | 'normal' | 'high'; topic?: string },
): WebPushRequest {
  const body = encryptPayload(Buffer.from(payload, 'utf8'), keys);
  return {
    headers: {
      'content-type': 'application/octet-stream',
      'content-encoding': 'aes128gcm',
      'content-length': String(body.length),
      ttl: String(options.ttlSeconds),
      urgency: options.urgency,
      ...(options.topic ? { topic: options.topic } : {}),
      authorization: vapidAuthorization(endpoint, options.vapid),
    },
    body,
  };
}
