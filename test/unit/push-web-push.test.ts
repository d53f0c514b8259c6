import { newVapidKeys } from '../../lib/custom-resources/vapid-keys';
import { decryptAes128gcm, LocalPushService } from '../../local/push/push-service';
import type { PushSubscriptionItem } from '../../lambdas/model/service';
import { createECDH, randomBytes } from 'node:crypto';
import { encrypt } from 'web-push';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateVapidKeys } from '../../local/push/vapid-keys';

/*
 * The Web Push adapter against the local push service on loopback: web-push's real encryption and
 * VAPID JWT, the service's own verification and RFC 8291 decryption. The outcome mapping and the
 * SSRF refusals are checked here too; the whole chain through the stream is test/e2e/push.test.ts.
 */

const vapid = newVapidKeys();
process.env.VAPID_PUBLIC_KEY = vapid.publicKey;
process.env.VAPID_PRIVATE_KEY = vapid.privateKey;
process.env.PUSH_ALLOW_LOOPBACK = 'true';
process.env.VAPID_SUBJECT = 'mailto:ops@example.com';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the environment is set
const { sendWebPush, outcomeOf, guardedLookup } = require('../../lambdas/adapters/web-push') as typeof import('../../lambdas/adapters/web-push');

const options = { ttlSeconds: 60, urgency: 'high' as const, topic: 'abcdefghijklmnopqrstuvwxyz012345', timeoutMs: 2000 };
const notification = { title: 'alice in #general', body: 'hello ünïcödé 👋', channel: 'C1', ts: '01J00000000000000000000000' };

function item(json: { endpoint: string; keys: { p256dh: string; auth: string } }): PushSubscriptionItem {
  return { userId: 'U1', deviceId: 'd1', teamId: 'T1', kind: 'webpush', endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth, createdAt: 0 };
}

describe('Web Push adapter and the local push service', () => {
  const service = new LocalPushService();
  beforeAll(() => service.start());
  afterAll(() => service.stop());

  test('a push is accepted (201), its VAPID JWT verified and its payload decrypted with the subscription keys', async () => {
    const sub = service.subscribe(vapid.publicKey);
    expect(await sendWebPush(item(sub.json), notification, options)).toBe('sent');
    expect(service.refused).toEqual([]);
    const [push] = service.pushesFor(sub.id);
    expect(push.payload).toEqual(notification);
    expect(push).toMatchObject({ ttl: 60, urgency: 'high', topic: options.topic });
    expect(push.claims.sub).toBe('mailto:ops@example.com');
    expect(push.claims.aud).toBe(new URL(sub.json.endpoint).origin);
  });

  test('a subscription made with another application server key is refused (403 → failed)', async () => {
    const sub = service.subscribe(newVapidKeys().publicKey);
    expect(await sendWebPush(item(sub.json), notification, options)).toBe('failed');
    expect(service.refused.at(-1)).toMatchObject({ status: 403 });
    expect(service.pushesFor(sub.id)).toEqual([]);
  });

  test('410 and 404 are gone; 5xx is retry', async () => {
    const gone = service.subscribe(vapid.publicKey);
    service.answerWith(gone.id, 410);
    expect(await sendWebPush(item(gone.json), notification, options)).toBe('gone');
    const unknown = { ...service.subscribe(vapid.publicKey).json };
    unknown.endpoint = unknown.endpoint.replace(/push\/.*/, 'push/no-such-id');
    expect(await sendWebPush(item(unknown), notification, options)).toBe('gone');
    const busy = service.subscribe(vapid.publicKey);
    service.answerWith(busy.id, 503);
    expect(await sendWebPush(item(busy.json), notification, options)).toBe('retry');
    expect([outcomeOf(201), outcomeOf(429), outcomeOf(400), outcomeOf(413)]).toEqual(['sent', 'retry', 'failed', 'failed']);
  });

  test('private addresses other than 127.0.0.1 are never contacted (SSRF)', async () => {
    const keys = service.subscribe(vapid.publicKey).json.keys;
    for (const endpoint of ['http://10.0.0.1/push', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'http://localhost:1/x', 'https://127.0.0.2/x']) {
      expect(await sendWebPush(item({ endpoint, keys }), notification, options)).toBe('failed');
    }
  });

  test("the connection's own lookup refuses a name that resolves to a private address; with loopback allowed only 127.0.0.1 passes", async () => {
    const lookup = (loopback: boolean, all: boolean) => new Promise<unknown>((resolve) => {
      guardedLookup(loopback)('localhost', { all } as never, (error: Error | null, address: unknown) => resolve(error ? `refused: ${error.message}` : address));
    });
    expect(await lookup(false, false)).toMatch(/^refused: .*no public address/);
    expect(await lookup(false, true)).toMatch(/^refused/);
    expect(await lookup(true, false)).toBe('127.0.0.1');
    expect(await lookup(true, true)).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  test('the local VAPID pair is made once into the data dir, readable by its owner only, and kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vapid-'));
    const file = join(dir, 'vapid-keys.json');
    const first = loadOrCreateVapidKeys(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateVapidKeys(file)).toEqual(first);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
    rmSync(dir, { recursive: true });
  });

  test('the decryption refuses a payload encrypted for other keys', () => {
    const ua = createECDH('prime256v1');
    ua.generateKeys();
    const auth = randomBytes(16);
    const body = encrypt(ua.getPublicKey().toString('base64url'), auth.toString('base64url'), 'secret words', 'aes128gcm').cipherText;
    expect(decryptAes128gcm(body, ua, auth).toString()).toBe('secret words');
    const other = createECDH('prime256v1');
    other.generateKeys();
    expect(() => decryptAes128gcm(body, other, auth)).toThrow();
  });
});

