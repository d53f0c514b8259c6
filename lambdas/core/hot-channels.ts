import { numberEnv } from '../adapters/env';

/** Past this many members a channel writes no inbox entries; its members read it from history. */
export const HOT_CHANNEL_THRESHOLD = numberEnv('HOT_CHANNEL_THRESHOLD', 1000);

export const isHot = (memberCount: unknown): boolean => Number(memberCount ?? 0) > HOT_CHANNEL_THRESHOLD;
