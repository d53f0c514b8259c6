import { ulid } from 'ulid';
import { numberSetting } from '../config/env';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { logger } from '../adapters/logger';
import { mediaBucket, type StoredFile } from '../adapters/media';
import { copyObject, deleteObject, headObject, isMissingObject, objectBytes, presignedPost } from '../adapters/object-store';
import { memberAccess } from './channels';
import { displayName, keySafeName, mimeTypeFor, normalizeMimeType } from './file-names';
import { imageSize, SIZED_IMAGE_TYPES } from './image-size';
import { contentDisposition } from './file-disposition';
import { checkText, storeMessage } from './messages';
import { takeMessageToken } from './rate-limit';
import { TransactionCancelled } from '../model/store';
import type { FileItem } from '../model/service';
import { table } from './ports';
import { isTs } from './ts';
import { newUploadSecret, uploadSecretHash } from './upload-grants';

/*
 * Files, Slack's external-upload flow: files.getUploadURLExternal hands out an upload target bound
 * to the declared length and type, under a key the server chooses: Slack's own kind of URL (the
 * bytes POSTed to this API, see direct-upload.ts) to Slack's clients, or a presigned POST that S3
 * itself holds to them (for clients that send this API's `content_type`, and files too large to
 * pass through a function); the client uploads; files.completeUploadExternal checks the object,
 * moves it out of the pending prefix, marks the file complete and (with a channel) posts one
 * message carrying it.
 */

/** Largest upload accepted (bytes). */
export const MAX_FILE_BYTES = numberSetting('fileMaxBytes');
/** How long a presigned upload works. */
const UPLOAD_URL_SECONDS = numberSetting('uploadUrlSeconds');
/** Largest file Slack's upload URL takes (the bytes pass through a function). */
const DIRECT_UPLOAD_MAX_BYTES = numberSetting('fileDirectUploadMaxBytes');
/** A pending file (record and object) is forgotten after a day, like the bucket's lifecycle rule. */
const PENDING_SECONDS = 24 * 60 * 60;
/** Files per completeUploadExternal (and so per message). */
export const MAX_FILES_PER_MESSAGE = 10;
/** The head of an image read for its dimensions. */
const IMAGE_HEAD_BYTES = 64 * 1024;
const MAX_TITLE = 255;

export const PENDING_PREFIX = 'uploads/pending/';
export const pendingKey = (teamId: string, fileId: string, name: string) => `${PENDING_PREFIX}${teamId}/${fileId}/${keySafeName(name)}`;
export const finalKey = (teamId: string, fileId: string, name: string) => `files/${teamId}/${fileId}/${keySafeName(name)}`;
/** Slack-shaped file ids: F + an upper-case, time-ordered id. */
export const newFileId = () => `F${ulid()}`;

export interface UploadRequest {
  filename: string;
  length: number;
  contentType?: string;
  altTxt?: string;
  /** This API's base URL as the caller reached it, for Slack's kind of upload URL. */
  apiBaseUrl?: string;
}

/** Slack's clients never send `content_type` (this API's extension) and POST the bytes to `upload_url` with no fields. */
const wantsSlackUploadUrl = (input: UploadRequest) =>
  input.contentType === undefined && input.apiBaseUrl !== undefined && input.length <= DIRECT_UPLOAD_MAX_BYTES;

/** files.getUploadURLExternal */
export async function getUploadUrl(caller: Caller, input: UploadRequest) {
  const name = displayName(input.filename);
  if (name === '') throw new ClientError('invalid_arguments', 'filename');
  if (!Number.isSafeInteger(input.length) || input.length <= 0 || input.length > MAX_FILE_BYTES) {
    throw new ClientError('invalid_arguments', `length must be a whole number of bytes from 1 to ${MAX_FILE_BYTES}`);
  }
  const mimetype = input.contentType ? normalizeMimeType(input.contentType) : mimeTypeFor(name);
  if (!mimetype) throw new ClientError('invalid_arguments', 'content_type');

  const fileId = newFileId();
  const key = pendingKey(caller.teamId, fileId, name);
  const now = Math.floor(Date.now() / 1000);
  const secret = wantsSlackUploadUrl(input) ? newUploadSecret() : undefined;
  await table().files.create({
    fileId, teamId: caller.teamId, userId: caller.userId, name, title: name, mimetype, size: input.length, key,
    expiresAt: now + PENDING_SECONDS,
    ...(input.altTxt ? { altTxt: input.altTxt } : {}),
    ...(secret ? { uploadHash: uploadSecretHash(secret), uploadExpiresAt: now + UPLOAD_URL_SECONDS } : {}),
  });
  if (secret && input.apiBaseUrl) {
    return { upload_url: `${input.apiBaseUrl}/upload/v1/${fileId}?s=${secret}`, file_id: fileId };
  }

  const post = presignedPost(mediaBucket(), key, {
    conditions: [
      ['content-length-range', input.length, input.length],
      ['eq', '$Content-Type', mimetype],
    ],
    fields: { 'Content-Type': mimetype },
    expiresSeconds: UPLOAD_URL_SECONDS,
  });
  return { upload_url: post.url, file_id: fileId, upload_fields: post.fields };
}

export interface CompleteRequest {
  files: Array<{ id: string; title?: string }>;
  channelId?: string;
  initialComment?: string;
  threadTs?: string;
}

interface Checked {
  record: FileItem;
  title: string;
  finalKey: string;
  width?: number;
  height?: number;
}

