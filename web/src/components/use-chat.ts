import { useSyncExternalStore } from 'react';
import type { Chat } from '../chat/chat';
import type { State } from '../chat/types';

/** The chat's current snapshot; re-renders on every change. */
export function useChat(chat: Chat): State {
  return useSyncExternalStore(chat.subscribe, chat.snapshot);
}
