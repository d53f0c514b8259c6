/** Messages between the function runtime (parent) and one function instance (worker thread). */

export interface InstanceData {
  codePath: string;
  handlerName: string;
  functionName: string;
  memorySize: number;
  /** Fault injection: this instance's clock runs this many ms off (0: true time). */
  clockOffsetMs?: number;
}

/** Lambda's error payload for a failed invocation. */
export interface InvokeError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: InvokeError };

export interface ToInstance {
  requestId: string;
  event: unknown;
  /** Epoch ms when the invocation times out (for context.getRemainingTimeInMillis). */
  deadline: number;
}

export type FromInstance =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | ({ type: 'result'; requestId: string } & InvokeResult);
