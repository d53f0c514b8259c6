/*
 * The file in a POST to Slack's upload URL, as Slack's clients send it: `@slack/web-api` a
 * multipart form with one file part (named `body`), curl `-F file=@…` the same, python's
 * files_upload_v2 and `curl --data-binary` the raw bytes. Text fields beside the file are ignored.
 */

export type UploadBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

const isMultipart = (contentType: string) => contentType.toLowerCase().startsWith('multipart/form-data');

export async function uploadedBytes(body: Buffer, contentType: string): Promise<UploadBody> {
  if (!isMultipart(contentType)) return { ok: true, bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  let form: FormData;
  try {
    form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch {
    return { ok: false, reason: 'malformed multipart body' };
  }
  const files = [...form.values()].flatMap((v) => (typeof v === 'string' ? [] : [v]));
  if (files.length !== 1) return { ok: false, reason: 'a multipart upload carries exactly one file' };
  return { ok: true, bytes: new Uint8Array(await files[0].arrayBuffer()) };
}
