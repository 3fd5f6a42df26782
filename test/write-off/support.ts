/** The small cost table of the write-off tests (round figures, see recommend.test.ts) and an input builder. */
import type { CollectionCostsConfig } from '../../src/write-off/collection-costs.js';
import type { RecommendationInput } from '../../src/write-off/recommend.js';

export function testConfig(): CollectionCostsConfig {
  return {
    annualDiscountRateBasisPoints: 1000,
    annualDiscountRateSource: 'test',
    maxPlanMonths: 12,
    maxPlanMonthsSource: 'test',
    paymentProbability: { affordableAtLowBasisPoints: 8000, affordableAtHighBasisPoints: 5000, notAffordableBasisPoints: 1000, noDataBasisPoints: 5000, source: 'test' },
    routes: {
      plan: { probabilityFactorBasisPoints: 10000, months: 1, commissionBasisPoints: 0, source: 'test', steps: [{ step: 'set_up', cents: 1000, incurred: 'always', source: 'test' }, { step: 'follow_up', cents: 2000, incurred: 'if_unpaid', source: 'test' }] },
      standard_dunning: { probabilityFactorBasisPoints: 5000, months: 0, commissionBasisPoints: 0, source: 'test', steps: [{ step: 'letters', cents: 500, incurred: 'always', source: 'test' }] },
      agency: { probabilityFactorBasisPoints: 8000, months: 0, commissionBasisPoints: 2000, source: 'test', steps: [{ step: 'file', cents: 1000, incurred: 'always', source: 'test' }] },
      court_and_bailiff: {
        probabilityFactorBasisPoints: 10000,
        months: 0,
        commissionBasisPoints: 0,
        source: 'test',
        steps: [
          { step: 'summons', cents: 10000, incurred: 'always', source: 'test' },
          { step: 'court_fee', bands: [{ upToCents: 50000, cents: 10000 }, { upToCents: null, cents: 30000 }], incurred: 'always', source: 'test' },
          { step: 'enforcement', cents: 20000, incurred: 'if_unpaid', source: 'test' },
        ],
      },
    },
    rules: {
      smallClaimGoodHistory: { thresholdCents: 5000, minPaidInvoices: 3, maxSharePaidLateBasisPoints: 2500, source: 'test' },
      complexDebt: { minCollectors: 2, paydayCredit: true, minCreditorsWithReturns: 3, windowDays: 365, source: 'test' },
    },
  };
}

export function baseInput(overrides: Partial<RecommendationInput> & { amount?: number; config?: CollectionCostsConfig } = {}): RecommendationInput {
  const { amount = 100000, ...rest } = overrides;
  return {
    claim: { claimId: null, reference: 'INV-1', debtorId: '00000000-0000-4000-8000-000000000001', totalDueCents: amount },
    riskModel: null,
    affordability: null,
    history: { paidInvoices: 0, sharePaidLate: null, cannotOrWontPayReturnsLast365Days: 0 },
    deceasedReturnEventIds: [],
    otherDebts: { collectors: [], paydayCreditTransactionIds: [], creditorsWithReturns: [], transactionIds: [] },
    config: testConfig(),
    ...rest,
  };
}

export const withConfig = (change: (c: CollectionCostsConfig) => void): CollectionCostsConfig => {
  const c = testConfig();
  change(c);
  return c;
};

