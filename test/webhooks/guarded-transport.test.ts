/**
 * The webhook transport refuses addresses outside the public internet on the address it connects to:
 * IP literals, host names whose DNS answer points inside (one bad answer in a round robin is enough),
 * and loopback unless the endpoint is literally localhost and the deployment allows it. A real
 * receiver on 127.0.0.1 shows the allowed path works.
 */
import type { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, isNonPublicAddress, RefusedAddressError } from '../../src/webhooks/guarded-transport.js';
import { startReceiver, type Receiver } from './webhooks-support.js';

/** A resolver answering from a table, as DNS (or an attacker's DNS) would. */
function fakeDns(table: Record<string, string[]>) {
  return ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as unknown as typeof dnsLookup;
}

describe('guarded webhook transport', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  const post = (send: typeof fetch, url: string) => send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ping":1}', signal: AbortSignal.timeout(2_000) });

  it('knows the non-public ranges, IPv4 and IPv6, and leaves public addresses alone', () => {
    for (const address of ['10.1.2.3', '172.31.255.1', '192.168.0.10', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '145.220.0.1', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001::200e']) {
      expect(isNonPublicAddress(address), address).toBe(false);
    }
  });

  it('sends to a receiver on localhost only when loopback is allowed for a literal local host', async () => {
    const port = new URL(receiver.url).port;
    receiver.received.length = 0;
    const allowed = await post(guardedFetch({ allowLoopback: true }), receiver.url);
    expect(allowed.status).toBe(204);
    expect(receiver.received.map((r) => r.json)).toEqual([{ ping: 1 }]);
    const viaName = await post(guardedFetch({ allowLoopback: true }), `http://localhost:${port}/hooks`);
    expect(viaName.status).toBe(204);
    await expect(post(guardedFetch({ allowLoopback: false }), receiver.url)).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(post(guardedFetch({ allowLoopback: false }), `http://localhost:${port}/hooks`)).rejects.toThrow(/not a public internet address/);
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses a host name whose DNS answer points inside, even with loopback allowed, before any byte is sent', async () => {
    const port = new URL(receiver.url).port;
    const dns = fakeDns({ 'rebind.example.test': ['127.0.0.1'], 'metadata.example.test': ['169.254.169.254'], 'mixed.example.test': ['93.184.216.34', '10.0.0.7'] });
    receiver.received.length = 0;
    for (const host of ['rebind.example.test', 'metadata.example.test', 'mixed.example.test']) {
      await expect(post(guardedFetch({ allowLoopback: true, lookup: dns }), `http://${host}:${port}/hooks`), host).rejects.toBeInstanceOf(RefusedAddressError);
    }
    expect(receiver.received).toHaveLength(0);
    // An IP literal inside is refused without a lookup; a DNS failure is an ordinary (retryable) error.
    await expect(post(guardedFetch({ allowLoopback: true }), 'https://10.0.0.7/hooks')).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(post(guardedFetch({ allowLoopback: true, lookup: dns }), 'https://unknown.example.test/hooks')).rejects.toThrow(/ENOTFOUND/);
  });

  it('answers with the receiver’s status, follows no redirect, and gives the timeout as the error', async () => {
    receiver.status = 302;
    const redirected = await post(guardedFetch({ allowLoopback: true }), receiver.url);
    expect(redirected.status).toBe(302);
    receiver.status = 204;
    // A receiver that takes the request and never answers: the signal's timeout ends it, as a TimeoutError.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const failure = await post(guardedFetch({ allowLoopback: true }), `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks`).then(
      () => null,
      (error: unknown) => error as Error,
    );
    silent.closeAllConnections();
    silent.close();
    expect(failure?.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
