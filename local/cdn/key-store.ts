import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** An RSA key pair kept as PEM files under the data dir, generated on first use so restarts keep it. */
export interface RsaKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function loadOrCreateRsaKeyPair(privatePath: string, publicPath: string): RsaKeyPair {
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  mkdirSync(dirname(privatePath), { recursive: true });
  writeFileSync(privatePath, privateKey, { mode: 0o600 });
  writeFileSync(publicPath, publicKey);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
