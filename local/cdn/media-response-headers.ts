import type { Template, TemplateValue } from '../template';

/*
 * The response headers the media distribution's CloudFront response-headers policy adds, read from
 * the synthesized template so the local media endpoint adds exactly what CloudFront would. The
 * media distribution is the one whose default behavior trusts a key group (signed URLs only).
 */

export interface PolicyHeader {
  name: string;
  value: string;
  /** CloudFront's `Override`: replace a header the origin sent (else the origin's wins). */
  override: boolean;
}

type TemplateObject = { [key: string]: TemplateValue };
const isObject = (v: TemplateValue | undefined): v is TemplateObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const refOf = (v: TemplateValue | undefined) => (isObject(v) && typeof v.Ref === 'string' ? v.Ref : undefined);

/** The headers one ResponseHeadersPolicyConfig adds (the security headers the project uses, and custom ones). */
export function policyHeaders(config: TemplateObject): PolicyHeader[] {
  const headers: PolicyHeader[] = [];
  const security = isObject(config.SecurityHeadersConfig) ? config.SecurityHeadersConfig : {};
  const nosniff = security.ContentTypeOptions;
  if (isObject(nosniff)) headers.push({ name: 'x-content-type-options', value: 'nosniff', override: nosniff.Override === true });
  const csp = security.ContentSecurityPolicy;
  if (isObject(csp) && typeof csp.ContentSecurityPolicy === 'string') {
    headers.push({ name: 'content-security-policy', value: csp.ContentSecurityPolicy, override: csp.Override === true });
  }
  const frame = security.FrameOptions;
  if (isObject(frame) && typeof frame.FrameOption === 'string') headers.push({ name: 'x-frame-options', value: frame.FrameOption, override: frame.Override === true });
  const referrer = security.ReferrerPolicy;
  if (isObject(referrer) && typeof referrer.ReferrerPolicy === 'string') {
    headers.push({ name: 'referrer-policy', value: referrer.ReferrerPolicy, override: referrer.Override === true });
  }
  const custom = isObject(config.CustomHeadersConfig) && Array.isArray(config.CustomHeadersConfig.Items) ? config.CustomHeadersConfig.Items : [];
  for (const item of custom) {
    if (isObject(item) && typeof item.Header === 'string' && typeof item.Value === 'string') {
      headers.push({ name: item.Header.toLowerCase(), value: item.Value, override: item.Override === true });
    }
  }
  return headers;
}

/** The media distribution's policy headers; none if it has no policy. Fails on a policy it cannot read. */
export function mediaResponseHeaders(template: Template): PolicyHeader[] {
  const resources = template.Resources ?? {};
  const media = Object.values(resources).find((r) => {
    const config = r.Properties?.DistributionConfig;
    return r.Type === 'AWS::CloudFront::Distribution' && isObject(config) && isObject(config.DefaultCacheBehavior) && Array.isArray(config.DefaultCacheBehavior.TrustedKeyGroups);
  });
  const behavior = media?.Properties?.DistributionConfig;
  const policyRef = isObject(behavior) && isObject(behavior.DefaultCacheBehavior) ? behavior.DefaultCacheBehavior.ResponseHeadersPolicyId : undefined;
  if (policyRef === undefined) return [];
  const policyId = refOf(policyRef);
  const policy = policyId ? resources[policyId] : undefined;
  const config = policy?.Properties?.ResponseHeadersPolicyConfig;
  // A managed policy (a literal id) or a reference we cannot follow: refuse rather than serve without its headers.
  if (!policy || policy.Type !== 'AWS::CloudFront::ResponseHeadersPolicy' || !isObject(config)) {
    throw new Error(`the media distribution's response headers policy ${JSON.stringify(policyRef)} is not one the local media endpoint can read from the template`);
  }
  return policyHeaders(config);
}
