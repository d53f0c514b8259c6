/** The WebSocket's state as the status bar shows it. */
export type Status = 'connecting' | 'syncing' | 'online' | 'offline';
