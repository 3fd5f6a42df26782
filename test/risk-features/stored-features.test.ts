/**
 * Features of stored debtors: simulated households loaded through the API as a creditor would, then
 * read back by loadFeatureSource. The features equal those computed from the same bank file and
 * data points in memory; bank data is read only when asked for; nothing after the as-of date is
 * loaded; the debtor's own corrections change the categories; another tenant cannot read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisInputFromStatement } from '../../src/analytics/analysis-input.js';
import { categorise, compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { AffordabilityEngine } from '../../src/affordability/affordability.service.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { addDays } from '../../src/platform/dates.js';
import { AppError } from '../../src/platform/errors.js';
import { computeFeatures, FEATURE_HISTORY_DAYS, type FeatureSource } from '../../src/risk-features/compute-features.js';
import { loadFeatureSource } from '../../src/risk-features/stored-features.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-11-20';
const AS_OF = '2026-09-30';

describe('loadFeatureSource', () => {
  let t: TestApp;
  let households: SimulatedHousehold[];
  let loaded: LoadedHousehold[];
  const engine = new AffordabilityEngine();

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
    households = [...simulateHouseholds({ households: 2, months: 16, seed: 19, truthRuns: 1, startDate: worldStartEndingToday(TODAY, 16) })];
    loaded = await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: TODAY });
  }, 120_000);
  afterAll(async () => t.close());

  /** The same debtor from its Berlin Group files in memory: the days the service loads, categorised by the default rules. */
  function inMemory(household: SimulatedHousehold): FeatureSource {
    const from = addDays(AS_OF, -(FEATURE_HISTORY_DAYS - 1));
    const inputs = household.accounts.map((account) => analysisInputFromStatement(parseBankFile(Buffer.from(writeBerlinGroupTransactions(account)), { format: 'berlin-group' })));
    const transactions = inputs.flatMap((i) => i.transactions).filter((tx) => tx.bookingDate >= from && tx.bookingDate <= AS_OF);
    const ownIbans = inputs.flatMap((i) => i.ownIbans);
    const accountHolderNames = [...new Set(inputs.flatMap((i) => i.accountHolderNames))];
    return {
      asOf: AS_OF,
      bank: {
        transactions: categorise(transactions, { rules: compileRuleSet(DEFAULT_RULE_SET), ownIbans, accountHolderNames }),
        balances: inputs.flatMap((i) => i.balances).filter((b) => b.date >= from && b.date <= AS_OF),
        ownIbans,
        accountHolderNames,
      },
      events: household.events.filter((e) => e.occurredOn <= TODAY),
      household: { composition: household.composition },
      norms: normsAt(AS_OF),
    };
  }

  it('gives the features of the same data computed in memory, and reads nothing after the as-of date', async () => {
    for (const [i, household] of households.entries()) {
      const source = await loadFeatureSource(t.database.db, engine, t.tenantA.id, loaded[i]!.debtorId, { asOf: AS_OF, today: TODAY, withBankData: true });
      expect(source.bank!.transactions.every((tx) => tx.bookingDate <= AS_OF)).toBe(true);
      expect(source.bank!.balances.every((b) => b.date <= AS_OF)).toBe(true);
      expect(source.events.every((e) => e.occurredOn <= AS_OF)).toBe(true);
      expect(source.household).toEqual({ composition: household.composition });
      expect(computeFeatures(source, 'bank-and-data-points').values).toEqual(computeFeatures(inMemory(household), 'bank-and-data-points').values);
    }
  }, 60_000);

  it('reads no bank data unless asked, and the data-point features stay the same', async () => {
    const debtorId = loaded[0]!.debtorId;
    const without = await loadFeatureSource(t.database.db, engine, t.tenantA.id, debtorId, { asOf: AS_OF, today: TODAY, withBankData: false });
    expect(without.bank).toBeNull();
    const withBank = await loadFeatureSource(t.database.db, engine, t.tenantA.id, debtorId, { asOf: AS_OF, today: TODAY, withBankData: true });
    expect(computeFeatures(without, 'data-points-only')).toEqual(computeFeatures(withBank, 'data-points-only'));
    const all = computeFeatures(without, 'bank-and-data-points').values;
    for (const [name, value] of Object.entries(all)) if (name.startsWith('bank.')) expect(value, name).toBeNull();
  });

  it("categorises with the debtor's corrections", async () => {
    const debtorId = loaded[0]!.debtorId;
    const before = computeFeatures(await loadFeatureSource(t.database.db, engine, t.tenantA.id, debtorId, { asOf: AS_OF, today: TODAY, withBankData: true }), 'bank-and-data-points').values;
    const list = await t.app.inject({ url: `/v1/debtors/${debtorId}/transactions?limit=5000`, headers: bearer(t.tenantA.keys.creditor) });
    expect(list.statusCode, list.body.slice(0, 200)).toBe(200);
    const items = (list.json() as { items: { id: string; bookingDate: string; amountCents: number; status: string }[] }).items;
    const target = items.find((tx) => tx.status === 'booked' && tx.amountCents < 0 && tx.bookingDate <= AS_OF && tx.bookingDate > addDays(AS_OF, -30))!;
    const res = await t.app.inject({ method: 'PUT', url: `/v1/debtors/${debtorId}/transactions/${target.id}/category`, headers: bearer(t.tenantA.keys.creditor), payload: { category: 'expense.gambling', appliesTo: 'transaction' } });
    expect(res.statusCode, res.body).toBe(200);
    const after = computeFeatures(await loadFeatureSource(t.database.db, engine, t.tenantA.id, debtorId, { asOf: AS_OF, today: TODAY, withBankData: true }), 'bank-and-data-points').values;
    expect(after['bank.gambling_stakes_30d']).toBe(before['bank.gambling_stakes_30d']! - target.amountCents);
  });

  it("does not let a tenant read another tenant's debtor", async () => {
    const error = await loadFeatureSource(t.database.db, engine, t.tenantB.id, loaded[0]!.debtorId, { asOf: AS_OF, today: TODAY, withBankData: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
  });
});
