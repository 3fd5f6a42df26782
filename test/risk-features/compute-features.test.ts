/**
 * Features of a hand-made debtor whose figures are known by construction: a salary that fell from
 * 2,500 to 2,000 in January and came two days late in March, rent on the 1st, a few gambling stakes,
 * three returned debits with different reasons, one balance on the as-of day; and a creditor history
 * with one paid-late invoice, one unpaid one, a broken promise and an arrears outcome.
 */
import { describe, expect, it } from 'vitest';
import type { CategorisedTransaction } from '../../src/analytics/categorisation/categorise.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { FEATURE_CATALOGUE, featureNamesOf } from '../../src/risk-features/catalogue.js';
import { computeFeatures, featureRow, type FeatureSource } from '../../src/risk-features/compute-features.js';
import { balance, categorised } from '../analytics/transaction-builder.js';
import { eventBuilders } from '../data-points/event-builders.js';

const AS_OF = '2026-03-31';
const EMPLOYER = { counterpartyName: 'Werkgever Techniek BV', counterpartyIban: 'NL20INGB0001234567' };
const LANDLORD = { counterpartyName: 'Woonstichting Zuid', counterpartyIban: 'NL39RABO0300065264' };

function salaries(): CategorisedTransaction[] {
  const list: CategorisedTransaction[] = [];
  for (let m = 0; m < 12; m++) {
    const year = 2025 + Math.floor((3 + m) / 12);
    const month = ((3 + m) % 12) + 1;
    const day = year === 2026 && month === 3 ? 27 : 25;
    const date = `${year}-${String(month).padStart(2, '0')}-${day}`;
    list.push(categorised('income.salary', { ...EMPLOYER, bookingDate: date, amountCents: year === 2026 ? 200_000 : 250_000, remittanceUnstructured: 'Salaris' }));
  }
  return list;
}

function rents(): CategorisedTransaction[] {
  const list: CategorisedTransaction[] = [];
  for (let m = 0; m < 12; m++) {
    const year = 2025 + Math.floor((3 + m) / 12);
    const month = ((3 + m) % 12) + 1;
    list.push(categorised('expense.housing', { ...LANDLORD, bookingDate: `${year}-${String(month).padStart(2, '0')}-01`, amountCents: -90_000, remittanceUnstructured: 'Huur' }));
  }
  return list;
}

function knownDebtor(): FeatureSource {
  const transactions: CategorisedTransaction[] = [
    ...salaries(),
    ...rents(),
    categorised('expense.gambling', { bookingDate: '2026-03-20', amountCents: -5_000, counterpartyName: 'Holland Casino' }),
    categorised('expense.gambling', { bookingDate: '2026-01-10', amountCents: -5_000, counterpartyName: 'Holland Casino' }),
    categorised('expense.gambling', { bookingDate: '2025-06-01', amountCents: -5_000, counterpartyName: 'Holland Casino' }),
    categorised('reversal.returned_debit', { bookingDate: '2026-03-01', amountCents: 3_000, returnReasonCode: 'AM04' }),
    // Berlin Group has no field for the reason: it is read from the text.
    categorised('reversal.returned_debit', { bookingDate: '2026-02-15', amountCents: 3_000, remittanceUnstructured: 'Storno incasso premie reden MD06 Terugboeking' }),
    categorised('reversal.returned_debit', { bookingDate: '2025-09-01', amountCents: 3_000, returnReasonCode: 'AC04' }),
    // After the as-of date: must change nothing.
    categorised('expense.gambling', { bookingDate: '2026-04-02', amountCents: -500_000, counterpartyName: 'Holland Casino' }),
  ];
  const b = eventBuilders('D1');
  const events = [
    b.invoice('I1', '2026-01-01', 10_000, '2026-01-15'),
    b.paid('I1', '2026-01-20', 10_000),
    b.invoice('I2', '2026-02-01', 10_000, '2026-02-15'),
    b.reminder('2026-02-20'),
    b.promise('2026-03-01', '2026-03-10', 10_000),
    b.reminder('2026-03-05'),
    b.arrears('2026-03-17', 30),
    b.arrears('2026-04-16', 60),
  ];
  return {
    asOf: AS_OF,
    bank: { transactions, balances: [balance(AS_OF, 100_000), balance('2026-04-30', -9_999_999)], ownIbans: ['NL91ABNA0417164300'] },
    events,
    household: { composition: 'single' },
    norms: normsAt(AS_OF),
  };
}

