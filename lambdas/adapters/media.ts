import { createHash } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { binding, numberSetting, optionalVariable } from '../config/env';
import { BINDINGS, LOCAL_MEDIA_SIGNING_KEY_PEM } from '../config/settings';
import { secretString } from './aws-services';
import { logger } from './logger';

/*
 * Media at the edge: the bucket (its objects: adapters/object-store.ts), and CloudFront signed URLs for `url_private`.
 * A URL is minted only where a message leaves the system to a member (history, replies, a post's
 * own reply, live events, sync), never stored: messages keep the file's stable metadata and its
 * object key, and `withFileUrls` swaps the key for a fresh signed URL on the way out.
 */

const URL_TTL_SECONDS = numberSetting('mediaUrlSeconds');

export const mediaBucket = () => binding('mediaBucket');

let signingKey: Promise<string> | undefined;

/** The CloudFront private key: MEDIA_SIGNING_KEY_PEM (local cloud) or the secret, read once per cold start. */
function privateKey(): Promise<string> {
  const pem = optionalVariable(LOCAL_MEDIA_SIGNING_KEY_PEM);
  if (pem) return Promise.resolve(pem);
  signingKey ??= secretString(binding('mediaSigningKeySecretArn'));
  // A failed read is not cached: the next request tries again.
  signingKey.catch(() => { signingKey = undefined; });
  return signingKey;
}

/**
 * The key that signs read grants (core/read-grants.ts): derived from the CloudFront private key, so
 * no other secret is kept or rotated; a new media key voids the grants (readers fall back to the
 * membership read). Undefined for a function not bound to the media signing key (it makes none).
 */
export async function readGrantKey(): Promise<Buffer | undefined> {
  if (!optionalVariable(LOCAL_MEDIA_SIGNING_KEY_PEM) && !optionalVariable(BINDINGS.mediaSigningKeySecretArn)) return undefined;
  return createHash('sha256').update('read-grant/v1\n').update(await privateKey()).digest();
}

/** Mints CDN URLs for object keys: canned policy, expiring. */
export type UrlSigner = (key: string) => string;

export async function mediaSigner(nowMs = Date.now()): Promise<UrlSigner> {
  const base = binding('mediaUrl').replace(/\/$/, '');
  const keyPairId = binding('mediaKeyPairId');
  const key = await privateKey();
  const dateLessThan = new Date(nowMs + URL_TTL_SECONDS * 1000).toISOString();
  return (objectKey) =>
    getSignedUrl({ url: `${base}/${objectKey.split('/').map(encodeURIComponent).join('/')}`, keyPairId, privateKey: key, dateLessThan });
}

/** What a stored file entry of a message holds; `key` never leaves the system. */
export interface StoredFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  key: string;
  original_w?: number;
  original_h?: number;
}

const isStoredFile = (v: unknown): v is StoredFile =>
  typeof v === 'object' && v !== null && typeof (v as StoredFile).id === 'string' && typeof (v as StoredFile).key === 'string';

/** A stored file as a client sees it: the public fields and, when a signer is given, `url_private`. */
export function publicFile(file: StoredFile, sign?: UrlSigner): Record<string, unknown> {
  const { key, ...rest } = file;
  const filetype = file.name.includes('.') ? file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase() : '';
  return { ...rest, filetype, ...(sign ? { url_private: sign(key) } : {}) };
}

const MAX_DEPTH = 6;

function rewrite(value: unknown, sign: UrlSigner | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, sign, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'files' && Array.isArray(v)
      ? v.map((f) => (isStoredFile(f) ? publicFile(f, sign) : f))
      : rewrite(v, sign, depth + 1);
  }
  return out;
}

/**
 * Every `files[]` in a message, a list of messages or an event (including nested `message` and
 * `previous_message`), with keys swapped for signed URLs. Only call it for a reader who may see
 * the message (a member). If signing is not possible, the files go out without URLs (and without
 * keys) rather than failing the read.
 */
export async function withFileUrls<T>(value: T): Promise<T> {
  if (!mentionsFiles(value)) return value;
  let sign: UrlSigner | undefined;
  try {
    sign = await mediaSigner();
  } catch (error) {
    logger.error('cannot sign media URLs; files go out without url_private', { error });
  }
  return rewrite(value, sign, 0) as T;
}

/** Cheap check so reads without files skip the signer (and its cold-start secret read). */
function mentionsFiles(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => mentionsFiles(v, depth + 1));
  return Object.entries(value).some(([k, v]) => (k === 'files' && Array.isArray(v) && v.some(isStoredFile)) || mentionsFiles(v, depth + 1));
}
