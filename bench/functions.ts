import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/*
 * The handler functions of the synthesized template: logical id, a readable name from the
 * construct path (`aws:cdk:path` metadata), configured memory, and the bundle in cdk.out.
 */

export interface FunctionInfo {
  logicalId: string;
  /** The construct path without the stack and `/Resource`, e.g. `Realtime/Message`. */
  name: string;
  memoryMb: number;
  bundle: string;
  bytes: number;
  /** The template's plain (string) environment values; references become placeholders. */
  environment: Record<string, string>;
}

interface Resource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { MemorySize?: number; Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

export function templateFunctions(cdkOut: string, stack = 'TeamChat'): FunctionInfo[] {
  const template = JSON.parse(readFileSync(join(cdkOut, `${stack}.template.json`), 'utf8')) as { Resources: Record<string, Resource> };
  const out: FunctionInfo[] = [];
  for (const [logicalId, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const asset = r.Metadata?.['aws:asset:path'];
    const handler = r.Properties?.Handler ?? 'index.handler';
    const bundle = asset ? resolve(cdkOut, asset, `${handler.slice(0, handler.lastIndexOf('.'))}.js`) : '';
    if (!bundle || !existsSync(bundle)) continue;
    const path = r.Metadata?.['aws:cdk:path'] ?? logicalId;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.Properties?.Environment?.Variables ?? {})) environment[k] = typeof v === 'string' ? v : `placeholder-${k.toLowerCase()}`;
    out.push({
      logicalId,
      name: path.replace(/^[^/]+\//, '').replace(/\/Resource$/, ''),
      memoryMb: r.Properties?.MemorySize ?? 128,
      bundle,
      bytes: statSync(bundle).size,
      environment,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
