import * as z from 'zod/mini';
import { deleteFile, fileInfo } from '../core/file-info';
import { completeUpload, getUploadUrl } from '../core/files';
import { cursor, id, jsonOrItsText, limit, optionalText, text, type Schema } from '../edge/schemas';
import type { FileMethodName } from './file-method-names';
import { method, type Method } from './method';

/** A byte count as a JSON number or a form field's digits. */
const byteCount = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\d{1,16}$/))]),
  z.transform((v) => Number(v)),
);

/** files.completeUploadExternal's `files`: a JSON array, or (form bodies) that array as a JSON string. */
const fileRefs = jsonOrItsText(z.array(z.unknown()), 20_000, z.array(z.object({ id, title: optionalText(1000) })).check(z.minLength(1), z.maxLength(10)));

/** The files methods (Slack's external upload flow, files.info, files.delete). */
export const FILE_METHODS: Record<FileMethodName, Method<Schema>> = {
  'files.getUploadURLExternal': method({
    args: z.object({ filename: text(1000), length: byteCount, content_type: optionalText(255), alt_txt: optionalText(1000), alt_text: optionalText(1000) }),
    run: (caller, a, request) => getUploadUrl(caller, {
      filename: a.filename, length: a.length, contentType: a.content_type || undefined, altTxt: a.alt_txt || a.alt_text || undefined,
      apiBaseUrl: request.apiBaseUrl,
    }),
  }),
  'files.completeUploadExternal': method({
    args: z.object({ files: fileRefs, channel_id: optionalText(64), initial_comment: optionalText(200_000), thread_ts: optionalText(64) }),
    run: (caller, a) => completeUpload(caller, {
      files: a.files, channelId: a.channel_id || undefined, initialComment: a.initial_comment, threadTs: a.thread_ts || undefined,
    }),
  }),
  'files.info': method({ args: z.object({ file: id, cursor, limit: limit(1000, 100) }), read: true, run: (caller, a) => fileInfo(caller, a.file) }),
  'files.delete': method({ args: z.object({ file: id }), run: (caller, a) => deleteFile(caller, a.file) }),
};
