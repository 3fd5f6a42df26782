/**
 * Mutual TLS as banks ask it (the TPP's eIDAS QWAC): a local https server that accepts only clients
 * with a certificate of its CA. The client with the connection's certificate and key gets in (the
 * server sees our certificate's subject); without them the handshake fails and the call is
 * `unavailable`, never an unhandled error. Certificates are made for this run with openssl.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/bank-connections/provider.js';
import { Xs2aClient } from '../../src/bank-connections/xs2a-client.js';

const OPENSSL = '/usr/bin/openssl';

describe.skipIf(!existsSync(OPENSSL))('XS2A client with a client certificate (mTLS)', () => {
  let dir = '';
  let server: https.Server;
  let base = '';
  const pem: Record<string, string> = {};
  const seenSubjects: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'xs2a-mtls-'));
    const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Test QTSP');
    writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    for (const [name, subject, ext] of [
      ['server', '/CN=127.0.0.1', ['-extfile', 'server.ext']],
      ['client', '/CN=Draagkracht TPP/organizationIdentifier=PSDNL-DNB-TEST', []],
    ] as const) {
      run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...ext);
    }
    // A certificate the bank's CA never issued (self-signed): what a misconfigured connection presents.
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=Someone');
    for (const file of ['ca.crt', 'server.key', 'server.crt', 'client.key', 'client.crt', 'rogue.key', 'rogue.crt']) pem[file] = readFileSync(path.join(dir, file), 'utf8');
    server = https.createServer({ key: pem['server.key'], cert: pem['server.crt'], ca: pem['ca.crt'], requestCert: true, rejectUnauthorized: true }, (request, response) => {
      seenSubjects.push(String((request.socket as TLSSocket).getPeerCertificate().subject?.CN));
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': String(request.headers['x-request-id']) });
      response.end(JSON.stringify({ consentStatus: 'valid' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('presents the connection’s certificate and is let in', async () => {
    const client = new Xs2aClient({ baseUrl: base, tls: { certificatePem: pem['client.crt']!, privateKeyPem: pem['client.key']!, caPem: pem['ca.crt']! } });
    expect(await client.consentStatus({ providerConsentId: 'c-1' })).toBe('valid');
    expect(seenSubjects).toEqual(['Draagkracht TPP']);
    client.close();
  });

  it('with a certificate the bank does not trust, the handshake fails: unavailable, nothing reached the bank', async () => {
    const client = new Xs2aClient({ baseUrl: base, requestTimeoutMs: 3000, tls: { certificatePem: pem['rogue.crt']!, privateKeyPem: pem['rogue.key']!, caPem: pem['ca.crt']! } });
    const error = await client.consentStatus({ providerConsentId: 'c-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('unavailable');
    expect(seenSubjects).toEqual(['Draagkracht TPP']);
    client.close();
  });
});
