import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { revokeApiKey } from '../../src/tenants/api-key.service.js';

describe('HTTP plumbing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { bodyLimitBytes: 4096 } });
  });
  afterAll(async () => t.close());

  it('answers liveness and readiness', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: t.database.kind });
  });

  it('echoes a sane request id and generates one otherwise', async () => {
    const echoed = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const generated = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a missing API key with 401 missing_api_key as problem+json', async () => {
    const res = await t.app.inject({ url: '/v1/tenant' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, code: 'missing_api_key', type: expect.stringContaining('missing-api-key'), title: expect.any(String), detail: expect.any(String) });
  });

  it('refuses malformed Authorization headers and unknown keys with 401 invalid_api_key', async () => {
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer dk_notakey', `Bearer ${t.tenantA.keys.admin}x`]) {
      const res = await t.app.inject({ url: '/v1/tenant', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().code).toBe('invalid_api_key');
    }
  });

  it('stops accepting a key the moment it is revoked', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin), payload: { role: 'creditor', label: 'to revoke' } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    expect((await t.app.inject({ url: '/v1/tenant', headers: bearer(key) })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: bearer(t.tenantA.keys.admin) });
    expect(revoked.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/v1/tenant', headers: bearer(key) });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('invalid_api_key');
    await expect(revokeApiKey(t.database.db, t.tenantA.id, id)).resolves.toBeUndefined();
  });

  it('refuses the wrong role with 403 forbidden_role', async () => {
    const res = await t.app.inject({ url: '/v1/api-keys', headers: bearer(t.tenantA.keys.creditor) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden_role');
  });

  it('refuses malformed JSON with 400 malformed_json', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...bearer(t.tenantA.keys.admin), 'content-type': 'application/json' }, payload: '{"role":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('malformed_json');
  });

  it('refuses an unsupported content type with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...bearer(t.tenantA.keys.admin), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'role=admin' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_media_type');
  });

  it('refuses an oversized body with 413', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin), payload: { role: 'admin', label: 'x'.repeat(10_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('names unknown fields and bad values with JSON pointers', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin), payload: { role: 'root', extra: 1 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', pointer: '/extra', message: 'unknown field' }),
        expect.objectContaining({ in: 'body', pointer: '/role', message: expect.stringContaining('must be one of') }),
      ]),
    );
  });

  it('does not coerce body types: a number sent as a string is an error', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin), payload: { role: 'admin', label: 5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ pointer: '/label' });
  });

  it('validates path parameters', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: bearer(t.tenantA.keys.admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ in: 'params', pointer: '/keyId' });
  });

  it('answers unknown routes with 404 route_not_found', async () => {
    const res = await t.app.inject({ url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('route_not_found');
  });

  it('never leaks internals on a 500', async () => {
    t.app.log.level = 'silent';
    const closed = await createTestApp();
    await closed.database.close();
    const res = await closed.app.inject({ url: '/v1/tenant', headers: bearer(closed.tenantA.keys.admin) });
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect(res.body).not.toMatch(/at .*\.ts|select|stack/i);
    await closed.app.close();
  });

  it('serves the API documentation at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });

  it('lists and creates keys only within the caller’s tenant', async () => {
    const listA = (await t.app.inject({ url: '/v1/api-keys', headers: bearer(t.tenantA.keys.admin) })).json().items as { id: string }[];
    const listB = (await t.app.inject({ url: '/v1/api-keys', headers: bearer(t.tenantB.keys.admin) })).json().items as { id: string }[];
    expect(listA.map((k) => k.id)).toContain(t.tenantA.keyIds.creditor);
    expect(listA.map((k) => k.id)).not.toContain(t.tenantB.keyIds.creditor);
    expect(listB.map((k) => k.id)).not.toContain(t.tenantA.keyIds.creditor);
    expect(JSON.stringify(listA)).not.toMatch(/dk_[A-Za-z0-9_-]{20,}/);
  });
});
