import * as z from 'zod/mini';
import { ClientError } from '../core/errors';

/*
 * Argument schemas at the edge (zod's tree-shakable "mini" build keeps bundles small). Slack
 * clients send form fields (all strings) or JSON, so numbers and booleans are accepted in either
 * spelling. Domain rules (text length, name rules) live in the core, so HTTP and WebSocket share them.
 */

export type Schema = z.ZodMiniType;

export const text = (max: number) => z.string().check(z.maxLength(max));
export const id = z.string().check(z.minLength(1), z.maxLength(64));
export const optionalText = (max: number) => z.optional(text(max));
/** Text that may be missing: missing reads as empty. */
export const textOrEmpty = (max: number) => z.pipe(z.optional(text(max)), z.transform((v) => v ?? ''));
export const flag = z.pipe(
  z.optional(z.union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])),
  z.transform((v) => v === true || v === 'true' || v === '1'),
);
/** A flag that may be absent (undefined: leave the setting as it is). */
export const optionalFlag = z.pipe(
  z.optional(z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])])),
  z.transform((v) => (v === undefined ? undefined : v === true || v === 'true' || v === '1')),
);
/** A whole number as JSON or a form field's digits (optionally negative), or absent. */
export const optionalInteger = z.pipe(
  z.optional(z.union([z.number().check(z.refine(Number.isSafeInteger)), z.string().check(z.regex(/^-?\d{1,9}$/))])),
  z.transform((v) => (v === undefined ? undefined : Number(v))),
);
/** A page size: missing or 0 means the default, past the maximum means the maximum (as Slack does). */
export const limit = (max: number, fallback: number) =>
  z.pipe(
    z.optional(z.union([z.number().check(z.gte(0), z.refine(Number.isInteger)), z.string().check(z.regex(/^\d{1,9}$/))])),
    z.transform((v) => {
      const n = v === undefined ? 0 : Number(v);
      return n === 0 ? fallback : Math.min(n, max);
    }),
  );
export const cursor = z.optional(text(2048));
/** `users=U1,U2` as Slack sends it, or a JSON array. */
export const idList = z.pipe(
  z.union([text(2000), z.array(id).check(z.maxLength(100))]),
  z.transform((v) => (Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter(Boolean))),
);

export function parseArgs<T extends Schema>(schema: T, args: unknown): z.output<T> {
  const result = schema.safeParse(args);
  if (result.success) return result.data as z.output<T>;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'arguments';
  throw new ClientError('invalid_arguments', field);
}

/** A JSON value as given, or (form bodies) that JSON as a string of at most `maxChars`; unparsable text is undefined, which `shape` refuses. */
export const jsonOrItsText = <T extends z.ZodMiniType>(asGiven: z.ZodMiniType, maxChars: number, shape: T) => z.pipe(
  z.pipe(
    z.union([text(maxChars), asGiven]),
    z.transform((v): unknown => {
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v);
      } catch {
        return undefined;
      }
    }),
  ),
  shape,
);
