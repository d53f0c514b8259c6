import { METHODS } from './methods';
import { webApiHandler } from './web-api';

/** POST/GET /api/{method}: Slack's Web API methods (files.* have their own function, ./files-api.ts). */
export const handler = webApiHandler(METHODS);
