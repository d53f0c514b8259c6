import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreatePlatformApplicationCommand, DeletePlatformApplicationCommand, SetPlatformApplicationAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respond, type Outcome } from '../cfn-response';

/*
 * Custom resource for the `mobilePush` opt-in: CloudFormation has no SNS platform application, so
 * this makes one (Create), refreshes its credentials (Update) and deletes it (Delete). The APNs or
 * FCM credentials are the operator's: a Secrets Manager secret they create beforehand holding JSON
 * {"PlatformCredential": "...", "PlatformPrincipal": "..."} (README: Push notifications); they are
 * read here and never logged or put in the template.
 */

const secrets = new SecretsManagerClient({});
const sns = new SNSClient({});

interface Properties {
  Name: string;
  Platform: string;
  CredentialsSecret: string;
}

async function credentials(secretId: string): Promise<Record<string, string>> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>;
  if (typeof value.PlatformCredential !== 'string') throw new Error('the credentials secret has no PlatformCredential');
  return {
    PlatformCredential: value.PlatformCredential,
    ...(typeof value.PlatformPrincipal === 'string' ? { PlatformPrincipal: value.PlatformPrincipal } : {}),
  };
}

async function apply(event: CloudFormationCustomResourceEvent): Promise<Outcome> {
  const props = event.ResourceProperties as unknown as Properties & { ServiceToken: string };
  const physicalId = event.RequestType === 'Create' ? '' : event.PhysicalResourceId;
  try {
    if (event.RequestType === 'Delete') {
      if (physicalId.startsWith('arn:')) await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: physicalId }));
      return { status: 'SUCCESS', physicalId };
    }
    const attributes = await credentials(props.CredentialsSecret);
    if (event.RequestType === 'Update' && physicalId.startsWith('arn:')) {
      await sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn: physicalId, Attributes: attributes }));
      return { status: 'SUCCESS', physicalId, data: { Arn: physicalId } };
    }
    const out = await sns.send(new CreatePlatformApplicationCommand({ Name: props.Name, Platform: props.Platform, Attributes: attributes }));
    const arn = out.PlatformApplicationArn ?? '';
    return { status: 'SUCCESS', physicalId: arn, data: { Arn: arn } };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    console.error('mobile push application', event.RequestType, 'failed:', reason);
    return { status: 'FAILED', physicalId: physicalId || 'mobile-push-application-failed', reason };
  }
}

export async function handler(event: CloudFormationCustomResourceEvent, _context: Context): Promise<void> {
  console.log('mobile push application', event.RequestType, event.LogicalResourceId);
  await respond(event, await apply(event));
}
