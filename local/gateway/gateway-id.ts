import { randomBytes } from 'node:crypto';

/** Ids as API Gateway makes them (request, connection and message ids): base64 of 10 random bytes, e.g. `L0SM9cOFvHcCIhw=`. */
export const gatewayId = () => randomBytes(10).toString('base64');