describe('computeFeatures on a debtor with known figures', () => {
  const values = computeFeatures(knownDebtor(), 'bank-and-data-points').values;

  it('reads income level, stability, the drop against the previous quarter and the late salary', () => {
    expect(values['bank.history_days']).toBe(365); // 2025-04-01 … 2026-03-31
    expect(values['bank.income_stable_30d']).toBe(200_000);
    expect(values['bank.income_stable_90d']).toBe(200_000);
    expect(values['bank.income_stable_365d']).toBe(Math.round(((9 * 250_000 + 3 * 200_000) * 30) / 365));
    // Blocks of 30 days back from the as-of date: three of 2,000 then three of 2,500.
    expect(values['bank.income_cv_180d']).toBeCloseTo(25_000 / 225_000, 10);
    expect(values['bank.income_drop_90d']).toBeCloseTo((600_000 - 750_000) / 750_000, 10);
    expect(values['bank.days_since_stable_income']).toBe(4);
    expect(values['bank.salary_delay_days']).toBe(2); // expected on Wednesday the 25th, came on the 27th
  });

  it('rebuilds daily balances from the one balance on or before the as-of date', () => {
    // End of day: 1,000 from the 27th (salary), −1,000 on the 20th–26th, −950 on the 2nd–19th.
    expect(values['bank.balance_min_30d']).toBe(-100_000);
    expect(values['bank.days_below_zero_30d']).toBe(25);
    expect(values['bank.balance_mean_30d']).toBe(Math.round((5 * 100_000 - 7 * 100_000 - 18 * 95_000) / 30));
  });

  it('counts gambling, returned debits by reason class and the essential share by window', () => {
    expect(values['bank.gambling_stakes_30d']).toBe(5_000);
    expect(values['bank.gambling_stakes_90d']).toBe(10_000);
    expect(values['bank.gambling_stakes_365d']).toBe(15_000);
    expect(values['bank.gambling_share_90d']).toBeCloseTo(10_000 / 600_000, 10);
    expect(values['bank.returned_dd_90d_total']).toBe(2);
    expect(values['bank.returned_dd_90d_insufficient_funds']).toBe(1);
    expect(values['bank.returned_dd_90d_dispute_or_refusal']).toBe(1);
    expect(values['bank.returned_dd_90d_other']).toBe(0);
    expect(values['bank.returned_dd_365d_other']).toBe(1);
    expect(values['bank.essential_share_90d']).toBeCloseTo(270_000 / 600_000, 10);
    expect(values['bank.bnpl_paid_365d']).toBe(0);
  });

  it('takes the affordability figures of the report as of the date', () => {
    expect(values['bank.months_assessed']).toBeGreaterThan(0);
    expect(values['bank.disposable_minus_protected']).toBe(values['bank.disposable_monthly']! - values['bank.protected_monthly']!);
  });

  it('reads the data-point signals, outcomes dated on or before the as-of date only', () => {
    expect(values['dp.history_days']).toBe(90);
    expect(values['dp.max_days_past_due']).toBe(44);
    expect(values['dp.open_balance']).toBe(10_000);
    expect(values['dp.overdue_invoices']).toBe(1);
    expect(values['dp.invoiced_365d']).toBe(20_000);
    expect(values['dp.mean_paid_delay_365d']).toBe(5);
    expect(values['dp.share_paid_late']).toBe(1);
    expect(values['dp.promises_broken']).toBe(1);
    expect(values['dp.reminders_90d']).toBe(2);
    expect(values['dp.unanswered_reminders']).toBe(2);
    expect(values['dp.outcomes_arrears_started']).toBe(1);
    expect(values['dp.days_since_arrears_started']).toBe(14);
    expect(values['dp.days_since_bank_account_change']).toBeNull();
  });

  it('gives every feature of the set, and only those', () => {
    expect(Object.keys(values).sort()).toEqual(featureNamesOf('bank-and-data-points').sort());
    const dpOnly = computeFeatures(knownDebtor(), 'data-points-only').values;
    expect(Object.keys(dpOnly).sort()).toEqual(FEATURE_CATALOGUE.filter((f) => f.source === 'data-points').map((f) => f.name).sort());
    for (const name of Object.keys(dpOnly)) expect(dpOnly[name]).toEqual(values[name]);
  });

  it('leaves every bank feature missing without bank data, and featureRow turns missing into NaN', () => {
    const vector = computeFeatures({ ...knownDebtor(), bank: null }, 'bank-and-data-points');
    const names = featureNamesOf('bank-and-data-points');
    const row = featureRow(vector, [...names, 'claim.amount']);
    names.forEach((name, i) => {
      if (name.startsWith('bank.')) expect(row[i], name).toBeNaN();
      else expect(row[i], name).toBe(vector.values[name] ?? Number.NaN);
    });
    expect(row[names.length]).toBeNaN();
  });
});
