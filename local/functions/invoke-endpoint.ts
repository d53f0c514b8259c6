import { createServer, type ServerResponse } from 'node:http';
import { HOST, listen, readBody, type Listening } from '../net';
import type { InvokeResult } from './protocol';

/*
 * Stands in for Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`, what
 * @aws-sdk/client-lambda sends), for functions that invoke others (the fan-out's delivery shares).
 * A function is named by its logical id, which is the name the local cloud gives it. As Lambda:
 * a synchronous request payload over 6 MB is 413 RequestTooLargeException, a response over 6 MB is
 * a function error, a failed invocation is 200 with `X-Amz-Function-Error: Unhandled` and its
 * error payload, an unknown function 404 ResourceNotFoundException. `DryRun` answers 204. Only
 * synchronous invocations are emulated: `Event` is refused rather than run with limits we have not
 * matched.
 */

const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export interface InvokeEndpoint extends Listening {
  url: string;
}

function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ Type: 'User', message }));
}

export async function startInvokeEndpoint(opts: {
  port: number;
  has: (name: string) => boolean;
  invoke: (name: string, event: unknown) => Promise<InvokeResult>;
}): Promise<InvokeEndpoint> {
  const server = createServer(async (req, res) => {
    const match = req.method === 'POST' ? PATH.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (!match) return refuse(res, 404, 'UnknownOperationException', `${req.method} ${req.url} is not an operation of this endpoint`);
    // A name, or an ARN (`arn:aws:lambda:…:function:<name>[:qualifier]`).
    const given = decodeURIComponent(match[1]);
    const name = given.includes(':function:') ? given.split(':function:')[1].split(':')[0] : given;
    const body = await readBody(req, PAYLOAD_LIMIT_BYTES);
    if (!body) return refuse(res, 413, 'RequestTooLargeException', `Request must be smaller than ${PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`);
    if (!opts.has(name)) return refuse(res, 404, 'ResourceNotFoundException', `Function not found: ${given}`);
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') {
      res.writeHead(204).end();
      return;
    }
    if (type !== 'RequestResponse') return refuse(res, 400, 'InvalidParameterValueException', `invocation type ${type} is not emulated by the local cloud (RequestResponse and DryRun are)`);
    let event: unknown;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return refuse(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const result = await opts.invoke(name, event);
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (result.ok) {
      const payload = JSON.stringify(result.result ?? null);
      if (Buffer.byteLength(payload) <= PAYLOAD_LIMIT_BYTES) {
        res.writeHead(200, headers).end(payload);
        return;
      }
      res.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${PAYLOAD_LIMIT_BYTES} bytes).` }));
      return;
    }
    if (result.error.errorType === 'RequestTooLargeException') return refuse(res, 413, 'RequestTooLargeException', result.error.errorMessage);
    res.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
    res.end(JSON.stringify(result.error));
  });
  const listening = await listen(server, opts.port);
  return { ...listening, url: `http://${HOST}:${listening.port}` };
}