describe('the Web Push request, built with node:crypto (adapters/web-push-request.ts) against the web-push package', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- after the environment is set
  const { encryptPayload, vapidAuthorization, webPushRequest } = require('../../lambdas/adapters/web-push-request') as typeof import('../../lambdas/adapters/web-push-request');
  const browser = () => {
    const ua = createECDH('prime256v1');
    ua.generateKeys();
    const auth = randomBytes(16);
    return { ua, auth, keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  };

  test("its body decrypts with the browser's keys, by the local service and by web-push's own http_ece; other keys cannot", () => {
    const { ua, auth, keys } = browser();
    const text = JSON.stringify(notification);
    const body = encryptPayload(Buffer.from(text), keys);
    expect(decryptAes128gcm(body, ua, auth).toString('utf8')).toBe(text);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- web-push's encryption library, as the reference
    const ece = require('http_ece') as { decrypt: (b: Buffer, o: object) => Buffer };
    expect(ece.decrypt(body, { version: 'aes128gcm', privateKey: ua, authSecret: keys.auth }).toString('utf8')).toBe(text);
    // The same layout as web-push's: salt, record size 4096, the sender's 65-byte key.
    const reference = encrypt(keys.p256dh, keys.auth, text, 'aes128gcm').cipherText;
    expect(body.readUInt32BE(16)).toBe(reference.readUInt32BE(16));
    expect([body[20], body.length]).toEqual([reference[20], reference.length]);
    expect(() => decryptAes128gcm(body, browser().ua, auth)).toThrow();
    // Fresh salt and key every time.
    expect(encryptPayload(Buffer.from(text), keys).subarray(0, 86).equals(body.subarray(0, 86))).toBe(false);
  });

  test('the VAPID header: an ES256 JWT for the endpoint\'s origin that verifies with the public key, as web-push\'s does', async () => {
    const { importJWK, jwtVerify } = await import('jose');
    const header = vapidAuthorization('https://push.example.com/send/abc?x=1', { subject: 'mailto:ops@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey }, 1_000_000);
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(header)!;
    expect(m[2]).toBe(vapid.publicKey);
    const point = Buffer.from(vapid.publicKey, 'base64url');
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256');
    const { payload, protectedHeader } = await jwtVerify(m[1], key, { currentDate: new Date(1_000_000 * 1000) });
    expect(protectedHeader).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(payload).toEqual({ aud: 'https://push.example.com', exp: 1_000_000 + 12 * 3600, sub: 'mailto:ops@example.com' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the reference
    const webPush = require('web-push') as { getVapidHeaders: (aud: string, sub: string, pub: string, priv: string, enc: string) => { Authorization: string } };
    const theirs = webPush.getVapidHeaders('https://push.example.com', 'mailto:ops@example.com', vapid.publicKey, vapid.privateKey, 'aes128gcm').Authorization;
    expect(theirs.replace(/t=[^,]+/, 't=…')).toBe(header.replace(/t=[^,]+/, 't=…'));
  });

  test('the headers of RFC 8030, and a payload that cannot fit one record is refused before any request', () => {
    const { keys } = browser();
    const request = webPushRequest('https://push.example.com/x', keys, '{"a":1}', { vapid: { subject: 'mailto:ops@example.com', ...vapid }, ttlSeconds: 60, urgency: 'high', topic: 'abc' });
    expect(request.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '60', urgency: 'high', topic: 'abc', 'content-length': String(request.body.length) });
    expect(() => encryptPayload(Buffer.alloc(4096), keys)).toThrow(/one record/);
  });
});
