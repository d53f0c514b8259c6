import { mediaBucket } from '../adapters/media';
import { putObject } from '../adapters/object-store';
import { table } from './ports';
import { uploadSecretMatches } from './upload-grants';

/*
 * The upload behind Slack's upload URL: what `@slack/web-api`'s filesUploadV2 (one multipart part),
 * python's files_upload_v2 and curl (the raw bytes) POST. The URL names a pending file and carries
 * its secret; the bytes are written to the key the server chose, with the declared type, only if
 * they are exactly the declared length and the URL has not expired. files.completeUploadExternal
 * then checks the object as it checks a presigned POST's.
 */

export type UploadOutcome =
  | { ok: true; bytes: number }
  | { ok: false; status: number; error: 'upload_not_found' | 'length_mismatch' };

/** Unknown file, wrong secret, expired URL or a file already completed: all alike, so none can be told apart. */
const notFound: UploadOutcome = { ok: false, status: 404, error: 'upload_not_found' };

export async function receiveUpload(fileId: string, secret: string, bytes: Uint8Array, nowMs = Date.now()): Promise<UploadOutcome> {
  const file = await table().files.get(fileId);
  if (!file || file.status !== 'pending' || !uploadSecretMatches(secret, file.uploadHash)) return notFound;
  if ((file.uploadExpiresAt ?? 0) <= Math.floor(nowMs / 1000)) return notFound;
  if (bytes.byteLength !== file.size) return { ok: false, status: 400, error: 'length_mismatch' };
  await putObject(mediaBucket(), file.key, bytes, file.mimetype);
  return { ok: true, bytes: bytes.byteLength };
}
