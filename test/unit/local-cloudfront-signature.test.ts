import { generateKeyPairSync } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { verifySignedUrl } from '../../local/cdn/cloudfront-signature';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const key = { keyPairId: 'LOCALKEYPAIR', publicKeyPem: publicKey };
const sign = (url: string, expires: Date, keyPairId = 'LOCALKEYPAIR', pem = privateKey) =>
  new URL(getSignedUrl({ url, keyPairId, privateKey: pem, dateLessThan: expires.toISOString() }));
const inAnHour = () => new Date(Date.now() + 3600_000);

describe('CloudFront canned-policy signed URLs', () => {
  it('accepts a URL signed by the AWS SDK signer with the local key', () => {
    expect(verifySignedUrl(sign('http://127.0.0.1:3002/T1/F1/photo%20one.png', inAnHour()), key)).toEqual({ ok: true });
  });

  it('refuses an expired URL', () => {
    expect(verifySignedUrl(sign('http://127.0.0.1:3002/T1/F1/a.png', new Date(Date.now() - 1000)), key)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a changed path, a changed expiry, another key pair id, or another key', () => {
    const url = sign('http://127.0.0.1:3002/T1/F1/a.png', inAnHour());
    const otherPath = new URL(url);
    otherPath.pathname = '/T1/F1/b.png';
    expect(verifySignedUrl(otherPath, key)).toMatchObject({ ok: false, reason: 'bad signature' });
    const later = new URL(url);
    later.searchParams.set('Expires', String(Number(url.searchParams.get('Expires')) + 60));
    expect(verifySignedUrl(later, key)).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(verifySignedUrl(sign('http://127.0.0.1:3002/a', inAnHour(), 'OTHER'), key)).toMatchObject({ ok: false, reason: 'unknown key pair id' });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(verifySignedUrl(sign('http://127.0.0.1:3002/a', inAnHour(), 'LOCALKEYPAIR', other.privateKey), key)).toMatchObject({ ok: false });
    expect(verifySignedUrl(new URL('http://127.0.0.1:3002/a'), key)).toMatchObject({ ok: false });
  });
});
