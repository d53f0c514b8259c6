import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { retryKind, AwsServiceError } from '../../lambdas/adapters/aws-request';
import { invokeFunction, secretString, sendQueueMessage, snsAction } from '../../lambdas/adapters/aws-services';
import { sendMobilePush } from '../../lambdas/adapters/sns-push';
import { recordingServer, type Answer, type Recorded, type RecordingServer } from './fakes/recording-server';

/*
 * The hand-signed AWS calls of the functions (lambdas/adapters/aws-services.ts) against the SDK's
 * own clients: the same operation, path, target and body reach a local server, and the services'
 * answers (values, errors, throttles) are read as the SDK reads them.
 */

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
let server: RecordingServer;
let base: string;
let seen: Recorded[];
let answers: Answer[];

beforeAll(async () => {
  server = await recordingServer();
  ({ base, seen, answers } = server);
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: base, AWS_ENDPOINT_URL_SECRETS_MANAGER: base, AWS_ENDPOINT_URL_LAMBDA: base, AWS_ENDPOINT_URL_SNS: base,
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const sdkConfig = () => ({ endpoint: base, region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 });
const service = (s: Recorded) => /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(s.headers.authorization))?.slice(1);

test('SendMessage: the SDK client\'s request (JSON protocol), with and without a delay', async () => {
  server.fallback = { status: 200, body: '{"MessageId":"m1"}', headers: { 'content-type': 'application/x-amz-json-1.0' } };
  const sqs = new SQSClient({ ...sdkConfig(), md5: false });
  await sqs.send(new SendMessageCommand({ QueueUrl: `${base}/000000000000/q`, MessageBody: 'héllo', DelaySeconds: 60 }));
  sqs.destroy();
  await sendQueueMessage(`${base}/000000000000/q`, 'héllo', 60);
  await sendQueueMessage(`${base}/000000000000/q`, 'x');
  const [theirs, ours, plain] = seen;
  expect(ours.url).toBe(theirs.url);
  expect(ours.headers['x-amz-target']).toBe(theirs.headers['x-amz-target']);
  expect(ours.headers['content-type']).toBe(theirs.headers['content-type']);
  expect(JSON.parse(ours.body)).toEqual(JSON.parse(theirs.body));
  expect(service(ours)).toEqual(['eu-west-1', 'sqs']);
  expect(JSON.parse(plain.body)).toEqual({ QueueUrl: `${base}/000000000000/q`, MessageBody: 'x' });
});

test('GetSecretValue: the SDK client\'s request; an empty secret and a refusal are errors', async () => {
  server.fallback = { status: 200, body: '{"SecretString":"pem-text"}', headers: {} };
  const sm = new SecretsManagerClient(sdkConfig());
  await sm.send(new GetSecretValueCommand({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:key' }));
  sm.destroy();
  expect(await secretString('arn:aws:secretsmanager:eu-west-1:1:secret:key')).toBe('pem-text');
  const [theirs, ours] = seen;
  for (const h of ['x-amz-target', 'content-type']) expect(ours.headers[h]).toBe(theirs.headers[h]);
  expect(JSON.parse(ours.body)).toEqual(JSON.parse(theirs.body));
  expect(service(ours)).toEqual(['eu-west-1', 'secretsmanager']);
  answers.push({ status: 200, body: '{}' });
  await expect(secretString('s')).rejects.toThrow(/no string/);
  answers.push({ status: 400, body: '{"__type":"ResourceNotFoundException","Message":"Secrets Manager can\'t find the specified secret."}' });
  await expect(secretString('s')).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
});

test('Invoke: the SDK client\'s path for a function ARN; a function error is reported, a throttle tried again', async () => {
  server.fallback = { status: 200, body: '{"delivered":3}', headers: {} };
  const arn = 'arn:aws:lambda:eu-west-1:1:function:TeamChat-Deliver';
  const lambda = new LambdaClient(sdkConfig());
  await lambda.send(new InvokeCommand({ FunctionName: arn, Payload: Buffer.from('{"a":1}') }));
  lambda.destroy();
  const out = await invokeFunction(arn, '{"a":1}');
  const [theirs, ours] = seen;
  expect(ours.url).toBe(theirs.url);
  expect(ours.body).toBe(theirs.body);
  expect(service(ours)).toEqual(['eu-west-1', 'lambda']);
  expect(JSON.parse(out.payload.toString())).toEqual({ delivered: 3 });
  expect(out.functionError).toBeUndefined();

  answers.push({ status: 200, body: '{"errorType":"Error","errorMessage":"boom"}', headers: { 'x-amz-function-error': 'Unhandled' } });
  expect(await invokeFunction(arn, '{}')).toMatchObject({ functionError: 'Unhandled' });
  seen.length = 0;
  answers.push({ status: 429, body: '{"Type":"User","message":"Rate exceeded"}', headers: { 'x-amzn-errortype': 'TooManyRequestsException' } });
  expect(JSON.parse((await invokeFunction(arn, '{}')).payload.toString())).toEqual({ delivered: 3 });
  expect(seen).toHaveLength(2);
});

test('SNS Publish: the SDK client\'s form; its XML errors get the SDK\'s exception names', async () => {
  server.fallback = { status: 200, body: '<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>', headers: { 'content-type': 'text/xml' } };
  const sns = new SNSClient(sdkConfig());
  await sns.send(new PublishCommand({ TargetArn: 'arn:aws:sns:eu-west-1:1:endpoint/GCM/app/1', MessageStructure: 'json', Message: '{"default":"a & b"}' }));
  sns.destroy();
  await snsAction('Publish', { TargetArn: 'arn:aws:sns:eu-west-1:1:endpoint/GCM/app/1', MessageStructure: 'json', Message: '{"default":"a & b"}' });
  const [theirs, ours] = seen;
  const form = (body: string) => Object.fromEntries(new URLSearchParams(body));
  expect(form(ours.body)).toEqual(form(theirs.body));
  expect(service(ours)).toEqual(['eu-west-1', 'sns']);

  const error = (code: string) => ({ status: 400, body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>no &amp; more</Message></Error><RequestId>r1</RequestId></ErrorResponse>` });
  answers.push(error('EndpointDisabled'));
  await expect(snsAction('Publish', {})).rejects.toMatchObject({ name: 'EndpointDisabledException', message: 'no & more', $metadata: { requestId: 'r1' } });
  // The adapter's reading of it: a disabled endpoint is gone.
  answers.push({ status: 200, body: '<CreatePlatformEndpointResponse><CreatePlatformEndpointResult><EndpointArn>arn:e</EndpointArn></CreatePlatformEndpointResult></CreatePlatformEndpointResponse>' }, error('EndpointDisabled'));
  expect(await sendMobilePush('arn:app', 'tok', { title: 't', channel: 'D1', ts: '1.000001' }, 60)).toBe('gone');
});

test('what is tried again: throttles, 5xx and dropped sockets; never a refusal of the request itself', () => {
  expect(retryKind(new AwsServiceError('ProvisionedThroughputExceededException', '', 400))).toBe('throttling');
  expect(retryKind(new AwsServiceError('Anything', '', 429))).toBe('throttling');
  expect(retryKind(new AwsServiceError('InternalServerError', '', 500))).toBe('transient');
  expect(retryKind(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('transient');
  expect(retryKind(new AwsServiceError('ConditionalCheckFailedException', '', 400))).toBeUndefined();
  expect(retryKind(new AwsServiceError('TransactionCanceledException', '', 400))).toBeUndefined();
  expect(retryKind(new TypeError('bug'))).toBeUndefined();
});
