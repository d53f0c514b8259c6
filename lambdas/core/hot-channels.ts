import { numberSetting } from '../config/env';

/** Past this many members a channel writes no inbox entries; its members read it from history. */
export const HOT_CHANNEL_THRESHOLD = numberSetting('hotChannelThreshold');

export const isHot = (memberCount: number | undefined): boolean => (memberCount ?? 0) > HOT_CHANNEL_THRESHOLD;
