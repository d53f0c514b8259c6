import { displayName, keySafeName, mimeTypeFor, normalizeMimeType } from '../../lambdas/core/file-names';
import { finalKey, pendingKey, newFileId, PENDING_PREFIX } from '../../lambdas/core/files';
import { PENDING_UPLOADS_PREFIX } from '../../lib/media';

describe('file names', () => {
  it('display name: the last path segment, no control characters', () => {
    expect(displayName('report.pdf')).toBe('report.pdf');
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(displayName('bad\u0000name\n.txt')).toBe('badname.txt');
    expect(displayName('dir/')).toBe('');
    expect([...displayName('é'.repeat(300))]).toHaveLength(255);
  });

  it.each([
    ['My Photo (1).png', 'My_Photo_1_.png'],
    ['../../etc/passwd', 'passwd'],
    ['..', 'file'],
    ['.hidden', 'hidden'],
    ['...', 'file'],
    ['', 'file'],
    ['a/b/../c.txt', 'c.txt'],
    ['résumé.pdf', 'resume.pdf'],
    ['日本語.txt', 'txt'],
    ['name.with..dots..png', 'name.with.dots.png'],
    ['trailing.', 'trailing'],
    ['%2e%2e%2fescape', '2e_2e_2fescape'],
    ['semi;colon&amp?.gif', 'semi_colon_amp_.gif'],
  ])('key-safe name of %p is %p', (input, safe) => {
    expect(keySafeName(input)).toBe(safe);
  });

  it('key-safe names use only a safe alphabet, are bounded and keep the extension', () => {
    const long = `${'x'.repeat(300)}.jpeg`;
    const safe = keySafeName(long);
    expect(safe.length).toBeLessThanOrEqual(100);
    expect(safe.endsWith('.jpeg')).toBe(true);
    for (const name of ['a b', '<script>', 'x/../../y', '\u202e.exe', 'con:', 'a\\b']) {
      expect(keySafeName(name)).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
    }
  });

  it('keys are built by the server: pending under the team and file, final under files/', () => {
    expect(pendingKey('T1', 'F1', '../../x.png')).toBe('uploads/pending/T1/F1/x.png');
    expect(finalKey('T1', 'F1', 'My Photo.png')).toBe('files/T1/F1/My_Photo.png');
    // The lambdas' prefix is the one the bucket's lifecycle rule and the delete grant use.
    expect(PENDING_PREFIX).toBe(PENDING_UPLOADS_PREFIX);
  });

  it('file ids look like Slack ids', () => {
    expect(newFileId()).toMatch(/^F[0-9A-Z]{26}$/);
    expect(newFileId()).not.toBe(newFileId());
  });

  it('mime types: from the extension, or octet-stream', () => {
    expect(mimeTypeFor('a.PNG')).toBe('image/png');
    expect(mimeTypeFor('a.jpg')).toBe('image/jpeg');
    expect(mimeTypeFor('archive.tar.gz')).toBe('application/gzip');
    expect(mimeTypeFor('README')).toBe('application/octet-stream');
    expect(mimeTypeFor('x.unknownext')).toBe('application/octet-stream');
  });

  it('declared mime types are normalized or refused', () => {
    expect(normalizeMimeType(' Image/PNG ')).toBe('image/png');
    expect(normalizeMimeType('application/vnd.api+json')).toBe('application/vnd.api+json');
    for (const bad of ['', 'png', 'image/', '/png', 'text/html; charset=utf-8', 'a b/c', 'image/png\r\nX: y']) {
      expect(normalizeMimeType(bad)).toBeUndefined();
    }
  });
});