/** The caller's own pending file, its object present and as declared. */
async function checkFile(caller: Caller, ref: { id: string; title?: string }, index: number): Promise<Checked> {
  const data = await table().files.get(ref.id);
  // Another user's or another workspace's file is not found, never merely forbidden.
  if (!data || data.teamId !== caller.teamId || data.userId !== caller.userId) throw new ClientError('file_not_found');
  if (data.status === 'complete') throw new ClientError('invalid_arguments', `files[${index}]: ${ref.id} is already complete`);
  if ((data.expiresAt ?? Infinity) <= Math.floor(Date.now() / 1000)) throw new ClientError('file_not_found');

  let head;
  try {
    head = await headObject(mediaBucket(), data.key);
  } catch (error) {
    if (isMissingObject(error)) throw new ClientError('file_not_found');
    throw error;
  }
  if (head.contentLength !== data.size) {
    throw new ClientError('invalid_arguments', `files[${index}]: uploaded ${head.contentLength} bytes, declared ${data.size}`);
  }
  const uploadedType = (head.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (uploadedType !== data.mimetype) {
    throw new ClientError('invalid_arguments', `files[${index}]: uploaded as ${uploadedType || 'no type'}, declared ${data.mimetype}`);
  }
  const title = ref.title !== undefined && ref.title.trim() !== '' ? [...ref.title.trim()].slice(0, MAX_TITLE).join('') : data.title;
  const checked: Checked = { record: data, title, finalKey: finalKey(data.teamId, data.fileId, data.name) };
  if (SIZED_IMAGE_TYPES[data.mimetype]) {
    const size = imageSize(await objectBytes(mediaBucket(), data.key, 0, IMAGE_HEAD_BYTES - 1));
    if (size && SIZED_IMAGE_TYPES[data.mimetype] === size.type) {
      checked.width = size.width;
      checked.height = size.height;
    }
  }
  return checked;
}

/** One file's move from pending to complete, only if it is still the caller's pending file. */
const completeWrite = (caller: Caller, c: Checked, channelId?: string) =>
  table().files.completion({ fileId: c.record.fileId, userId: caller.userId, key: c.finalKey, title: c.title, width: c.width, height: c.height, channelId });

/**
 * files.completeUploadExternal
 *
 * Completing into a channel and posting the message succeed or fail together, so a refused post
 * never leaves a file marked complete that no message carries (and that a retry could no longer
 * complete). Two parts:
 *  - everything that can refuse the post is decided before anything moves: text, membership,
 *    archive, thread, and the message rate token itself, which is taken here (postMessage is told so);
 *  - the file records change in the message's own transaction, each only if still pending. So a
 *    post that fails later (a concurrent leave or archive, the thread parent deleted, a fault)
 *    leaves the files pending for a retry, and of concurrent completions of one file exactly one
 *    commits; the others get `already complete`.
 * The object is copied to its final key before that transaction (the message refers to it), and
 * that copy is not deleted when the post fails: the copy is the same bytes whoever makes it, a
 * retry overwrites it, and a concurrent completion that did commit (or a commit whose answer was
 * lost) may be using it. The pending object is deleted only after the commit.
 */
export async function completeUpload(caller: Caller, input: CompleteRequest) {
  if (input.files.length === 0 || input.files.length > MAX_FILES_PER_MESSAGE) {
    throw new ClientError('invalid_arguments', `files: 1 to ${MAX_FILES_PER_MESSAGE} files`);
  }
  if (new Set(input.files.map((f) => f.id)).size !== input.files.length) throw new ClientError('invalid_arguments', 'files: repeated id');
  if (input.channelId) {
    checkText(input.initialComment ?? '', true);
    const { channel } = await memberAccess(caller, input.channelId);
    if (channel.archived === true) throw new ClientError('is_archived');
    if (input.threadTs !== undefined) {
      const parent = isTs(input.threadTs) ? await table().messages.get(input.channelId, input.threadTs) : undefined;
      if (!parent) throw new ClientError('thread_not_found');
    }
  }
  const checked = await Promise.all(input.files.map((ref, i) => checkFile(caller, ref, i)));
  // After the files are checked, so a bad file costs no token; before the copy, so a refusal moves nothing.
  if (input.channelId) await takeMessageToken(caller.userId, input.channelId);

  const bucket = mediaBucket();
  // Out of uploads/pending/ (which the lifecycle rule empties daily) into the file's final place,
  // with the headers the CDN passes through: its type, and inline or attachment (see file-disposition).
  await Promise.all(checked.map((c) => copyObject(bucket, c.record.key, c.finalKey, {
    contentType: c.record.mimetype,
    contentDisposition: contentDisposition(c.record.mimetype, c.record.name),
  })));

  const files: StoredFile[] = checked.map((c) => ({
    id: c.record.fileId, name: c.record.name, title: c.title, mimetype: c.record.mimetype, size: c.record.size, key: c.finalKey,
    ...(c.width ? { original_w: c.width, original_h: c.height } : {}),
  }));
  const completes = checked.map((c) => completeWrite(caller, c, input.channelId));
  try {
    if (input.channelId) {
      await storeMessage(caller, { channelId: input.channelId, text: input.initialComment ?? '', threadTs: input.threadTs, files, tokenTaken: true, alsoWrite: completes });
    } else {
      await table().files.complete(completes);
    }
  } catch (error) {
    if (error instanceof TransactionCancelled) {
      const index = error.reasons.findIndex((r) => r === 'ConditionalCheckFailed');
      throw new ClientError('invalid_arguments', `files[${Math.max(index, 0)}]: already complete`);
    }
    throw error;
  }
  await Promise.all(checked.map((c) =>
    deleteObject(bucket, c.record.key).catch((error: unknown) => {
      logger.warn('pending upload not deleted; the lifecycle rule will', { fileId: c.record.fileId, error });
    })));
  return { files: files.map((f) => ({ id: f.id, title: f.title })) };
}
