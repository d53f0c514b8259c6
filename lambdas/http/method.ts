import type * as z from 'zod/mini';
import type { Caller } from '../core/caller';
import type { Schema } from '../edge/schemas';

/** What a method may know of the request beyond its arguments. */
export interface RequestContext {
  /** This API's base URL as the caller reached it. */
  apiBaseUrl: string;
}

/** One Web API method: its argument schema and the core call it maps to. */
export interface Method<S extends Schema> {
  args: S;
  run: (caller: Caller, args: z.output<S>, request: RequestContext) => Promise<Record<string, unknown>>;
  /** Read methods also answer GET. */
  read?: boolean;
}

export const method = <S extends Schema>(m: Method<S>) => m as unknown as Method<Schema>;
