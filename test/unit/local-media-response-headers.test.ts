import { withPolicyHeaders } from '../../local/cdn/media-endpoint';
import { mediaResponseHeaders } from '../../local/cdn/media-response-headers';
import type { Template } from '../../local/template';

/** The local media endpoint adds the media distribution's response-headers policy as CloudFront does. */
describe('media response headers from the template', () => {
  const distribution = (behavior: Record<string, unknown>) => ({
    Type: 'AWS::CloudFront::Distribution',
    Properties: { DistributionConfig: { DefaultCacheBehavior: behavior } },
  });
  const template = (policyId: unknown): Template => ({
    Resources: {
      Web: distribution({ ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03' }),
      Media: distribution({ TrustedKeyGroups: [{ Ref: 'Keys' }], ResponseHeadersPolicyId: policyId }),
      Policy: {
        Type: 'AWS::CloudFront::ResponseHeadersPolicy',
        Properties: {
          ResponseHeadersPolicyConfig: {
            SecurityHeadersConfig: {
              ContentTypeOptions: { Override: true },
              ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'none'; sandbox", Override: true },
            },
            CustomHeadersConfig: { Items: [{ Header: 'X-Extra', Value: 'yes', Override: false }] },
          },
        },
      },
    } as unknown as Template['Resources'],
  });

  test("the signed-URL distribution's policy, not the web client's", () => {
    expect(mediaResponseHeaders(template({ Ref: 'Policy' }))).toEqual([
      { name: 'x-content-type-options', value: 'nosniff', override: true },
      { name: 'content-security-policy', value: "default-src 'none'; sandbox", override: true },
      { name: 'x-extra', value: 'yes', override: false },
    ]);
  });

  test('no policy: no headers; a policy it cannot read from the template stops the start', () => {
    expect(mediaResponseHeaders(template(undefined))).toEqual([]);
    expect(() => mediaResponseHeaders(template('managed-policy-id'))).toThrow(/not one the local media endpoint can read/);
  });

  test('added to what the origin sent; an overriding header replaces the origin\'s, another does not', () => {
    const policy = mediaResponseHeaders(template({ Ref: 'Policy' }));
    expect(withPolicyHeaders({ 'Content-Type': 'image/png', 'X-Content-Type-Options': 'whatever', 'x-extra': 'origin' }, policy)).toEqual({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'x-extra': 'origin',
    });
  });
});
