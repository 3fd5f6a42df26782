/**
 * Bank connections through the API on a real database: admins only, secrets write-only (never in a
 * response, sealed in the database so a dump does not show them), validation of URLs and settings,
 * tenant isolation, and the seal itself (a sealed value does not open in another row or with another key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretSeal } from '../../src/bank-connections/secret-seal.js';
import { ProviderRegistry, bankConnectionRow } from '../../src/bank-connections/bank-connections.service.js';
import { ensureDemoBankConnection } from '../../src/bank-connections/demo-connection.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-very-secret-key\n-----END PRIVATE KEY-----';
const CLIENT_SECRET = 'client-secret-that-must-never-show-7f3a';

describe('bank connections API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { bankConnectionAllowHttpLocalhost: true } });
  });
  afterAll(async () => t.close());

  const admin = () => bearer(t.tenantA.keys.admin);
  const create = (payload: Record<string, unknown>, headers = admin()) => t.app.inject({ method: 'POST', url: '/v1/bank-connections', headers, payload });

  it('creates a connection whose secrets are never answered and are sealed at rest', async () => {
    const res = await create({
      displayName: 'Voorbeeldbank',
      kind: 'xs2a',
      baseUrl: 'https://api.voorbeeldbank.example/psd2/',
      settings: { historyDays: 400, certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', oauthTokenUrl: 'https://api.voorbeeldbank.example/token', oauthClientId: 'draagkracht' },
      secrets: { privateKeyPem: PRIVATE_KEY, oauthClientSecret: CLIENT_SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ displayName: 'Voorbeeldbank', kind: 'xs2a', baseUrl: 'https://api.voorbeeldbank.example/psd2', enabled: true, secretNames: ['oauthClientSecret', 'privateKeyPem'] });
    expect(res.body).not.toContain('very-secret-key');
    expect(res.body).not.toContain(CLIENT_SECRET);

    for (const url of ['/v1/bank-connections', `/v1/bank-connections/${created.id}`]) {
      const read = await t.app.inject({ url, headers: admin() });
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain(CLIENT_SECRET);
      expect(read.body).not.toContain('very-secret-key');
    }

    const row = await t.database.db.selectFrom('bank_connections').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(row)).not.toContain('very-secret-key');
    const seal = new SecretSeal(null, t.config.linkTokenSecret!);
    expect(seal.open(row.secrets_sealed!, { tenantId: 'tenant-a', connectionId: created.id })).toEqual({ privateKeyPem: PRIVATE_KEY, oauthClientSecret: CLIENT_SECRET });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', 'tenant-a').execute();
    expect(JSON.stringify(audit)).not.toContain(CLIENT_SECRET);
  });

  it('PATCH changes fields; secrets sent replace all secrets; the kind cannot change', async () => {
    const created = (await create({ displayName: 'Bank B', kind: 'xs2a', baseUrl: 'https://b.example', settings: { oauthTokenUrl: 'https://b.example/token', oauthClientId: 'x' }, secrets: { oauthClientSecret: 'one' } })).json();
    const renamed = await t.app.inject({ method: 'PATCH', url: `/v1/bank-connections/${created.id}`, headers: admin(), payload: { displayName: 'Bank B2', enabled: false } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ displayName: 'Bank B2', enabled: false, secretNames: ['oauthClientSecret'] });
    const cleared = await t.app.inject({ method: 'PATCH', url: `/v1/bank-connections/${created.id}`, headers: admin(), payload: { secrets: {} } });
    expect(cleared.json().secretNames).toEqual([]);
    const kind = await t.app.inject({ method: 'PATCH', url: `/v1/bank-connections/${created.id}`, headers: admin(), payload: { kind: 'gocardless' } });
    expect(kind.statusCode).toBe(400);
  });

  it.each([
    ['plain http to a public host', { baseUrl: 'http://bank.example' }, '/baseUrl'],
    ['a private address', { baseUrl: 'https://10.1.2.3/psd2' }, '/baseUrl'],
    ['credentials in the URL', { baseUrl: 'https://user:pw@bank.example' }, '/baseUrl'],
    ['a certificate without its key', { settings: { certificatePem: '-----BEGIN CERTIFICATE-----' } }, '/secrets/privateKeyPem'],
    ['an unknown setting', { settings: { password: 'x' } }, '/settings'],
    ['an unknown secret', { secrets: { password: 'x' } }, '/secrets'],
  ])('refuses %s (400, field named)', async (_name, change, pointer) => {
    const res = await create({ displayName: 'X', kind: 'xs2a', baseUrl: 'https://bank.example', ...change });
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.stringify(res.json().errors ?? [])).toContain(pointer);
  });

  it('a gocardless connection needs its secret id and key', async () => {
    const res = await create({ displayName: 'Via GoCardless', kind: 'gocardless', baseUrl: 'https://bankaccountdata.gocardless.com', settings: { institutionId: 'ING_INGBNL2A' } });
    expect(res.statusCode).toBe(400);
    const ok = await create({ displayName: 'Via GoCardless', kind: 'gocardless', baseUrl: 'https://bankaccountdata.gocardless.com', settings: { institutionId: 'ING_INGBNL2A' }, secrets: { secretId: 'id', secretKey: 'key' } });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('http on localhost is accepted only when allowed (sandbox, tests)', async () => {
    const res = await create({ displayName: 'Sandbox', kind: 'xs2a', baseUrl: 'http://127.0.0.1:4010' });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('builds the provider of each kind: the XS2A client, or the GoCardless adapter with the opened secrets', async () => {
    const registry = new ProviderRegistry(new SecretSeal(null, t.config.linkTokenSecret!));
    const gc = (await create({ displayName: 'GC', kind: 'gocardless', baseUrl: 'https://bankaccountdata.gocardless.com', settings: { institutionId: 'ING_INGBNL2A' }, secrets: { secretId: 'id', secretKey: 'key' } })).json();
    const xs2a = (await create({ displayName: 'XS', kind: 'xs2a', baseUrl: 'https://bank.example' })).json();
    expect(registry.providerFor(await bankConnectionRow(t.database.db, 'tenant-a', gc.id)).kind).toBe('gocardless');
    expect(registry.providerFor(await bankConnectionRow(t.database.db, 'tenant-a', xs2a.id)).kind).toBe('xs2a');
  });

  it('the demo connection is created once and follows the sandbox’s address', async () => {
    const first = await ensureDemoBankConnection(t.database.db, 'tenant-b', 'http://127.0.0.1:4010/');
    const again = await ensureDemoBankConnection(t.database.db, 'tenant-b', 'http://127.0.0.1:4020');
    expect(again).toBe(first);
    const listed = (await t.app.inject({ url: '/v1/bank-connections', headers: bearer(t.tenantB.keys.admin) })).json().items;
    expect(listed).toMatchObject([{ id: first, baseUrl: 'http://127.0.0.1:4020', kind: 'xs2a', enabled: true }]);
  });

  it('is for admins, and for the own tenant only', async () => {
    expect((await create({ displayName: 'X', kind: 'xs2a', baseUrl: 'https://bank.example' }, bearer(t.tenantA.keys.creditor))).statusCode).toBe(403);
    const created = (await create({ displayName: 'Mine', kind: 'xs2a', baseUrl: 'https://bank.example' })).json();
    const other = bearer(t.tenantB.keys.admin);
    expect((await t.app.inject({ url: `/v1/bank-connections/${created.id}`, headers: other })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/bank-connections/${created.id}`, headers: other, payload: { enabled: false } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/bank-connections/${created.id}`, headers: other })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/bank-connections', headers: other })).body).not.toContain(created.id);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/bank-connections/${created.id}`, headers: admin() })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/v1/bank-connections/${created.id}`, headers: admin() })).statusCode).toBe(404);
  });
});

describe('secret seal', () => {
  const context = { tenantId: 'tenant-a', connectionId: '3b0c7c1e-6a43-4f57-9a52-6f0d1e0a1b2c' };
  it('opens only for the same key and the same row', () => {
    const seal = new SecretSeal('k'.repeat(40), 'link-secret');
    const sealed = seal.seal({ secretKey: 'abc' }, context);
    expect(sealed).not.toContain('abc');
    expect(seal.open(sealed, context)).toEqual({ secretKey: 'abc' });
    expect(seal.seal({ secretKey: 'abc' }, context)).not.toBe(sealed);
    expect(() => seal.open(sealed, { ...context, tenantId: 'tenant-b' })).toThrow();
    expect(() => seal.open(sealed, { ...context, connectionId: 'a7a2b8a6-0000-4000-8000-000000000000' })).toThrow();
    expect(() => new SecretSeal('j'.repeat(40), 'link-secret').open(sealed, context)).toThrow();
    // Without a configured key, the key comes from the link-token secret: another secret, another key.
    expect(() => new SecretSeal(null, 'link-secret-2').open(new SecretSeal(null, 'link-secret').seal({ a: 'b' }, context), context)).toThrow();
  });
});
