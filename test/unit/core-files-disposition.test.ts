import { contentDisposition, servesInline } from '../../lambdas/core/file-disposition';

/** Which uploads the media origin shows inline, and the Content-Disposition stored on each object. */
describe('file disposition', () => {
  test('raster images, audio, video and plain text are inline', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg', 'text/plain']) {
      expect(servesInline(type)).toBe(true);
    }
  });

  test('anything a browser renders as a document, or could script, or does not know, is an attachment', () => {
    for (const type of [
      'text/html', 'image/svg+xml', 'application/xhtml+xml', 'application/xml', 'text/xml', 'application/pdf',
      'text/javascript', 'application/javascript', 'application/json', 'text/css', 'text/markdown', 'image/bmp',
      'image/x-icon', 'image/heic', 'application/octet-stream', 'application/zip', 'text/plain; charset=utf-8', 'IMAGE/PNG',
    ]) {
      expect(servesInline(type)).toBe(false);
    }
  });

  test('RFC 6266: the kind, a quoted ASCII fallback and the UTF-8 name in filename*', () => {
    expect(contentDisposition('image/png', 'dot.png')).toBe(`inline; filename="dot.png"; filename*=UTF-8''dot.png`);
    expect(contentDisposition('text/html', 'page.html')).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(contentDisposition('image/svg+xml', 'Résumé (final).svg')).toBe(`attachment; filename="R_sum_ (final).svg"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29.svg`);
    expect(contentDisposition('application/pdf', '日本.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`);
  });

  test('no name can break out of the header: quotes, backslashes, CR/LF, semicolons and lone surrogates', () => {
    const header = contentDisposition('text/html', 'a"b\\c\r\nSet-Cookie: x=1;\ud800 it\'s 100%.html');
    expect(header).not.toMatch(/[\r\n]/);
    const [kind, fallback, ext] = header.split(/; (?=filename)/);
    expect(kind).toBe('attachment');
    expect(fallback).toBe(`filename="a_b_c__Set-Cookie: x=1;_ it's 100_.html"`);
    expect(ext).toMatch(/^filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
    expect(decodeURIComponent(ext.slice("filename*=UTF-8''".length))).toBe('a"b\\c\r\nSet-Cookie: x=1;\ufffd it\'s 100%.html');
    expect(contentDisposition('text/plain', '')).toBe(`inline; filename="file"; filename*=UTF-8''`);
  });
});
