/* How a file is described and previewed in a message: its size in words, its image's box on screen. */

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** A byte count as people read it: "11 B", "1.5 KB", "12 MB" (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? Math.round(value * 10) / 10 : Math.round(value)} ${UNITS[unit]}`;
}

/** An image of `width` × `height` scaled down (never up) to fit `max`, so its box is known before it loads. */
export function previewBox(width: number, height: number, max: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
