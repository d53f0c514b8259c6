import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { listen, type Listening } from '../net';
import type { WebConfig } from '../../web/src/config-shape';

/*
 * The web client on its own port: `web/dist` as static files (unknown paths fall back to
 * index.html, as CloudFront's default root object and SPA routing would) and a generated
 * `/config.json` naming this cloud's endpoints, so the same build runs locally and in AWS.
 */

export const WEB_DIR = resolve(__dirname, '..', '..', 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');

export type { WebConfig };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir: string, skip: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path, skip) : statSync(path).mtimeMs);
  }
  return latest;
}

/** True when web/dist is missing or older than any source of the web app. */
export function webAppIsStale(webDir = WEB_DIR): boolean {
  const index = join(webDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const sources = newest(webDir, (name) => name === 'dist' || name === 'node_modules');
  return sources > statSync(index).mtimeMs;
}

/** `vite build web` when the build is stale (a second or two); throws with vite's output on failure. */
export function ensureWebAppBuilt(log: (line: string) => void, webDir = WEB_DIR): void {
  if (!webAppIsStale(webDir)) return;
  log('… building the web client (vite build web)');
  const result = spawnSync('npx', ['vite', 'build', webDir, '--logLevel', 'warn'], { cwd: resolve(webDir, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`web client build failed:\n${result.stdout}\n${result.stderr}`);
}

export async function startWebApp(options: { port: number; config: WebConfig; distDir?: string; log: (line: string) => void }): Promise<Listening & { url: string }> {
  const dist = options.distDir ?? WEB_DIST;
  const config = JSON.stringify(options.config, null, 2);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (pathname === '/config.json') {
      return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : config);
    }
    let file = normalize(join(dist, pathname));
    if (!file.startsWith(dist + sep) && file !== dist) return void res.writeHead(403).end();
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('web/dist is missing: run npm run build:web');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Hashed assets never change; index.html must be revalidated to pick up a new build.
    const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { 'content-type': type, 'cache-control': cache });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  const listening = await listen(server, options.port);
  return { ...listening, url: `http://127.0.0.1:${listening.port}` };
}
