import { readFileSync } from 'node:fs';

/*
 * Stack traces in the sources' terms, mapped from the bundle's own source map only when an error is
 * logged. Node's --enable-source-maps does the same for every stack, but loads its machinery and
 * parses the map at every cold start (10–20 ms of a function's init, measured by `npm run bench`);
 * errors are rare, so the map is read at the first one instead, and kept.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

interface Mapping {
  column: number;
  source: number;
  line: number;
  sourceColumn: number;
}

export interface DecodedMap {
  sources: string[];
  /** Per generated line, its segments with a source, by generated column. */
  lines: Mapping[][];
}

/** Source map v3 `mappings`: per generated line, base64 VLQ segments of deltas (RFC-less, the v3 proposal). */
export function decodeMappings(mappings: string): Mapping[][] {
  const lines: Mapping[][] = [];
  let source = 0;
  let line = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(';')) {
    const segments: Mapping[] = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = DIGIT.get(char);
        if (digit === undefined) throw new Error('not a base64 VLQ segment');
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      column += fields[0];
      if (fields.length < 4) continue;
      source += fields[1];
      line += fields[2];
      sourceColumn += fields[3];
      segments.push({ column, source, line, sourceColumn });
    }
    lines.push(segments);
  }
  return lines;
}

/** The source position of a generated one (line 1-based, column 1-based, as stacks print them). */
export function originalPosition(map: DecodedMap, line: number, column: number): { source: string; line: number; column: number } | undefined {
  const segments = map.lines[line - 1];
  if (!segments?.length) return undefined;
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (segments[mid].column <= column - 1) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (found < 0) return undefined;
  const m = segments[found];
  // Sources are relative to the bundle's folder at synth (../../lambdas/…): the project path is what helps.
  return { source: map.sources[m.source].replace(/^(\.\.\/)+/, ''), line: m.line + 1, column: m.sourceColumn + 1 };
}

/** The map beside `bundle` (`<bundle>.map`), decoded; null when there is none or it cannot be read. */
export function readBundleMap(bundle: string): DecodedMap | null {
  try {
    const raw = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources?: string[]; mappings?: string };
    return raw.sources && typeof raw.mappings === 'string' ? { sources: raw.sources, lines: decodeMappings(raw.mappings) } : null;
  } catch {
    return null; // no map beside this file (unit tests run the sources themselves)
  }
}

/** This bundle's map, read at the first stack that needs it. */
let ownMap: DecodedMap | null | undefined;

/** `stack` with each frame in `bundle` (this bundle, by default) given its source position; the rest unchanged. */
export function sourceMappedStack(stack: string, bundle: string = __filename, map?: DecodedMap | null): string {
  if (!stack.includes(bundle)) return stack;
  if (map === undefined) map = bundle === __filename ? (ownMap ??= readBundleMap(__filename)) : readBundleMap(bundle);
  if (!map) return stack;
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, column: string) => {
    const at = originalPosition(map, Number(line), Number(column));
    return at ? `${at.source}:${at.line}:${at.column}` : whole;
  });
}
