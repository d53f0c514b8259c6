import type { Fetcher } from 'aws-jwt-verify/https';

/**
 * Fetches a JWKS over plain http, which aws-jwt-verify's own fetcher (https only) refuses. Only for
 * an emulator's local issuer (MiniStack, LocalStack serve Cognito's JWKS on http://127.0.0.1:4566):
 * used when JWKS_ALLOW_INSECURE_HTTP=true, which only the CDK context value
 * `allowInsecureHttpJwks` sets. Over http anyone on the path could swap the signing keys.
 */
export const insecureHttpFetcher: Fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri);
    if (!response.ok) throw new Error(`JWKS fetch from ${uri} failed: ${response.status}`);
    return response.arrayBuffer();
  },
};
