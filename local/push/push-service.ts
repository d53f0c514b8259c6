import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify, type JWTPayload } from 'jose';

/*
 * A Web Push service on 127.0.0.1, standing in for a browser vendor's (FCM, Mozilla autopush) in
 * tests. It does what a real one does with a push, and what the browser then does with it:
 * - RFC 8030: only POST to a subscription's URL, `TTL` required, 201 Created with a Location;
 *   404 for an unknown subscription, 410 for one marked gone;
 * - RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<key>`, the key the subscription was made
 *   with (PushManager's applicationServerKey), the JWT verified ES256 against it with `aud` = this
 *   origin, `exp` within 24 hours, `sub` a mailto: or https: contact;
 * - RFC 8291 (the browser's part): `Content-Encoding: aes128gcm`, decrypted with the subscription's
 *   own private key and auth secret (ECDH P-256, HKDF-SHA-256, AES-128-GCM), padding checked.
 * So a test that reads a push here has proven that a browser could read it.
 */

export interface LocalSubscription {
  /** What a browser's PushSubscription.toJSON() gives: the client sends this to push.subscribe. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
  id: string;
}

export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted payload, parsed. */
  payload: Record<string, unknown>;
  ttl: number;
  urgency?: string;
  topic?: string;
  claims: JWTPayload;
}

interface Held {
  applicationServerKey: Buffer;
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  /** What the service answers: 201, or a test's 404/410/500. */
  status: number;
}

/** Decrypts an aes128gcm body (RFC 8188 with the RFC 8291 key derivation) with the subscription's keys. */
export function decryptAes128gcm(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const asPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65 || asPublic[0] !== 0x04) throw new Error('keyid is not the sender\'s uncompressed P-256 key');
  if (ciphertext.length > recordSize || ciphertext.length < 17) throw new Error('not exactly one record');
  const uaPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last (only) record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x02) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}

/** The VAPID public key (raw uncompressed P-256, base64url) as a JWK jose can verify with. */
async function verifierKey(raw: Buffer) {
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error('the VAPID key is not an uncompressed P-256 point');
  return importJWK({ kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, 'ES256');
}

function vapidHeader(value: string | undefined): { t: string; k: string } | undefined {
  const m = /^vapid\s+(.+)$/i.exec(value ?? '');
  if (!m) return undefined;
  const params = Object.fromEntries(m[1].split(',').map((p) => p.trim().split('=').map((s) => s.trim())).filter((kv) => kv.length === 2)) as Record<string, string>;
  return params.t && params.k ? { t: params.t, k: params.k } : undefined;
}

export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  /** Requests refused, with the reason (a test asserts there are none). */
  readonly refused: Array<{ subscriptionId: string; status: number; reason: string }> = [];
  private readonly subscriptions = new Map<string, Held>();
  private server?: Server;
  private origin = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => this.answer(res, '', 500, `internal: ${error.message}`));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A new subscription bound to `applicationServerKey` (base64url), with its keys made here as a browser makes them. */
  subscribe(applicationServerKey: string): LocalSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(id, { applicationServerKey: Buffer.from(applicationServerKey, 'base64url'), ecdh, auth, status: 201 });
    return { id, json: { endpoint: `${this.origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } } };
  }

  /** From now on a push to this subscription is answered with `status` (410: the browser unsubscribed). */
  answerWith(subscriptionId: string, status: number): void {
    const held = this.subscriptions.get(subscriptionId);
    if (held) held.status = status;
  }

  pushesFor(subscriptionId: string): ReceivedPush[] {
    return this.received.filter((p) => p.subscriptionId === subscriptionId);
  }

  private answer(res: ServerResponse, subscriptionId: string, status: number, reason?: string): void {
    if (reason) this.refused.push({ subscriptionId, status, reason });
    res.writeHead(status, status === 201 ? { location: `${this.origin}/message/${randomUUID()}` } : {});
    res.end(reason ?? '');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      // RFC 8030 lets a push service refuse more than 4096 bytes of payload.
      if (size > 8192) return this.answer(res, '', 413, 'payload too large');
      chunks.push(chunk as Buffer);
    }
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const held = this.subscriptions.get(id);
    if (req.method !== 'POST') return this.answer(res, id, 405, 'only POST');
    if (!held) return this.answer(res, id, 404, 'no such subscription');
    if (held.status !== 201) return this.answer(res, id, held.status, `answered ${held.status} as the test asked`);

    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return this.answer(res, id, 400, 'TTL header missing');
    const vapid = vapidHeader(req.headers.authorization);
    if (!vapid) return this.answer(res, id, 401, 'no vapid authorization');
    const key = Buffer.from(vapid.k, 'base64url');
    if (!key.equals(held.applicationServerKey)) return this.answer(res, id, 403, 'k is not the key the subscription was made with');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(vapid.t, await verifierKey(key), { algorithms: ['ES256'], audience: this.origin }));
    } catch (error) {
      return this.answer(res, id, 403, `VAPID JWT: ${(error as Error).message}`);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp > now + 24 * 3600) return this.answer(res, id, 403, 'exp missing or past 24 hours');
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return this.answer(res, id, 403, 'sub is not a mailto: or https: contact');
    if (req.headers['content-encoding'] !== 'aes128gcm') return this.answer(res, id, 415, 'Content-Encoding is not aes128gcm');

    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(decryptAes128gcm(Buffer.concat(chunks), held.ecdh, held.auth).toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      return this.answer(res, id, 400, `payload could not be decrypted: ${(error as Error).message}`);
    }
    this.received.push({
      subscriptionId: id,
      payload,
      ttl,
      ...(typeof req.headers.urgency === 'string' ? { urgency: req.headers.urgency } : {}),
      ...(typeof req.headers.topic === 'string' ? { topic: req.headers.topic } : {}),
      claims,
    });
    this.answer(res, id, 201);
  }
}
