import { formatBytes, previewBox } from '../../web/src/chat/file-display';
import { firstUnreadAfter } from '../../web/src/chat/unread';

/* How files are described in messages (web/src/chat/file-display.ts), and where the "new messages" line goes (web/src/chat/unread.ts). */

describe('formatBytes', () => {
  it('shows small files in bytes, larger ones in KB, MB, GB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(11)).toBe('11 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024)).toBe('200 KB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GB');
  });
});

describe('previewBox', () => {
  const max = { width: 360, height: 260 };
  it('scales large images down to fit, keeping the aspect ratio', () => {
    expect(previewBox(720, 260, max)).toEqual({ width: 360, height: 130 });
    expect(previewBox(100, 1040, max)).toEqual({ width: 25, height: 260 });
  });
  it('never scales small images up', () => {
    expect(previewBox(160, 100, max)).toEqual({ width: 160, height: 100 });
  });
});

describe('firstUnreadAfter', () => {
  const channel = { id: 'C1', is_member: true, unread: 2, last_read: '1700000000.000100' };
  it('is the read marker of a member channel with unread messages', () => {
    expect(firstUnreadAfter(channel)).toBe('1700000000.000100');
  });
  it('is nothing without unread messages, for a channel never read, or for a non-member', () => {
    expect(firstUnreadAfter({ ...channel, unread: 0 })).toBeUndefined();
    expect(firstUnreadAfter({ ...channel, last_read: '0000000000.000000' })).toBeUndefined();
    expect(firstUnreadAfter({ ...channel, last_read: '0'.repeat(26) })).toBeUndefined();
    expect(firstUnreadAfter({ ...channel, is_member: false })).toBeUndefined();
    expect(firstUnreadAfter(undefined)).toBeUndefined();
  });
});
