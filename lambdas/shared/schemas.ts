import { z } from 'zod';
import { ClientError } from './errors';

/*
 * Argument schemas at the edge. Slack clients send form fields (all strings) or JSON, so numbers
 * and booleans are accepted in either spelling. Domain rules (text length, name rules) live in the
 * core, so HTTP and WebSocket share them.
 */

export const id = z.string().min(1).max(64);
export const optionalText = z.string().max(1_000_000).optional();
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])
  .optional()
  .transform((v) => v === true || v === 'true' || v === '1');
/** A page size: missing or 0 means the default, past the maximum means the maximum (as Slack does). */
export const limit = (max: number, fallback: number) =>
  z
    .union([z.number().int().min(0), z.string().regex(/^\d{1,9}$/)])
    .optional()
    .transform((v) => {
      const n = v === undefined ? 0 : Number(v);
      return n === 0 ? fallback : Math.min(n, max);
    });
export const cursor = z.string().max(2048).optional();
/** `users=U1,U2` as Slack sends it, or a JSON array. */
export const idList = z
  .union([z.string().max(2000), z.array(id).max(100)])
  .transform((v) => (Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter(Boolean)));

export function parseArgs<T extends z.ZodType>(schema: T, args: unknown): z.output<T> {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'arguments';
  throw new ClientError('invalid_arguments', field);
}
