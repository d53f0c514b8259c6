import { logger } from '../adapters/logger';
import { mediaBucket, withFileUrls, type StoredFile } from '../adapters/media';
import { deleteObject } from '../adapters/object-store';
import type { FileItem } from '../model/service';
import type { Caller } from './caller';
import { ClientError } from './errors';
import { table } from './ports';

/*
 * files.info and files.delete over the file records of the external-upload flow (core/files.ts).
 * Who may see a file: its owner, and the members of a conversation it was shared into
 * (files.completeUploadExternal's channel_id). Anyone else, and another workspace, gets
 * `file_not_found`, as for a pending or deleted file.
 */

async function visibleFile(caller: Caller, fileId: string): Promise<FileItem> {
  const file = fileId.startsWith('F') ? await table().files.get(fileId) : undefined;
  if (!file || file.teamId !== caller.teamId || file.status !== 'complete') throw new ClientError('file_not_found');
  if (file.userId === caller.userId) return file;
  const channels = file.channels ?? [];
  const held = channels.length ? await table().memberships.heldAmong(caller.userId, channels) : new Set<string>();
  if (held.size === 0) throw new ClientError('file_not_found');
  return file;
}

/** files.info: Slack's file object (url_private signed for this reader), no comments. */
export async function fileInfo(caller: Caller, fileId: string) {
  const file = await visibleFile(caller, fileId);
  const stored: StoredFile & Record<string, unknown> = {
    id: file.fileId, name: file.name, title: file.title, mimetype: file.mimetype, size: file.size, key: file.key,
    ...(file.originalW ? { original_w: file.originalW, original_h: file.originalH } : {}),
    created: Math.floor((file.createdAt ?? 0) / 1000), timestamp: Math.floor((file.createdAt ?? 0) / 1000),
    user: file.userId, user_team: file.teamId, is_external: false, is_public: false,
    channels: (file.channels ?? []).filter((c) => c.startsWith('C')), groups: (file.channels ?? []).filter((c) => c.startsWith('G')),
    ims: (file.channels ?? []).filter((c) => c.startsWith('D')),
    ...(file.altTxt ? { alt_txt: file.altTxt } : {}),
  };
  const signed = await withFileUrls({ files: [stored] });
  return { file: signed.files[0], comments: [], response_metadata: { next_cursor: '' } };
}

/**
 * files.delete: the owner only (`cant_delete_file` for anyone else who can see it). The record and
 * the object go; messages that carried the file keep its entry, whose url_private then finds nothing.
 */
export async function deleteFile(caller: Caller, fileId: string) {
  const file = await visibleFile(caller, fileId);
  if (file.userId !== caller.userId) throw new ClientError('cant_delete_file');
  if (!(await table().files.removeOwned(fileId, caller.userId))) throw new ClientError('file_not_found');
  await deleteObject(mediaBucket(), file.key).catch((error: unknown) => {
    logger.warn('deleted file object not removed', { fileId, error });
  });
  return {};
}
