import { mkdirSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS } from '../dynamodb/dynamodb-local';
import { freePort, HOST, listen, readBody } from '../../net';
import { checkPostPolicy, s3ErrorXml } from './s3-post-policy';

/**
 * An S3-compatible store (s3rver) with the media bucket, whose CORS lets browsers upload directly.
 * s3rver ignores a POST upload's policy, so a small front checks it first (signature, expiry,
 * conditions including content-length-range and Content-Type) and answers a mismatch as S3 does;
 * everything else passes through to s3rver untouched.
 */

const BROWSER_UPLOAD_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface RunningS3 {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startS3(options: { port: number; directory: string; bucket: string }): Promise<RunningS3> {
  mkdirSync(options.directory, { recursive: true });
  const innerPort = await freePort();
  const server = new S3rver({
    address: HOST,
    port: innerPort,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [BROWSER_UPLOAD_CORS] }],
  });
  await server.run();
  const front = await listen(createServer((req, res) => void handle(req, res, innerPort).catch(() => res.destroy())), options.port);
  return {
    endpoint: `http://${HOST}:${front.port}`,
    port: front.port,
    stop: async () => {
      await front.close();
      await server.close();
    },
  };
}

/** Larger POST bodies are refused outright (the API's own upload limit is far below). */
const MAX_POST_BYTES = 1024 * 1024 * 1024;
const secretFor = (accessKeyId: string) => (accessKeyId === LOCAL_CREDENTIALS.accessKeyId ? LOCAL_CREDENTIALS.secretAccessKey : undefined);

/** `POST /<bucket>` with a multipart form: a browser-based upload. */
const isFormUpload = (req: IncomingMessage) =>
  req.method === 'POST' && /^\/[^/?]+\/?$/.test(req.url ?? '') && (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

async function handle(req: IncomingMessage, res: ServerResponse, innerPort: number): Promise<void> {
  if (!isFormUpload(req)) {
    forward(req, res, innerPort, req);
    return;
  }
  const cors = req.headers.origin ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' } : {};
  const refuse = (status: number, code: string, message: string, extra?: Record<string, string | number>) =>
    void res.writeHead(status, { 'content-type': 'application/xml', ...cors }).end(s3ErrorXml(code, message, extra));
  const body = await readBody(req, MAX_POST_BYTES);
  if (!body) return refuse(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  let form: FormData;
  try {
    form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body }).formData();
  } catch {
    return refuse(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  const fields: Record<string, string> = {};
  let fileSize: number | undefined;
  for (const [name, value] of form) {
    if (name.toLowerCase() === 'file') fileSize ??= typeof value === 'string' ? Buffer.byteLength(value) : value.size;
    else if (typeof value === 'string') fields[name] = value;
  }
  if (fileSize === undefined) return refuse(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const bucket = decodeURIComponent((req.url ?? '').split('/')[1] ?? '');
  const verdict = checkPostPolicy({ bucket, fields, fileSize }, secretFor);
  if (!verdict.ok) return refuse(verdict.status, verdict.code, verdict.message, verdict.extra);
  forward(req, res, innerPort, body);
}

/** Passes a request (its body streamed, or already read) to s3rver and its answer back. */
function forward(req: IncomingMessage, res: ServerResponse, innerPort: number, body: IncomingMessage | Buffer): void {
  const headers = { ...req.headers, host: `${HOST}:${innerPort}` };
  if (Buffer.isBuffer(body)) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  const upstream = request({ host: HOST, port: innerPort, method: req.method, path: req.url, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  if (Buffer.isBuffer(body)) upstream.end(body);
  else body.pipe(upstream);
}
