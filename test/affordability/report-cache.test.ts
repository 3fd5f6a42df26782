/**
 * Reports of unchanged debtors come from the cache, and every change that can change a report makes
 * the next one fresh: a new upload, a category correction, the tenant's norm overrides, the debtor's
 * household; a consent that ends stops the cache at once. On a real database (PGlite or PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import { AffordabilityReportCache } from '../../src/affordability/report-cache.js';
import { addMonths } from '../../src/platform/dates.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { createDebtorWithConsent, today, upload } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { debitsStatement, householdStatement } from '../repayment-plans/plan-support.js';

const TODAY = today();

// Twice: with the app's change feed (memory the database's notifications invalidate; what the service
// runs) and without one (the data-version query decides; what runs while the feed is not listening).
describe.each([
  ['with the change feed', true],
  ['with the data-version query', false],
])('the affordability report cache, %s', (_mode, withFeed) => {
  let t: TestApp;
  let debtorId = '';
  let consentId = '';
  let engine: AffordabilityEngine;
  const report = () => engine.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf: TODAY, today: TODAY });

  beforeAll(async () => {
    t = await createTestApp();
    engine = new AffordabilityEngine(withFeed ? { changes: t.app.changeFeed } : {});
    await t.app.ready();
    ({ debtorId, consentId } = await createDebtorWithConsent(t, t.tenantA, 'cache-debtor'));
    const statement = householdStatement({ salaryCents: 280_000, rentCents: 90_000, energyCents: 11_000, groceriesPerWeekCents: 8_000 }, `${addMonths(TODAY, -13).slice(0, 7)}-01`, TODAY);
    const res = await upload(t, t.tenantA, debtorId, writeBerlinGroupTransactions(statement), { contentType: 'application/json' });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
  });
  afterAll(async () => t?.close());

  it('serves an unchanged debtor from the cache and recomputes after each kind of change', async () => {
    const cache = engine.reports!;
    const first = await report();
    expect(cache.misses).toBe(1);
    const second = await report();
    expect(cache.hits).toBe(1);
    expect(second).toBe(first);

    // New bank data: a fresh report that sees it.
    const extra = debitsStatement([{ date: addMonths(TODAY, -1), amountCents: 12_345, counterpartyIban: 'NL20INGB0001234567', remittance: 'extra afschrijving' }]);
    expect((await upload(t, t.tenantA, debtorId, writeBerlinGroupTransactions(extra), { contentType: 'application/json' })).statusCode).toBe(201);
    const afterUpload = await report();
    expect(afterUpload).not.toBe(first);
    expect(cache.misses).toBe(2);
    expect(await report()).toBe(afterUpload);

    // A correction of one transaction's category.
    const transactions = await t.app.inject({ url: `/v1/debtors/${debtorId}/transactions?limit=5`, headers: bearer(t.tenantA.keys.creditor) });
    const transactionId = transactions.json().items[0].id as string;
    const corrected = await t.app.inject({ method: 'PUT', url: `/v1/debtors/${debtorId}/transactions/${transactionId}/category`, headers: bearer(t.tenantA.keys.creditor), payload: { category: 'uncategorised' } });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const afterCorrection = await report();
    expect(afterCorrection).not.toBe(afterUpload);

    // The tenant's norm overrides.
    const put = await t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: bearer(t.tenantA.keys.admin), payload: { overrides: { assessmentPolicy: [{ validFrom: '2026-01-01', maxMonthsAssessed: 6 }] } } });
    expect(put.statusCode, put.body).toBe(200);
    const afterNorms = await report();
    expect(afterNorms).not.toBe(afterCorrection);
    expect(afterNorms.monthsAssessed).toHaveLength(6);

    // A household given with the request is never served from (or stored in) the cache.
    const hitsBefore = cache.hits;
    const couple = await engine.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf: TODAY, today: TODAY, household: { composition: 'couple' } });
    expect(couple).not.toBe(afterNorms);
    expect(cache.hits).toBe(hitsBefore);
    expect(await report()).toBe(afterNorms);

    // Another as-of date is another report.
    const earlier = await engine.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf: addMonths(TODAY, -1), today: TODAY });
    expect(earlier.asOf).toBe(addMonths(TODAY, -1));

    // The consent ends: no report, from the cache or otherwise.
    const ended = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(ended.statusCode, ended.body).toBe(200);
    await expect(report()).rejects.toMatchObject({ code: 'consent_required' });
  });
});

describe('the report cache’s bounds', () => {
  it('keeps a bounded number of entries, each for a limited time', () => {
    let now = 0;
    const cache = new AffordabilityReportCache({ maxEntries: 2, ttlMs: 1000 }, () => now);
    const r = (n: number) => ({ asOf: `2026-01-0${n}` }) as never;
    cache.set('a', 'v1', r(1));
    cache.set('b', 'v1', r(2));
    expect(cache.get('a', 'v1')).toEqual(r(1));
    cache.set('c', 'v1', r(3));
    // b was the least recently used.
    expect(cache.get('b', 'v1')).toBeNull();
    expect(cache.size).toBe(2);
    expect(cache.get('a', 'v2')).toBeNull();
    now = 1001;
    expect(cache.get('c', 'v1')).toBeNull();
  });
});
