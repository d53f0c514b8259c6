import { useLayoutEffect, useRef, type RefObject } from 'react';

/*
 * Where a message list stays when its content changes. The list opens once at its newest message
 * (or at the "new messages" line when there is one); after that it follows new content only while
 * the reader is at the bottom, and otherwise keeps the first visible message where it was, so older
 * pages loading above (or an image finishing loading) never move what the reader is looking at.
 * The browser's own scroll anchoring is off for the list (styles.css) so the two never both adjust.
 */

/** How close to the bottom counts as "at the bottom", in px. */
const BOTTOM_SLACK = 40;
/** Room left above the "new messages" line when the list opens at it, in px. */
const MARKER_MARGIN = 8;

interface Anchor {
  ts: string;
  offset: number;
}

interface Memory {
  key: string;
  positioned: boolean;
  atBottom: boolean;
  anchor?: Anchor;
  lastKey?: string;
}

/** The first message whose bottom edge is below the list's top edge, and how far below the top it starts. */
function firstVisible(list: HTMLElement): Anchor | undefined {
  const top = list.getBoundingClientRect().top;
  for (const item of list.querySelectorAll<HTMLElement>('[data-ts]')) {
    const rect = item.getBoundingClientRect();
    if (rect.bottom > top) return { ts: item.dataset.ts!, offset: rect.top - top };
  }
  return undefined;
}

function itemTop(list: HTMLElement, selector: string): number | undefined {
  const item = list.querySelector<HTMLElement>(selector);
  return item ? item.getBoundingClientRect().top - list.getBoundingClientRect().top : undefined;
}

/**
 * Keeps `list` scrolled as described above. `key` names what is shown (a channel, a thread): a new
 * key opens anew once `ready`. `newest` identifies the last message and `newestIsMine` whether the
 * reader just added it: sending jumps to the bottom even from higher up. Returns `remember`, to call
 * on scroll.
 */
export function useScrollAnchor(list: RefObject<HTMLElement | null>, content: RefObject<HTMLElement | null>, opts: { key: string; ready: boolean; newest?: string; newestIsMine: boolean }) {
  const memory = useRef<Memory>({ key: '', positioned: false, atBottom: true });

  const remember = () => {
    const el = list.current;
    if (!el) return;
    memory.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    memory.current.anchor = firstVisible(el);
  };

  /** Puts the list back where the memory says: at the bottom, or with the anchor where it was. */
  const settle = () => {
    const el = list.current;
    const m = memory.current;
    if (!el || !m.positioned) return;
    if (m.atBottom) el.scrollTop = el.scrollHeight;
    else if (m.anchor) {
      const now = itemTop(el, `[data-ts="${m.anchor.ts}"]`);
      if (now !== undefined) el.scrollTop += now - m.anchor.offset;
    }
    remember();
  };

  // After every render: content may have changed anywhere (a page above, a message below, a notice).
  useLayoutEffect(() => {
    const el = list.current;
    const m = memory.current;
    if (!el) return;
    if (m.key !== opts.key) Object.assign(m, { key: opts.key, positioned: false, atBottom: true, anchor: undefined, lastKey: undefined });
    if (!m.positioned) {
      if (!opts.ready) return;
      const marker = itemTop(el, '.new-messages');
      if (marker === undefined) el.scrollTop = el.scrollHeight;
      else el.scrollTop += marker - MARKER_MARGIN;
      Object.assign(m, { positioned: true, lastKey: opts.newest });
      remember();
      return;
    }
    if (opts.newest !== m.lastKey && opts.newestIsMine) m.atBottom = true;
    m.lastKey = opts.newest;
    settle();
  });

  // Sizes that change without a render: images loading, the window or the composer resizing (settle reads only refs).
  useLayoutEffect(() => {
    const observer = new ResizeObserver(() => settle());
    if (list.current) observer.observe(list.current);
    if (content.current) observer.observe(content.current);
    return () => observer.disconnect();
  }, [list, content]);

  return { remember };
}
