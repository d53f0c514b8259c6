import { FILE_METHODS } from './file-methods';
import { webApiHandler } from './web-api';

/** POST/GET /api/files.*: the files methods, on routes of their own (see ./file-method-names.ts). */
export const handler = webApiHandler(FILE_METHODS);
