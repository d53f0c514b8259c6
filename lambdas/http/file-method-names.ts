/**
 * The Web API methods served by the files function (lambdas/http/files-api.ts), each on its own
 * route ahead of `/api/{method}`: the only ones that reach S3, so no chat call loads its client.
 * The stack routes these names (lib/http-api.ts); ./file-methods.ts implements exactly them.
 */
export const FILE_METHOD_NAMES = ['files.getUploadURLExternal', 'files.completeUploadExternal', 'files.info', 'files.delete'] as const;

export type FileMethodName = (typeof FILE_METHOD_NAMES)[number];
