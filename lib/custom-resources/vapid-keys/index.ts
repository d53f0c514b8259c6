import { createECDH } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respond, type Outcome } from '../cfn-response';

/*
 * Custom resource behind Web Push: on Create it makes the deployment's VAPID key pair (P-256), stores
 * it in the stack's secret as JSON {publicKey, privateKey} (base64url, as web-push takes them) and
 * returns the public key as `PublicKey`. On Update it returns the stored public key, so browsers'
 * subscriptions (bound to that key) survive deployments. Delete leaves the secret to the stack.
 * The private key is never logged and never leaves the function except into the secret.
 */

const secrets = new SecretsManagerClient({});

interface Properties {
  SecretArn: string;
}

/** A new pair; the private key padded to 32 bytes (a scalar with leading zero bytes comes back shorter). */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const priv = ecdh.getPrivateKey();
  const padded = Buffer.concat([Buffer.alloc(Math.max(0, 32 - priv.length)), priv]);
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: padded.toString('base64url') };
}

async function currentOrNewPublicKey(secretArn: string): Promise<string> {
  const stored = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  try {
    const value = JSON.parse(stored.SecretString ?? '') as { publicKey?: unknown; privateKey?: unknown };
    if (typeof value.publicKey === 'string' && typeof value.privateKey === 'string') return value.publicKey;
  } catch {
    // Not a key pair yet (the secret's generated placeholder): make one.
  }
  const keys = newVapidKeys();
  await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(keys) }));
  return keys.publicKey;
}

async function apply(event: CloudFormationCustomResourceEvent): Promise<Outcome> {
  const props = event.ResourceProperties as unknown as Properties & { ServiceToken: string };
  const physicalId = event.RequestType === 'Create' ? `vapid-keys:${props.SecretArn}` : event.PhysicalResourceId;
  try {
    if (event.RequestType === 'Delete') return { status: 'SUCCESS', physicalId };
    return { status: 'SUCCESS', physicalId, data: { PublicKey: await currentOrNewPublicKey(props.SecretArn) } };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    console.error('vapid keys', event.RequestType, 'failed:', reason);
    return { status: 'FAILED', physicalId, reason };
  }
}

export async function handler(event: CloudFormationCustomResourceEvent, _context: Context): Promise<void> {
  console.log('vapid keys', event.RequestType, event.LogicalResourceId);
  await respond(event, await apply(event));
}
