import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger } from '../adapters/logger';
import { receiveUpload } from '../core/direct-upload';
import { uploadedBytes } from '../edge/upload-body';

/*
 * POST /upload/v1/{file}?s=<secret>: Slack's upload URL (no authorizer: the URL is the credential,
 * as files.slack.com's is; the secret is in the query, which the access log leaves out). Answers as
 * Slack does, `200 OK - <bytes>`; a refusal is a 4xx with a short reason, never a hint of which
 * check failed for an unknown, expired or wrong URL.
 */

const text = (statusCode: number, body: string): APIGatewayProxyResultV2 => ({
  statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body,
});

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const fileId = event.pathParameters?.file ?? '';
  const secret = event.queryStringParameters?.s ?? '';
  try {
    const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const body = await uploadedBytes(raw, event.headers?.['content-type'] ?? '');
    if (!body.ok) return text(400, `invalid_upload: ${body.reason}`);
    const outcome = await receiveUpload(fileId, secret, body.bytes);
    return outcome.ok ? text(200, `OK - ${outcome.bytes}`) : text(outcome.status, outcome.error);
  } catch (error) {
    logger.error('upload failed', { fileId, error });
    return text(500, 'internal_error');
  }
}
