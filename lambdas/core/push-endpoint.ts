import { BlockList, isIP } from 'node:net';

/*
 * Where a push may be sent (SSRF): a subscription's endpoint is a URL the browser got from its push
 * service, but the client sends it to us, so it could name anything. Only https to a public address,
 * checked when subscribing and again at every connection (the resolved address: a public name can
 * resolve to a private one). The local cloud alone may allow `http(s)://127.0.0.1:<port>`, for its push service.
 */

/** Endpoints longer than this are refused (browsers' push services use well under 1 KB). */
export const MAX_ENDPOINT_LENGTH = 1024;

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** The one private address the local cloud may allow. */
export const LOOPBACK = '127.0.0.1';

/** Whether a resolved address may be connected to. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (allowLoopback && address === LOOPBACK) return true;
  return !PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why an endpoint URL is refused, or undefined when it may be used. */
export function endpointProblem(endpoint: string, allowLoopback: boolean): string | undefined {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return 'too long';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'credentials in the URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = allowLoopback && host === LOOPBACK;
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) return 'not https';
  if (isIP(host) !== 0) return addressAllowed(host, allowLoopback) ? undefined : 'a private address';
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'not a public host name';
  return undefined;
}
