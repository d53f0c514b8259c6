import { bundleMetafile } from '../../bench/scenarios/bundles';
import { defaultProvider } from '../../lambdas/adapters/lambda-credentials';

describe('function bundles use environment credentials only', () => {
  it("bundles the stand-in instead of the SDK's default credential chain", async () => {
    const inputs = Object.keys((await bundleMetafile('lambdas/ws/ping.ts')).inputs);
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
