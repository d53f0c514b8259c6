/*
 * How the media origin serves an uploaded file: inline (shown in the browser) only for types a
 * browser renders as inert media, as an attachment (downloaded, never rendered) for everything else.
 *
 * Every file is the uploader's bytes under the uploader's declared type, served from the media
 * domain. A type the browser renders as a document (text/html, image/svg+xml, XML, XHTML) would run
 * the uploader's script on that domain, so those and anything unknown are attachments. PDF is an
 * attachment too: viewers run its JavaScript and forms, and which viewer opens it is not ours to
 * know; clients that preview PDFs render the bytes in their own viewer. The allow list holds raster
 * images, audio and video, which <img>, <audio> and <video> decode without running anything, and
 * text/plain, which browsers show as text (with nosniff they never sniff it into HTML).
 * The CDN adds `X-Content-Type-Options: nosniff` to every response, so a file whose bytes are HTML
 * but whose declared type is image/png is decoded as an image (and fails), never rendered as a page.
 */

const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif',
  'video/mp4', 'video/webm', 'video/ogg',
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/wav', 'audio/webm', 'audio/flac',
  'text/plain',
]);

/** Whether a file of this (normalized, lower-case) mime type may be shown inline. */
export const servesInline = (mimetype: string): boolean => INLINE_TYPES.has(mimetype);

/** The ASCII fallback filename: printable ASCII without quote, backslash or percent; never empty. */
function asciiFallback(name: string): string {
  const ascii = [...name].map((c) => (/^[\x20-\x7e]$/.test(c) && !/["\\%]/.test(c) ? c : '_')).join('').trim();
  return ascii === '' ? 'file' : ascii;
}

/** A lone surrogate cannot be UTF-8 encoded (encodeURIComponent throws): it becomes U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** RFC 5987 ext-value: UTF-8, percent-encoding everything outside attr-char. */
const extValue = (name: string) =>
  `UTF-8''${encodeURIComponent(name.replace(LONE_SURROGATE, '\ufffd')).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

/**
 * The Content-Disposition header the object is stored with (RFC 6266): `inline` or `attachment`,
 * a quoted ASCII `filename` for old clients and `filename*` with the real (UTF-8) name.
 */
export function contentDisposition(mimetype: string, filename: string): string {
  const kind = servesInline(mimetype) ? 'inline' : 'attachment';
  return `${kind}; filename="${asciiFallback(filename)}"; filename*=${extValue(filename)}`;
}
