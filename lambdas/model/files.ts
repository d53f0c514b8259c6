import type { FileItem } from './service';
import { keyOf } from './entity-keys';
import { asTransactItem, isConditionFailure, transact, type TableContext, type TransactItem } from './store';

/** What completing a file sets. */
export interface FileCompletion {
  fileId: string;
  userId: string;
  key: string;
  title: string;
  width?: number;
  height?: number;
  /** The conversation the file is shared into, if any (files.info lets its members see the file). */
  channelId?: string;
}

/** Uploaded files. */
export function fileAccess(t: TableContext) {
  const { file } = t.service.entities;
  return {
    // A pending file, as files.getUploadURLExternal records it
    create: async (f: Omit<FileItem, 'createdAt' | 'status'>): Promise<void> => {
      await file.create({ ...f, status: 'pending' }).go();
    },

    // A file by id, read consistently
    get: async (fileId: string): Promise<FileItem | undefined> => (await file.get({ fileId }).go({ consistent: true })).data ?? undefined,

    // A file's move from pending to complete, only if it is still the user's pending file (a transaction item)
    completion: (c: FileCompletion): TransactItem => asTransactItem('Update', {
      TableName: t.table,
      Key: keyOf(file.get({ fileId: c.fileId }).params()),
      UpdateExpression: `SET #status = :complete, #key = :key, title = :title${c.width ? ', originalW = :w, originalH = :h' : ''}${c.channelId ? ', channels = :channels' : ''} REMOVE expiresAt`,
      ConditionExpression: '#status = :pending AND userId = :user',
      ExpressionAttributeNames: { '#status': 'status', '#key': 'key' },
      ExpressionAttributeValues: {
        ':complete': 'complete', ':pending': 'pending', ':user': c.userId, ':key': c.key, ':title': c.title,
        ...(c.width ? { ':w': c.width, ':h': c.height } : {}),
        ...(c.channelId ? { ':channels': [c.channelId] } : {}),
      },
    }),

    // The owner's complete file removed; false when it is gone, not complete or not theirs
    removeOwned: async (fileId: string, userId: string): Promise<boolean> => {
      try {
        await file.delete({ fileId }).where((a, { eq }) => `${eq(a.userId, userId)} AND ${eq(a.status, 'complete')}`).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // Files completed together, all or nothing
    complete: (completions: TransactItem[]) => transact(t, completions),
  };
}
