import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_ALIASES } from '../../lib/project-function';
import { median } from '../stats';
import type { FunctionInfo } from '../functions';

/*
 * Scenario 5, cold start: each handler bundle's minified size and its module initialisation time in
 * a fresh Node process (require the bundle, N fresh processes, median), once as deployed (its source
 * map shipped beside it and read only when an error is logged: lambdas/adapters/source-mapped-stack.ts)
 * and once with Node's --enable-source-maps, which the functions set until 2026-12, for reference.
 * Plus what the bundle is made of: the entry rebundled with the same esbuild settings and a
 * metafile, bytes by package.
 */

export interface BundleResult {
  name: string;
  kb: number;
  /** As deployed: the map is shipped, and read at the first logged error, not at init. */
  init_ms: number;
  /** With Node's --enable-source-maps (every stack mapped, the map parsed at init). */
  init_ms_node_source_maps: number;
  top_contributors: { module: string; kb: number }[];
}

const ROOT = resolve(__dirname, '../..');

function initTimes(fn: FunctionInfo, runs: number, nodeOptions: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(fn.bundle)});process.stdout.write(String(performance.now()-t))`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, ...fn.environment, NODE_OPTIONS: nodeOptions, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: fn.logicalId, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb) },
      encoding: 'utf8',
    });
    const ms = Number(r.stdout);
    if (r.status === 0 && Number.isFinite(ms)) times.push(ms);
  }
  return times.length ? Math.round(median(times) * 10) / 10 : NaN;
}

/** The handler source: of the bundle's own sources (from its source map), the one that exports `handler`. */
export function entryOf(bundle: string): string | undefined {
  const map = `${bundle}.map`;
  if (!existsSync(map)) return undefined;
  const sources = (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources;
  for (const source of sources) {
    if (source.includes('node_modules') || !/\.[cm]?[jt]s$/.test(source)) continue;
    const path = resolve(bundle, '..', source);
    if (existsSync(path) && /export\s+(const|async\s+function|function)\s+handler\b/.test(readFileSync(path, 'utf8'))) return path;
  }
  return undefined;
}

/** Package (or project folder) of a metafile input path. */
export function moduleOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = input.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return input.split('/').slice(0, 2).join('/');
}

/** The entry bundled with the functions' esbuild settings (lib/project-function.ts), for its metafile. */
export async function bundleMetafile(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry], bundle: true, minify: true, platform: 'node', target: 'node22', format: 'cjs',
    mainFields: ['module', 'main'], alias: { ...BUNDLE_ALIASES }, write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT,
  });
  return result.metafile;
}

export async function contributors(entry: string, top = 8): Promise<{ module: string; kb: number }[]> {
  const metafile = await bundleMetafile(entry);
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = moduleOf(input);
      bytes.set(m, (bytes.get(m) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, b]) => ({ module, kb: Math.round(b / 102.4) / 10 }));
}

export async function runBundles(functions: FunctionInfo[], runs: number, log: (s: string) => void, analyse = true): Promise<BundleResult[]> {
  const out: BundleResult[] = [];
  for (const fn of functions) {
    const deployedOptions = fn.environment.NODE_OPTIONS ?? '';
    const entry = entryOf(fn.bundle);
    const result: BundleResult = {
      name: fn.name,
      kb: Math.round(fn.bytes / 102.4) / 10,
      init_ms: initTimes(fn, runs, deployedOptions),
      init_ms_node_source_maps: initTimes(fn, runs, `${deployedOptions} --enable-source-maps`.trim()),
      top_contributors: entry && analyse ? await contributors(entry) : [],
    };
    log(`  ${fn.name}: ${result.kb} KB, init ${result.init_ms} ms (${result.init_ms_node_source_maps} ms with --enable-source-maps)${entry ? `, entry ${relative(ROOT, entry)}` : ''}`);
    out.push(result);
  }
  return out;
}
