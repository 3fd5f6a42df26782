/**
 * The affordability report through the API, on a simulated world loaded through the front door:
 * the learned income days must match the world's true paydays, the bring-your-own variant must give
 * the same report without storing anything, and the consent's purpose and the tenant's norms count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtorWithConsent } from '../support/flows.js';

const TODAY = '2026-11-23';

describe('affordability report through the API', () => {
  let t: TestApp;
  let households: SimulatedHousehold[];
  let loaded: LoadedHousehold[];
  const get = (url: string, key = t.tenantA.keys.creditor) => t.app.inject({ url, headers: bearer(key) });

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
    households = [...simulateHouseholds({ households: 12, months: 14, seed: 42, truthRuns: 2, startDate: worldStartEndingToday(TODAY, 14) })];
    loaded = await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: TODAY });
  });
  afterAll(async () => t.close());

  it('learns the salary payday of salaried debtors within ±2 days of the truth', async () => {
    let checked = 0;
    for (const [i, h] of households.entries()) {
      const salary = h.truth.incomeStreams.find((s) => s.kind === 'salary' && s.earner === 'debtor' && s.activeAtEnd && s.payments >= 6);
      if (!salary) continue;
      const res = await get(`/v1/debtors/${loaded[i]!.debtorId}/affordability?asOf=${TODAY}`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const report = res.json();
      const salaryDay = report.incomeDays.find((d: { category: string; source: string }) => d.category === 'income.salary' && d.source === 'learned');
      expect(salaryDay, h.debtorRef).toBeDefined();
      // Each observed payment the schedule reproduces within the window counts; the learned schedule must predict the true next payday.
      const trueNext = h.accounts.flatMap((a) => a.transactions).filter((x) => x.counterpartyName === salary.payerName && x.amountCents > 0).map((x) => x.bookingDate).sort().at(-1)!;
      expect(salaryDay.observedDates).toContain(trueNext);
      expect(salaryDay.exactHitRate).toBeGreaterThanOrEqual(0.8);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('never proposes an instalment that takes income below the protected amount', async () => {
    for (const l of loaded) {
      const report = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
      const { lowCents, highCents } = report.affordableInstalment;
      expect(lowCents).toBeGreaterThanOrEqual(0);
      expect(highCents).toBeGreaterThanOrEqual(lowCents);
      const averageIncome = report.average.stableIncomeCents + report.average.irregularIncomeCents;
      expect(report.protectedAmount.protectedCents).toBeGreaterThan(0);
      expect(averageIncome - highCents).toBeGreaterThanOrEqual(Math.min(averageIncome, report.protectedAmount.protectedCents));
    }
  });

  it('gives the same report for brought transactions and stores nothing', async () => {
    const l = loaded[0]!;
    const stored = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
    const transactions: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Record<string, unknown>[]; nextCursor: string | null } = (await get(`/v1/debtors/${l.debtorId}/transactions?limit=5000${cursor ? `&cursor=${cursor}` : ''}`)).json();
      transactions.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const accounts = (await get(`/v1/debtors/${l.debtorId}/accounts`)).json().items as { id: string; iban: string; ownerName: string | null }[];
    const ibanOf = new Map(accounts.map((a) => [a.id, a.iban]));
    const before = await countRows(t, 'bank_transactions', l.debtorId);
    const byo = await t.app.inject({
      method: 'POST',
      url: '/v1/affordability',
      headers: bearer(t.tenantA.keys.analyst),
      payload: {
        asOf: TODAY,
        household: { composition: households[0]!.composition },
        ownIbans: accounts.map((a) => a.iban),
        accountHolderNames: [...new Set(accounts.map((a) => a.ownerName).filter(Boolean))],
        transactions: transactions.map((x: Record<string, unknown>) => ({
          id: x.id,
          accountIban: ibanOf.get(x.accountId as string),
          status: x.status,
          bookingDate: x.bookingDate,
          valueDate: x.valueDate,
          amountCents: x.amountCents,
          currency: x.currency,
          counterpartyName: x.counterpartyName,
          counterpartyIban: x.counterpartyIban,
          remittanceUnstructured: x.remittanceUnstructured,
          remittanceStructured: x.remittanceStructured,
          creditorId: x.creditorId,
          mandateId: x.mandateId,
          bankTransactionCode: x.bankTransactionCode,
          proprietaryCode: x.proprietaryCode,
          returnReasonCode: x.returnReasonCode,
          reversal: x.reversal,
        })),
      },
    });
    expect(byo.statusCode, byo.body.slice(0, 300)).toBe(200);
    expect(byo.json().affordableInstalment).toEqual(stored.affordableInstalment);
    expect(byo.json().months).toEqual(stored.months);
    expect(await countRows(t, 'bank_transactions', l.debtorId)).toBe(before);
  });

  it('refuses the report when the consent was given for another purpose', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'monitoring-only', { purpose: 'early_warning_monitoring' });
    const res = await get(`/v1/debtors/${d.debtorId}/affordability`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('consent_required');
    expect(res.json().detail).toContain('affordability_assessment');
  });

  it('applies the tenant’s norm overrides and says so in the report', async () => {
    const l = loaded[1]!;
    const before = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
    expect(before.norms.overriddenByTenant).toEqual([]);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies/norm-overrides',
      headers: bearer(t.tenantA.keys.admin),
      payload: { overrides: { assessmentPolicy: [{ validFrom: '2026-01-01', maxMonthsAssessed: 6 }] } },
    });
    expect(put.statusCode, put.body).toBe(200);
    const after = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
    expect(after.norms.overriddenByTenant).toContain('assessmentPolicy');
    expect(after.monthsAssessed.length).toBe(6);
    expect(before.monthsAssessed.length).toBe(12);
    const bad = await t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: bearer(t.tenantA.keys.admin), payload: { overrides: { assessmentPolicy: [{ validFrom: '2026-01-01', maxMonthsAssessed: 'many' }] } } });
    // A value of the wrong type is refused by the schema (400) before the norms are applied.
    expect(bad.statusCode).toBe(400);
    await t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: bearer(t.tenantA.keys.admin), payload: { overrides: {} } });
  });

  it('says which period’s norms it used, and takes a tenant’s housing-raise figures', async () => {
    const l = loaded[1]!;
    const before = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
    // 2026-11-23: the latest maxima are of 2025-07-01, more than six months old, so they are kept and the report says so.
    expect(before.norms.beslagvrijeVoet).toMatchObject({ validFrom: '2025-07-01', lastKnownKept: true });
    expect(before.norms.protectedBase).toMatchObject({ kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: true });
    expect(before.notes.map((n: { en: string }) => n.en).join(' ')).toContain('figures valid from 2025-07-01 were used: no later figures are known');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies/norm-overrides',
      headers: bearer(t.tenantA.keys.admin),
      payload: { overrides: { housingRaise: [{ validFrom: '2026-01-01', housingShareInNormCents: 30_000 }] } },
    });
    expect(put.statusCode, put.body).toBe(200);
    const after = (await get(`/v1/debtors/${l.debtorId}/affordability?asOf=${TODAY}`)).json();
    expect(after.norms.overriddenByTenant).toEqual(['housingRaise']);
    expect(after.norms.housingRaise).toMatchObject({ validFrom: '2026-01-01', lastKnownKept: false });
    expect(after.protectedAmount.housingRaise).toMatchObject({ shareInNormCents: 30_000, validFrom: '2026-01-01' });
    await t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: bearer(t.tenantA.keys.admin), payload: { overrides: {} } });
  });
});
