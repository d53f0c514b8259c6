import { request } from 'node:https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/* What every custom resource function of this stack answers CloudFormation with. */

export type Outcome = { status: 'SUCCESS'; physicalId: string; data?: Record<string, string> } | { status: 'FAILED'; physicalId: string; reason: string };

/** CloudFormation waits for this PUT to the presigned ResponseURL, success or not. */
export function respond(event: CloudFormationCustomResourceEvent, outcome: Outcome): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: outcome.status === 'FAILED' ? outcome.reason : 'OK',
    PhysicalResourceId: outcome.physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: outcome.status === 'SUCCESS' ? outcome.data : undefined,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, path: `${url.pathname}${url.search}`, method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
