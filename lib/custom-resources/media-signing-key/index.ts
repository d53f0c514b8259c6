import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respond, type Outcome } from '../cfn-response';

/*
 * Custom resource behind the media CDN's trusted key group. On Create it makes an RSA-2048 key
 * pair, stores the private key PEM in the stack's secret and returns the public key PEM as
 * `PublicKeyPem`. On Update it derives the public key from the stored private key, so the key pair
 * (and every URL signed with it) survives deployments. Delete leaves the secret to the stack.
 * The private key is never logged and never leaves the function except into the secret.
 */

const secrets = new SecretsManagerClient({});

interface Properties {
  SecretArn: string;
}

function toPublicPem(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

async function createKeyPair(secretArn: string): Promise<string> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: privateKey }));
  return publicKey;
}

/** The stored key's public half, or a new pair when the secret holds no RSA private key yet. */
async function currentOrNewPublicKey(secretArn: string): Promise<string> {
  const stored = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const value = stored.SecretString ?? '';
  if (value.includes('PRIVATE KEY')) return toPublicPem(value);
  return createKeyPair(secretArn);
}

async function apply(event: CloudFormationCustomResourceEvent): Promise<Outcome> {
  const props = event.ResourceProperties as unknown as Properties & { ServiceToken: string };
  const physicalId = event.RequestType === 'Create' ? `media-signing-key:${props.SecretArn}` : event.PhysicalResourceId;
  try {
    if (event.RequestType === 'Delete') return { status: 'SUCCESS', physicalId };
    const publicKeyPem = await currentOrNewPublicKey(props.SecretArn);
    return { status: 'SUCCESS', physicalId, data: { PublicKeyPem: publicKeyPem } };
  } catch (error) {
    // Only the error's name and message: neither carries key material.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    console.error('media signing key', event.RequestType, 'failed:', reason);
    return { status: 'FAILED', physicalId, reason };
  }
}

export async function handler(event: CloudFormationCustomResourceEvent, _context: Context): Promise<void> {
  console.log('media signing key', event.RequestType, event.LogicalResourceId);
  await respond(event, await apply(event));
}
