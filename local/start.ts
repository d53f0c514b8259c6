import { spawnSync } from 'node:child_process';
import { startLocalCloud } from './cloud';
import { JavaMissingError } from './storage/dynamodb/dynamodb-local';
import { DEFAULT_PORTS, optionsFrom } from './options';

/*
 * `npm start`: synthesizes the CDK app (unless --no-synth) and runs the whole system locally.
 * Options: --data-dir <dir> (default .local), --no-synth; ports by LOCAL_HTTP_PORT, LOCAL_WS_PORT,
 * LOCAL_MEDIA_PORT, LOCAL_S3_PORT, LOCAL_DYNAMODB_PORT, LOCAL_WEB_PORT (0 = any free port); LOCAL_WS_IDLE_SECONDS,
 * LOCAL_WS_MAX_AGE_SECONDS, LOCAL_STREAM_POLL_MS; LOCAL_MAX_INSTANCES (instances per function, default 16);
 * LOCAL_FUNCTION_ENV='{"HOT_CHANNEL_THRESHOLD":"3"}' (local only: merged over every function's environment).
 * LOCAL_FAULTS='{"connectionsPostFail":0.1,"fanoutCrash":0.1,"dynamoThrottle":0.05,"seed":42}' (fault injection,
 * off by default; see local/dev/faults.ts and docs/reliability.md).
 */

async function main(): Promise<void> {
  const options = optionsFrom(process.argv.slice(2), process.env);
  const { log } = options;
  log(`TeamChat local cloud — data in ${options.dataDir}`);
  log(`  ports: http ${options.ports.http}, ws ${options.ports.ws}, media ${options.ports.media}, s3 ${options.ports.s3}, dynamodb ${options.ports.dynamodb}` +
    ` (defaults ${DEFAULT_PORTS.http}/${DEFAULT_PORTS.ws}/${DEFAULT_PORTS.media}/${DEFAULT_PORTS.s3}/${DEFAULT_PORTS.dynamodb})`);
  if (options.synth) {
    log('… cdk synth');
    // Bundling chatter goes to stderr; show it only when synth fails.
    const synth = spawnSync('npx', ['cdk', 'synth', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (synth.status !== 0) {
      process.stderr.write(synth.stderr);
      throw new Error('cdk synth failed (see above); fix it, or start with --no-synth to use the last cdk.out');
    }
    log('✓ cdk synth');
  }

  const cloud = await startLocalCloud(options);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping…`);
    cloud.stop().then(
      () => {
        log('✓ stopped');
        process.exit(0);
      },
      (error: Error) => {
        log(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const { HttpApiUrl, WebSocketUrl, MediaUrl, WebAppUrl } = cloud.outputs;
  log(
    [
      '',
      '  TeamChat is running locally',
      `  HttpApiUrl    ${HttpApiUrl}`,
      `  WebSocketUrl  ${WebSocketUrl}`,
      `  MediaUrl      ${MediaUrl}`,
      `  WebAppUrl     ${WebAppUrl}   ← open this in a browser`,
      `  outputs       ${cloud.outputsFile}`,
      '',
      `  token:   curl -s -X POST ${HttpApiUrl}/dev/token -H 'content-type: application/json' -d '{"user":"alice","team":"acme"}'`,
      `  connect: wscat -c "${WebSocketUrl}?token=<jwt>"`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  if (error instanceof JavaMissingError) process.stderr.write(`✗ ${error.message}\n`);
  else process.stderr.write(`✗ local cloud failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
