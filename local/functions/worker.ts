import http from 'node:http';
import https from 'node:https';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import type { InstanceData, ToInstance, FromInstance, InvokeError } from './protocol';

/*
 * One Lambda instance: its own environment (the Worker's env), its own module state (the bundle is
 * required here, once, as in Lambda's init phase), one invocation at a time.
 */

const data = workerData as InstanceData;
const port = parentPort;
if (!port) throw new Error('function-worker must run in a worker thread');
const post = (message: FromInstance) => port.postMessage(message);
/** Lambda's limit on a synchronous invocation's response: 6 MB. */
const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

// Fault injection (LOCAL_FAULTS clockSkewMs): this instance's clock is off by a fixed offset, as a
// machine whose clock drifted would be. Installed before the bundle loads, so all its code sees it.
const offset = data.clockOffsetMs ?? 0;
if (offset !== 0) {
  const RealDate = Date;
  const skewedNow = () => RealDate.now() + offset;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(skewedNow());
      else super(...(args as [string | number | Date]));
    }
    static now(): number {
      return skewedNow();
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
}

let currentRequestId = 'undefined';

// CloudWatch-style lines: <ISO time>\t<request id>\t<LEVEL>\t<message>.
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']] as const) {
  console[method] = (...args: unknown[]) => post({ type: 'log', line: `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}` });
}

// aws-jwt-verify fetches JWKS with https.request only; the local issuer is plain http on 127.0.0.1.
// Route http: URLs to http.request so the same verification code runs unchanged.
const httpsRequest = https.request;
https.request = ((...args: Parameters<typeof https.request>) => {
  const [target] = args;
  const isHttp = (typeof target === 'string' && target.startsWith('http:')) || (target instanceof URL && target.protocol === 'http:');
  return isHttp ? (http.request as unknown as typeof https.request)(...args) : httpsRequest(...args);
}) as typeof https.request;

const toError = (error: unknown): InvokeError =>
  error instanceof Error
    ? { errorType: error.name || 'Error', errorMessage: error.message, stackTrace: (error.stack ?? '').split('\n').slice(1).map((l) => l.trim()) }
    : { errorType: 'Error', errorMessage: String(error), stackTrace: [] };

type Handler = (event: unknown, context: object, callback?: (error: unknown, result?: unknown) => void) => unknown;
let handler: Handler | undefined;
let initError: InvokeError | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(data.codePath) as Record<string, unknown>;
  const exported = mod[data.handlerName];
  if (typeof exported !== 'function') throw Object.assign(new Error(`${data.handlerName} is not a function in ${data.codePath}`), { name: 'Runtime.HandlerNotFound' });
  handler = exported as Handler;
} catch (error) {
  initError = toError(error);
  if (initError.errorType === 'Error') initError.errorType = 'Runtime.ImportModuleError';
  console.error(`INIT failed: ${initError.errorType}: ${initError.errorMessage}`);
}
post({ type: 'ready' });

function run(fn: Handler, event: unknown, context: object): Promise<unknown> {
  // Callback-style handlers (three parameters) as well as async ones, as the Node.js runtime allows.
  if (fn.length >= 3) {
    return new Promise((resolve, reject) => {
      const maybe = fn(event, context, (error, result) => (error ? reject(error) : resolve(result)));
      if (maybe instanceof Promise) maybe.then(resolve, reject);
    });
  }
  return Promise.resolve(fn(event, context));
}

port.on('message', async (message: ToInstance) => {
  currentRequestId = message.requestId;
  const context = {
    awsRequestId: message.requestId,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${data.functionName}`,
    memoryLimitInMB: String(data.memorySize),
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: `local/${data.functionName}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  if (!handler) {
    post({ type: 'result', requestId: message.requestId, ok: false, error: initError ?? toError(new Error('no handler')) });
    return;
  }
  try {
    const result = await run(handler, message.event, context);
    // Lambda returns JSON: undefined becomes null, and nothing but JSON survives.
    const json = JSON.stringify(result ?? null);
    const bytes = Buffer.byteLength(json);
    if (bytes > RESPONSE_LIMIT_BYTES) {
      // As Lambda does: the invocation fails (API Gateway then answers 500 / an error frame).
      const e = { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).` };
      console.error(`Invoke Error \t${JSON.stringify(e)}`);
      post({ type: 'result', requestId: message.requestId, ok: false, error: e });
      return;
    }
    post({ type: 'result', requestId: message.requestId, ok: true, result: JSON.parse(json) as unknown });
  } catch (error) {
    const e = toError(error);
    console.error(`Invoke Error \t${JSON.stringify(e)}`);
    post({ type: 'result', requestId: message.requestId, ok: false, error: e });
  }
});
