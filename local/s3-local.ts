import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';
import { freePort, HOST } from './net';

/** An S3-compatible store (s3rver) with the media bucket, whose CORS lets browsers upload directly. */

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
  const port = options.port === 0 ? await freePort() : options.port;
  const server = new S3rver({
    address: HOST,
    port,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [BROWSER_UPLOAD_CORS] }],
  });
  await server.run();
  return { endpoint: `http://${HOST}:${port}`, port, stop: () => server.close() };
}
