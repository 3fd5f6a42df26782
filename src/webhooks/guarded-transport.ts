/**
 * The webhook sender's HTTP transport: a fetch-compatible function that refuses to connect to an
 * address outside the public internet, checked on the address the connection actually uses.
 *
 * Checking the URL when the endpoint is registered catches IP literals only; a host name can resolve
 * to 10.0.0.5 or 169.254.169.254 (cloud metadata) at send time, and checking DNS first and connecting
 * later can be defeated by a second answer (DNS rebinding). So the check sits in the socket's own
 * `lookup`: the address that is validated is the address connected to. Loopback is allowed only when
 * the endpoint's host is literally localhost / 127.0.0.1 / [::1] and the deployment allows plain-http
 * localhost (development and tests).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Every range that is not the public internet, IPv4 and IPv6 (IANA special-purpose registries). */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is refused outright: no receiver needs it, and BlockList would
  // otherwise match every IPv4 address against a ::ffff:0:0/96 rule.
  if (family === 6 && /^::ffff:/i.test(address)) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class RefusedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public internet address: not sent`);
    this.name = 'RefusedAddressError';
  }
}

export interface GuardedFetchOptions {
  /** Loopback for endpoints whose host is literally localhost (WEBHOOK_ALLOW_HTTP_LOCALHOST). */
  allowLoopback: boolean;
  /** The resolver (injectable for tests); node's dns.lookup by default. */
  lookup?: typeof dnsLookup;
}

function guardedLookup(host: string, options: GuardedFetchOptions): LookupFunction {
  const resolve = options.lookup ?? dnsLookup;
  const loopbackAllowed = options.allowLoopback && LOCAL_HOSTNAMES.has(host);
  const allowed = (address: string) => !isNonPublicAddress(address) || (loopbackAllowed && LOOPBACK.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6'));
  return (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: isIP(String(addresses)) }]) as LookupAddress[];
      // Every answer must be public: otherwise a round-robin answer could still reach inside.
      const refused = list.find((a) => !allowed(a.address));
      if (refused || list.length === 0) return callback(new RefusedAddressError(hostname, refused?.address ?? 'nothing'), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * A fetch for webhook POSTs: no redirects followed (a 3xx is the answer), the body discarded, the
 * signal's reason (e.g. a TimeoutError) as the error when it aborts.
 */
export function guardedFetch(options: GuardedFetchOptions): typeof fetch {
  // Own connection pools: a kept-alive socket was checked when it connected under THIS policy; the
  // global agent's sockets may have been opened by anyone, unchecked.
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const send = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const host = url.hostname;
    const literal = host.startsWith('[') ? host.slice(1, -1) : host;
    if (isIP(literal) !== 0 && isNonPublicAddress(literal) && !(options.allowLoopback && LOCAL_HOSTNAMES.has(host) && LOOPBACK.check(literal, isIP(literal) === 4 ? 'ipv4' : 'ipv6'))) {
      return Promise.reject(new RefusedAddressError(host, literal));
    }
    const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
    if (!request) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, {
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        lookup: guardedLookup(host, options),
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        ...(signal ? { signal } : {}),
      }, (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => {
          try {
            resolve(new Response(null, { status: res.statusCode ?? 0 }));
          } catch (caught) {
            reject(caught instanceof Error ? caught : new Error(String(caught)));
          }
        });
        res.on('error', reject);
      });
      req.on('error', (error) => reject(signal?.aborted ? (signal.reason as Error) : error));
      if (init.body !== undefined && init.body !== null) req.write(init.body as string);
      req.end();
    });
  };
  return send as typeof fetch;
}
