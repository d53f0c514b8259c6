import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CognitoTestTokens } from './emulator/cognito-tokens';
import { STACK, deployContextArgs, rewriteOutputs } from './emulator/deploy-plan';
import { EMULATOR_GAPS, figureOf, type TestOutcome } from './emulator/gaps';
import { startTokenBroker } from './emulator/token-broker';

/*
 * `npm run test:localstack [-- <jest args>]`: the e2e suite against a LocalStack-API-compatible
 * emulator (MiniStack, LocalStack Pro) at EMULATOR_ENDPOINT (default http://127.0.0.1:4566).
 * Bootstraps and deploys with cdklocal and the emulator stack options, writes the outputs file,
 * serves Cognito ID tokens of admin-created users to the tests, runs the suite, destroys the stack
 * (EMULATOR_KEEP_STACK=1 keeps it) and prints the figure. Logs go to .local/emulator/.
 */

const ROOT = resolve(__dirname, '../../..');
const endpoint = (process.env.EMULATOR_ENDPOINT ?? 'http://127.0.0.1:4566').replace(/\/+$/, '');
const region = process.env.AWS_REGION ?? 'us-east-1';
const workDir = join(ROOT, '.local', 'emulator');
const jestArgs = process.argv.slice(2);

// cdklocal 3 reads AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_S3 for asset uploads; emulators take any credentials.
const awsEnv: NodeJS.ProcessEnv = {
  AWS_ENDPOINT_URL: endpoint,
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
};

const step = (text: string) => process.stdout.write(`[emulator] ${text}\n`);

/** Runs a command with its output in a log file; resolves to its exit code. */
function run(command: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const out = createWriteStream(log);
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('error', fail);
    child.on('close', (code) => out.end(() => done(code ?? 1)));
  });
}

async function must(what: string, command: string, args: string[], logName: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const log = join(workDir, logName);
  const started = Date.now();
  step(`${what} …`);
  const code = await run(command, args, log, env);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}); see ${relative(ROOT, log)}`);
  step(`${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function emulatorVersion(): Promise<string> {
  for (const path of ['/_ministack/health', '/_localstack/health']) {
    try {
      const response = await fetch(`${endpoint}${path}`);
      if (!response.ok) continue;
      const body = (await response.json()) as { version?: string; edition?: string };
      return `${path.includes('ministack') ? 'MiniStack' : `LocalStack ${body.edition ?? ''}`.trim()} ${body.version ?? '(version unknown)'}`;
    } catch {
      // not this emulator, or not up
    }
  }
  throw new Error(`no emulator answers at ${endpoint} (tried /_ministack/health and /_localstack/health)`);
}

function outcomesOf(reportFile: string): TestOutcome[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    testResults: Array<{ name: string; message?: string; assertionResults: Array<{ fullName: string; status: TestOutcome['status'] }> }>;
  };
  return report.testResults.flatMap((file) => {
    const name = relative(ROOT, file.name);
    // A file that failed before any test ran (a failing beforeAll at load) still counts as a failure.
    if (file.assertionResults.length === 0 && file.message) return [{ file: name, fullName: '(the file did not run)', status: 'failed' as const }];
    return file.assertionResults.map((a) => ({ file: name, fullName: a.fullName, status: a.status }));
  });
}

async function main(): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const version = await emulatorVersion();
  step(`${version} at ${endpoint}, region ${region}`);
  const context = deployContextArgs(endpoint);
  const cdklocal = join(ROOT, 'node_modules', '.bin', 'cdklocal');
  const cdkOutputsFile = join(workDir, 'cdk-outputs.json');

  await must('bootstrap (cdklocal)', cdklocal, ['bootstrap', `aws://000000000000/${region}`, ...context], 'bootstrap.log', awsEnv);
  await must('deploy (cdklocal)', cdklocal, ['deploy', STACK, '--require-approval', 'never', '--outputs-file', cdkOutputsFile, ...context], 'deploy.log', awsEnv);
  try {
    const outputs = rewriteOutputs(JSON.parse(readFileSync(cdkOutputsFile, 'utf8')) as Record<string, Record<string, string>>, endpoint);
    const outputsFile = join(workDir, 'outputs.json');
    writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
    step(`outputs: ${relative(ROOT, outputsFile)} (HTTP API ${outputs[STACK].HttpApiUrl}, WebSocket ${outputs[STACK].WebSocketUrl})`);

    const cognito = new CognitoIdentityProviderClient({ endpoint, region, credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY ?? 'test' } });
    const broker = await startTokenBroker(new CognitoTestTokens(cognito, outputs[STACK].UserPoolId, outputs[STACK].UserPoolClientId));
    step(`Cognito test users: made per (user, workspace) on first sign-in, through ${broker.url}`);

    const reportFile = join(workDir, 'jest-report.json');
    const started = Date.now();
    step(`e2e suite against the emulator (log: ${relative(ROOT, join(workDir, 'e2e.log'))}) …`);
    await run(join(ROOT, 'node_modules', '.bin', 'jest'), [...(jestArgs.length ? jestArgs : []), '--selectProjects', 'e2e', '--json', '--outputFile', reportFile], join(workDir, 'e2e.log'), {
      E2E_TARGET: 'localstack',
      E2E_OUTPUTS_FILE: outputsFile,
      E2E_TOKEN_BROKER: broker.url,
      // The emulator's functions answer several times slower than the local cloud's: a third of the
      // fuzzer's default inputs keeps its test inside jest's 60 s (FUZZ_RUNS set by hand wins).
      FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20',
    });
    await broker.close();
    if (!existsSync(reportFile)) throw new Error(`jest wrote no report; see ${relative(ROOT, join(workDir, 'e2e.log'))}`);
    const figure = figureOf(outcomesOf(reportFile));
    step(`e2e suite: done in ${Math.round((Date.now() - started) / 1000)} s`);
    for (const failed of figure.failedTests) step(`  failed: ${failed}`);
    for (const gap of EMULATOR_GAPS) if (figure.marked[gap.id]) step(`  marked ${figure.marked[gap.id]} (${gap.id}): ${gap.reason}`);
    const marked = Object.values(figure.marked).reduce((a, b) => a + b, 0);
    step(`${version}: ${figure.passed} passed, ${figure.failed} failed, ${marked} marked (emulator gaps), ${figure.localOnly} local-cloud only`);
    process.exitCode = figure.failed > 0 ? 1 : 0;
  } finally {
    if (process.env.EMULATOR_KEEP_STACK === '1') step(`stack kept (EMULATOR_KEEP_STACK=1)`);
    else await must('destroy (cdklocal)', cdklocal, ['destroy', STACK, '--force', ...context], 'destroy.log', awsEnv).catch((error: unknown) => step(String(error)));
  }
}

main().catch((error: unknown) => {
  step(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
