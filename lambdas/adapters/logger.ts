import { textSetting } from '../config/env';
import { sourceMappedStack } from './source-mapped-stack';

/**
 * A small structured logger. Lambda's runtime adds the timestamp and request id to each line.
 * Tokens never reach a log line: secret-named fields and anything shaped like a JWT are redacted.
 * Errors logged at `error` level carry their first stack frames, in the sources' positions
 * (adapters/source-mapped-stack.ts: the bundle's map is read at the first such error, not at init).
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = LEVELS[textSetting('logLevel') as Level] ?? LEVELS.info;

const SECRET_KEY = /token|authorization|secret|password|signature|private/i;
const JWT_SHAPE = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/** Apps' tokens and tickets (lambdas/core/app-tokens.ts), and the `?s=` secret of webhook and response URLs. */
const APP_TOKEN_SHAPE = /\bx(?:oxb|app|smt)-[\w-]+/g;

/** Frames kept of a logged error's stack. */
const STACK_FRAMES = 8;

const framesOf = (error: Error) => sourceMappedStack((error.stack ?? '').split('\n').filter((l) => l.startsWith('    at ')).slice(0, STACK_FRAMES).map((l) => l.trim()).join('\n'));

export function redact(value: unknown, depth = 0, stacks = false): unknown {
  if (typeof value === 'string') {
    return value.replace(JWT_SHAPE, '[redacted]').replace(APP_TOKEN_SHAPE, '[redacted]').replace(/([?&](?:token|s)=)[^&\s"]+/g, '$1[redacted]');
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const stack = stacks ? framesOf(value) : '';
    return { name: value.name, message: redact(value.message, depth + 1), ...(stack ? { stack: redact(stack, depth + 1) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, stacks));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1, stacks);
  return out;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ level, message: redact(message), ...(fields ? (redact(fields, 0, level === 'error') as object) : {}) });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
