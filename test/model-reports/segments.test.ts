/**
 * Debtor segments through the API: set at registration and replaced with PUT …/segments, validated
 * against the schema (unknown segments and values refused with the failing field named), cleared
 * with {}, part of the GDPR export, creditor role only, and another tenant's key gets 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

describe('debtor segments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false } });
  }, 60_000);
  afterAll(async () => t?.close());

  const post = (payload: Record<string, unknown>, key = t.tenantA.keys.creditor) => t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(key), payload });
  const put = (debtorId: string, payload: unknown, key = t.tenantA.keys.creditor) =>
    t.app.inject({ method: 'PUT', url: `/v1/debtors/${debtorId}/segments`, headers: bearer(key), payload: payload as Record<string, unknown> });

  it('stores the segments given at registration and shows them on the debtor', async () => {
    const created = await post({ externalRef: 'seg-1', segments: { household_type: 'single_parent', income_source: 'bijstand', age_band: '25-34', region: 'Zuid-Nederland' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().segments).toEqual({ household_type: 'single_parent', income_source: 'bijstand', age_band: '25-34', region: 'Zuid-Nederland' });
    const read = await t.app.inject({ url: `/v1/debtors/${created.json().id}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(read.json().segments).toEqual(created.json().segments);
    // A debtor registered without segments has none (null), not an empty object.
    expect((await post({ externalRef: 'seg-none' })).json().segments).toBeNull();
  });

  it('refuses unknown segments and values, naming the field', async () => {
    const badValue = await post({ externalRef: 'seg-bad', segments: { age_band: '30-40' } });
    expect(badValue.statusCode).toBe(400);
    expect(badValue.json().code).toBe('validation_failed');
    expect(badValue.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/segments/age_band');
    const unknown = await post({ externalRef: 'seg-bad', segments: { religion: 'x' } });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().errors)).toContain('religion');
    const created = (await post({ externalRef: 'seg-2' })).json();
    const wrongType = await put(created.id, { region: 7 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].pointer).toBe('/region');
    // Nothing was stored by the refused requests.
    expect((await t.app.inject({ url: '/v1/debtors?externalRef=seg-bad', headers: bearer(t.tenantA.keys.creditor) })).json().items).toEqual([]);
  });

  it('replaces the whole set with PUT, clears it with {}, and audits the change without values', async () => {
    const debtor = (await post({ externalRef: 'seg-3', segments: { household_type: 'couple', region: 'Noord-Nederland' } })).json();
    const replaced = await put(debtor.id, { income_source: 'pension' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().segments).toEqual({ income_source: 'pension' });
    const cleared = await put(debtor.id, {});
    expect(cleared.json().segments).toBeNull();
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', t.tenantA.id).where('subject_id', '=', debtor.id).where('action', '=', 'debtor.segments_updated').execute();
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain('pension');
  });

  it('is part of the GDPR export', async () => {
    const debtor = (await post({ externalRef: 'seg-4', segments: { age_band: '67+' } })).json();
    const exported = await t.app.inject({ url: `/v1/debtors/${debtor.id}/export`, headers: bearer(t.tenantA.keys.creditor) });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().debtor.segments).toEqual({ age_band: '67+' });
  });

  it('is the creditor’s to set: other roles get 403, another tenant 404 and changes nothing', async () => {
    const debtor = (await post({ externalRef: 'seg-5', segments: { region: 'Oost-Nederland' } })).json();
    expect((await put(debtor.id, { region: 'West-Nederland' }, t.tenantA.keys.analyst)).statusCode).toBe(403);
    const other = await put(debtor.id, { region: 'West-Nederland' }, t.tenantB.keys.creditor);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('not_found');
    const read = await t.app.inject({ url: `/v1/debtors/${debtor.id}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(read.json().segments).toEqual({ region: 'Oost-Nederland' });
  });
});
