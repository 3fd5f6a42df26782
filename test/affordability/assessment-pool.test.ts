/**
 * A report computed in a worker thread is the report computed on the event loop: same debtor, same
 * data, deep-equal, including the debtor's category corrections and the tenant's rules; a date without
 * norms is refused the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import { addMonths } from '../../src/platform/dates.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { createDebtorWithConsent, today, upload } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { householdStatement } from '../repayment-plans/plan-support.js';

const TODAY = today();

describe('the affordability assessment in worker threads', () => {
  let t: TestApp;
  let debtorId = '';
  const pooled = new AffordabilityEngine({ reportCache: null, workers: { size: 1, maxHeapMb: 256 } });
  const inline = new AffordabilityEngine({ reportCache: null, workers: null });

  beforeAll(async () => {
    t = await createTestApp();
    ({ debtorId } = await createDebtorWithConsent(t, t.tenantA, 'pool-debtor'));
    const statement = householdStatement({ salaryCents: 300_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, `${addMonths(TODAY, -13).slice(0, 7)}-01`, TODAY);
    expect((await upload(t, t.tenantA, debtorId, writeBerlinGroupTransactions(statement), { contentType: 'application/json' })).statusCode).toBe(201);
    const transactions = await t.app.inject({ url: `/v1/debtors/${debtorId}/transactions?limit=3`, headers: bearer(t.tenantA.keys.creditor) });
    const id = transactions.json().items[2].id as string;
    const corrected = await t.app.inject({ method: 'PUT', url: `/v1/debtors/${debtorId}/transactions/${id}/category`, headers: bearer(t.tenantA.keys.creditor), payload: { category: 'expense.gambling' } });
    expect(corrected.statusCode, corrected.body).toBe(200);
  });
  afterAll(async () => {
    await pooled.close();
    await t?.close();
  });

  it('gives the same report as the event loop', async () => {
    for (const asOf of [TODAY, addMonths(TODAY, -2)]) {
      const [a, b] = await Promise.all([pooled.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf, today: TODAY }), inline.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf, today: TODAY })]);
      expect(a).toEqual(b);
      expect(a.monthsAssessed.length).toBeGreaterThan(0);
    }
  });

  it('refuses a date without norms as the event loop does', async () => {
    await expect(pooled.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf: '1990-01-31', today: TODAY })).rejects.toMatchObject({ code: 'unprocessable_entity' });
    await expect(inline.assessStored(t.database.db, t.tenantA.id, debtorId, { asOf: '1990-01-31', today: TODAY })).rejects.toMatchObject({ code: 'unprocessable_entity' });
  });
});
