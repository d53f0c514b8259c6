import { AwsServiceError, errorOf, jsonService, serviceEndpoint, signedSender, withRetries, xmlText } from './aws-request';

/*
 * The few calls functions make to AWS beyond the table and @connections, each one operation of a
 * JSON, REST or query API signed by adapters/aws-request.ts (no SDK client in a bundle for them): a
 * secret's value, a message to a queue, a synchronous invocation of another function, an SNS action.
 * Clients are made on first use and kept for the process.
 */

let secretsManager: ReturnType<typeof jsonService> | undefined;
let sqs: ReturnType<typeof jsonService> | undefined;
let lambda: ReturnType<typeof signedSender> | undefined;
let sns: ReturnType<typeof signedSender> | undefined;

/** Secrets Manager `GetSecretValue`: the secret's string (an error when it holds none). */
export async function secretString(secretId: string): Promise<string> {
  secretsManager ??= jsonService(serviceEndpoint('secretsmanager', 'SECRETS_MANAGER'), 'secretsmanager', '1.1');
  const out = await secretsManager<{ SecretString?: string }>('GetSecretValue', { SecretId: secretId });
  if (!out.SecretString) throw new Error('the secret holds no string');
  return out.SecretString;
}

/** SQS `SendMessage` (JSON protocol), with a delay when given. */
export async function sendQueueMessage(queueUrl: string, body: string, delaySeconds?: number): Promise<void> {
  sqs ??= jsonService(serviceEndpoint('sqs', 'SQS'), 'AmazonSQS', '1.0');
  await sqs('SendMessage', { QueueUrl: queueUrl, MessageBody: body, ...(delaySeconds !== undefined ? { DelaySeconds: delaySeconds } : {}) });
}

/** What a synchronous invocation answered: the function's result, or its error (`X-Amz-Function-Error`). */
export interface InvokeResult {
  payload: Buffer;
  functionError?: string;
}

/** Lambda `Invoke`, RequestResponse: the function's answer; a refused invocation (throttle, 5xx) is tried as the SDK does. */
export async function invokeFunction(functionName: string, payload: string): Promise<InvokeResult> {
  lambda ??= signedSender({ ...serviceEndpoint('lambda', 'LAMBDA'), timeoutMs: 15 * 60_000 });
  const send = lambda;
  return withRetries(async () => {
    const response = await send({
      method: 'POST',
      path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body: payload,
    });
    if (response.status !== 200) throw errorOf(response);
    const functionError = response.headers['x-amz-function-error'];
    return { payload: response.body, ...(functionError ? { functionError: String(functionError) } : {}) };
  });
}

/** A synchronous invocation's JSON answer; the function's own failure thrown as an error naming `what` and the error's type. */
export async function invokeForJson<T>(functionName: string, payload: string, what: string): Promise<T> {
  const out = await invokeFunction(functionName, payload);
  const body = out.payload.length ? JSON.parse(out.payload.toString('utf8')) : undefined;
  if (out.functionError) throw new Error(`${what} failed: ${body?.errorType ?? out.functionError}: ${body?.errorMessage ?? ''}`);
  return body as T;
}

/**
 * An SNS action (the query protocol: a form POST, an XML answer): the answer's XML. A refusal is
 * thrown with its code as the SDK names it (`EndpointDisabled` becomes `EndpointDisabledException`).
 */
export async function snsAction(action: string, params: Record<string, string>): Promise<string> {
  sns ??= signedSender(serviceEndpoint('sns', 'SNS'));
  const send = sns;
  const body = new URLSearchParams({ Action: action, Version: '2010-03-31', ...params }).toString();
  return withRetries(async () => {
    const response = await send({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
    const xml = response.body.toString('utf8');
    if (response.status === 200) return xml;
    const code = xmlText(xml, 'Code');
    if (!code) throw errorOf(response);
    throw new AwsServiceError(SNS_EXCEPTIONS.has(code) ? `${code}Exception` : code, xmlText(xml, 'Message') ?? code, response.status, xmlText(xml, 'RequestId'));
  });
}

// SNS's query error codes whose SDK exception names add "Exception" (the rest are named as sent).
const SNS_EXCEPTIONS = new Set(['EndpointDisabled', 'NotFound', 'InvalidParameter', 'Throttled', 'InternalError', 'KMSThrottling', 'AuthorizationError', 'PlatformApplicationDisabled']);
