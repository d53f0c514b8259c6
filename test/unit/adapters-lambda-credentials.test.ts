import { bundleMetafile } from '../../bench/scenarios/bundles';
import { defaultProvider } from '../../lambdas/adapters/lambda-credentials';

describe('function bundles use environment credentials only', () => {
  it('a handler bundles no SDK client: the table, bucket, queues, SNS and functions are called through adapters/aws-request.ts', async () => {
    for (const entry of ['lambdas/ws/ping.ts', 'lambdas/ws/message.ts', 'lambdas/stream/fanout.ts', 'lambdas/http/api.ts', 'lambdas/http/files-api.ts', 'lambdas/http/upload.ts', 'lambdas/stream/push.ts']) {
      // What the bundle holds (the metafile's inputs include modules tree-shaken away).
      const output = Object.values((await bundleMetafile(entry)).outputs)[0]!;
      const inputs = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([name]) => name);
      expect([entry, inputs.filter((i) => /@aws-sdk\/(client-|lib-dynamodb)/.test(i))]).toEqual([entry, []]);
    }
  });

  it("bundles the stand-in instead of the SDK's default credential chain where an SDK client remains (a deploy-time custom resource's Secrets Manager client)", async () => {
    const inputs = Object.keys((await bundleMetafile('lib/custom-resources/media-signing-key/index.ts')).inputs);
    expect(inputs).toContain('lambdas/adapters/lambda-credentials.ts');
    for (const chain of ['credential-provider-node', 'credential-provider-ini', 'credential-provider-sso', 'nested-clients', 'credential-provider-imds']) {
      expect(inputs.filter((i) => i.includes(`/${chain}/`))).toEqual([]);
    }
  });

  it('reads the credentials Lambda puts in the environment, and says so when they are missing', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' });
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' });
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      await expect(defaultProvider()()).rejects.toThrow(/environment/i);
    } finally {
      process.env = saved;
    }
  });
});
