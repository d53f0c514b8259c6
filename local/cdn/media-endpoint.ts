import { createServer } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { verifySignedUrl } from './cloudfront-signature';
import type { PolicyHeader } from './media-response-headers';
import { listen, type Listening } from '../net';

/*
 * Stands in for CloudFront: `GET /<key>?Expires&Signature&Key-Pair-Id` is checked as a canned-policy
 * signed URL with the local public key, then the object is streamed from S3 with the headers S3
 * stores on it (Content-Type, Content-Disposition), plus those of the distribution's response
 * headers policy (from the template), on every response as CloudFront adds them, errors included.
 * 403 for a bad or expired signature or an unknown key pair, 404 when the object is missing.
 */

export interface MediaEndpointOptions {
  port: number;
  s3: S3Client;
  bucket: string;
  keyPairId: string;
  publicKeyPem: string;
  /** The media distribution's response headers policy (see media-response-headers.ts). */
  responseHeaders: PolicyHeader[];
  log: (line: string) => void;
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** What the origin sent, with the policy's headers added (an overriding one replaces the origin's). */
export function withPolicyHeaders(origin: Record<string, string>, policy: PolicyHeader[]): Record<string, string> {
  const headers = Object.fromEntries(Object.entries(origin).map(([k, v]) => [k.toLowerCase(), v]));
  for (const h of policy) if (h.override || headers[h.name] === undefined) headers[h.name] = h.value;
  return headers;
}

export async function startMediaEndpoint(options: MediaEndpointOptions): Promise<Listening & { url: string }> {
  let base = '';
  const server = createServer((req, res) => {
    const respond = (status: number, headers: Record<string, string> = {}) => res.writeHead(status, withPolicyHeaders(headers, options.responseHeaders));
    void (async () => {
      // The signed resource is the public URL (MEDIA_URL + path), whatever Host the client used.
      const url = new URL(req.url ?? '/', base);
      if (req.method !== 'GET' && req.method !== 'HEAD') return void respond(405).end();
      const check = verifySignedUrl(url, { keyPairId: options.keyPairId, publicKeyPem: options.publicKeyPem });
      if (!check.ok) return void respond(403, { 'content-type': 'text/xml' }).end(xmlError('AccessDenied', check.reason));
      const key = decodeURIComponent(url.pathname.slice(1));
      try {
        const object = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
        respond(200, {
          'content-type': object.ContentType ?? 'application/octet-stream',
          ...(object.ContentDisposition ? { 'content-disposition': object.ContentDisposition } : {}),
          ...(object.ContentLength !== undefined ? { 'content-length': String(object.ContentLength) } : {}),
          ...(object.ETag ? { etag: object.ETag } : {}),
        });
        if (req.method === 'HEAD') return void res.end();
        (object.Body as Readable).pipe(res);
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
          respond(404, { 'content-type': 'text/xml' }).end(xmlError('NoSuchKey', 'The specified key does not exist.'));
        } else {
          options.log(`[media] GET ${key}: ${(error as Error).message}`);
          respond(502, { 'content-type': 'text/xml' }).end(xmlError('BadGateway', 'origin error'));
        }
      }
    })();
  });
  const listening = await listen(server, options.port);
  base = `http://127.0.0.1:${listening.port}`;
  return { ...listening, url: base };
}
