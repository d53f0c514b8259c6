/*
 * What a browser keeps about its connection. `device_id` lives in localStorage, so all tabs of a
 * browser profile are one device (the connection cap and presence count the browser, not its tabs).
 * The sync cursor, however, is kept per tab (localStorage, keyed by a tab id held in sessionStorage
 * so it survives a reload): a cursor shared by tabs would let one tab advance past events another
 * tab has not seen while it was disconnected.
 */

const CURSOR_PREFIX = 'teamchat.cursor.';
const CURSOR_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

const randomId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

export function deviceId(): string {
  let id = localStorage.getItem('teamchat.device_id');
  if (!id) {
    id = `web-${randomId().replace(/-/g, '').slice(0, 24)}`;
    localStorage.setItem('teamchat.device_id', id);
  }
  return id;
}

function tabId(): string {
  let id = sessionStorage.getItem('teamchat.tab_id');
  if (!id) {
    id = randomId().slice(0, 8);
    sessionStorage.setItem('teamchat.tab_id', id);
  }
  return id;
}

/** This tab's sync cursor for one user. */
export class TabCursor {
  private readonly key: string;

  constructor(userId: string) {
    this.key = `${CURSOR_PREFIX}${userId}.${tabId()}`;
  }

  read(): string | undefined {
    try {
      const raw = localStorage.getItem(this.key);
      return raw ? String((JSON.parse(raw) as { cursor: string }).cursor) : undefined;
    } catch {
      return undefined;
    }
  }

  write(cursor: string): void {
    localStorage.setItem(this.key, JSON.stringify({ cursor, at: Date.now() }));
  }
}

/** Cursors of tabs closed long ago are useless (the inbox keeps 30 days). */
export function pruneCursors(): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (!key?.startsWith(CURSOR_PREFIX)) continue;
    try {
      const { at } = JSON.parse(localStorage.getItem(key) ?? '{}') as { at?: number };
      if (!at || Date.now() - at > CURSOR_MAX_AGE_MS) localStorage.removeItem(key);
    } catch {
      localStorage.removeItem(key);
    }
  }
}
