import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { decodeMappings, readBundleMap, sourceMappedStack } from '../../lambdas/adapters/source-mapped-stack';
import { logger } from '../../lambdas/adapters/logger';

/*
 * Stacks mapped from the bundle's own source map when an error is logged, in place of Node's
 * --enable-source-maps at every cold start: a real minified esbuild bundle (the functions' settings:
 * cjs, minify, external map) throws, and its frames come back as the source's file, line and column.
 */

describe('source-mapped stacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-'));
  const bundle = join(dir, 'out', 'index.js');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    writeFileSync(join(dir, 'deep.ts'), ['export function deepest(n: number): number {', '  if (n > 2) {', "    throw new Error('boom at depth ' + n);", '  }', '  return deepest(n + 1);', '}', ''].join('\n'));
    writeFileSync(join(dir, 'entry.ts'), ["import { deepest } from './deep';", '', 'export const handler = () => {', '  const value = deepest(0);', '  return value;', '};', ''].join('\n'));
    buildSync({ entryPoints: [join(dir, 'entry.ts')], bundle: true, minify: true, sourcemap: true, format: 'cjs', platform: 'node', outfile: bundle, logLevel: 'silent' });
  });

  test("a minified bundle's frames map to the throwing line of the source and its caller", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle
    const { handler } = require(bundle) as { handler: () => number };
    let stack = '';
    try {
      handler();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain(`${bundle}:1:`);
    const mapped = sourceMappedStack(stack, bundle);
    expect(mapped).not.toContain(`${bundle}:`);
    const frames = mapped.split('\n').filter((l) => l.includes('.ts:'));
    expect(frames[0]).toMatch(/deep\.ts:3:\d+/);
    expect(frames.some((f) => /entry\.ts:4:\d+/.test(f))).toBe(true);
    // Paths lose the synth folder's leading ../ segments.
    expect(frames.every((f) => !f.includes('../'))).toBe(true);
  });

  test('without a map (the sources run as they are) the stack is unchanged', () => {
    const stack = 'Error: x\n    at f (/nowhere/index.js:1:10)';
    expect(readBundleMap('/nowhere/index.js')).toBeNull();
    expect(sourceMappedStack(stack, '/nowhere/index.js')).toBe(stack);
  });

  test('VLQ decoding: fields are deltas, the column restarts each line, the source fields carry over', () => {
    // Line 1: [0,0,0,0] and [+5,0,+1,+2]; line 2: [+3,+1,-1,-1] (D is -1: a negative delta).
    expect(decodeMappings('AAAA,KACE;GCDD')).toEqual([
      [{ column: 0, source: 0, line: 0, sourceColumn: 0 }, { column: 5, source: 0, line: 1, sourceColumn: 2 }],
      [{ column: 3, source: 1, line: 0, sourceColumn: 1 }],
    ]);
  });

  test('error-level log lines carry the first frames; other levels never do', () => {
    const lines: string[] = [];
    const keep = (...args: unknown[]) => { lines.push(String(args[0])); };
    const spies = [jest.spyOn(console, 'log').mockImplementation(keep), jest.spyOn(console, 'warn').mockImplementation(keep), jest.spyOn(console, 'error').mockImplementation(keep)];
    try {
      const error = new Error('failed with token=abc');
      logger.warn('a warning', { error });
      logger.error('a fault', { error });
    } finally {
      for (const s of spies) s.mockRestore();
    }
    const [warned, failed] = lines.map((l) => JSON.parse(l));
    expect(warned.error.stack).toBeUndefined();
    expect(failed.error.stack.split('\n').length).toBeLessThanOrEqual(8);
    expect(failed.error.stack).toMatch(/^at /);
    expect(failed.error.stack).toContain('adapters-source-mapped-stack.test.ts');
  });
});
