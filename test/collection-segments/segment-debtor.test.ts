/**
 * segmentDebtor rule by rule: each rule fires at its threshold and not one step before it, with the
 * default thresholds (segment-thresholds.ts) and asOf 2026-06-15. The look-back of 180 days reaches
 * back to 2025-12-18 (179 days before asOf) and not to 2025-12-17 (180 days).
 */
import { describe, expect, it } from 'vitest';
import { segmentDebtor, type SegmentBankTransaction, type SegmentDebtorInput, type SegmentResult } from '../../src/collection-segments/index.js';
import { DEFAULT_COLLECTION_SEGMENT_THRESHOLDS } from '../../src/collection-segments/segment-thresholds.js';
import type { DataPointEvent } from '../../src/data-points/data-point.schema.js';
import { answered, collected, flag, goodHistoryEvents, invoice, moved, paid, promise, reminder, report, returned } from './segment-fixtures.js';

const AS_OF = '2026-06-15';
const NO_MODEL = { kind: 'no_model', reason: 'the tenant has no champion model' } as const;
const ABLE = report({ lowCents: 10_000, highCents: 20_000, disposableCents: 25_000 });
const UNABLE = report({ lowCents: 9_999, highCents: 20_000, disposableCents: 25_000 });
/** An invoice of EUR 100 due 2026-05-01 and still open: 45 days past due on asOf. */
const OPEN_OVERDUE = [invoice('OPEN-1', '2026-04-15', '2026-05-01')];

function run(events: DataPointEvent[], input: Partial<SegmentDebtorInput> = {}): SegmentResult {
  return segmentDebtor({ asOf: AS_OF, events, affordability: null, claims: [], model: NO_MODEL, ...input });
}
const ruleOf = (result: SegmentResult, name: string) => {
  const found = result.rules.find((r) => r.rule === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};
const tx = (id: string, category: SegmentBankTransaction['category'], counterpartyName: string): SegmentBankTransaction => ({ id, bookingDate: '2026-03-10', amountCents: -5_000, counterpartyName, category });

interface Case {
  name: string;
  rule: string;
  fires: boolean;
  observed: number | null;
  events: DataPointEvent[];
  input?: Partial<SegmentDebtorInput>;
}

const cases: Case[] = [
  { name: 'two AM04 in the look-back, the first 179 days back', rule: 'insufficient_funds_returns', fires: true, observed: 2, events: [...OPEN_OVERDUE, returned('AM04', '2025-12-18'), returned('AM04', '2026-05-01')] },
  { name: 'one AM04 is a slip, not a pattern', rule: 'insufficient_funds_returns', fires: false, observed: 1, events: [...OPEN_OVERDUE, returned('AM04', '2026-05-01')] },
  { name: 'an AM04 180 days back is outside the look-back', rule: 'insufficient_funds_returns', fires: false, observed: 1, events: [...OPEN_OVERDUE, returned('AM04', '2025-12-17'), returned('AM04', '2026-05-01')] },
  { name: 'two AM04 in the bank data, one of them also a data point: counted once', rule: 'insufficient_funds_returns', fires: true, observed: 2, events: [...OPEN_OVERDUE, returned('AM04', '2026-05-01')], input: { affordability: report({ lowCents: 0, highCents: 0, disposableCents: 0, flags: [flag('returned_direct_debits', { count: 2 }, ['tx-r1', 'tx-r2'], { returnReasons: [{ code: 'AM04', signal: 'cannot_pay', meaning: { en: '', nl: '' }, transactionIds: ['tx-r1', 'tx-r2'] }] })] }) } },
  { name: 'the same AM04 as data point and bank transaction is one return', rule: 'insufficient_funds_returns', fires: false, observed: 1, events: [...OPEN_OVERDUE, returned('AM04', '2026-05-01')], input: { affordability: report({ lowCents: 0, highCents: 0, disposableCents: 0, flags: [flag('returned_direct_debits', { count: 1 }, ['tx-r1'], { returnReasons: [{ code: 'AM04', signal: 'cannot_pay', meaning: { en: '', nl: '' }, transactionIds: ['tx-r1'] }] })] }) } },
  { name: 'affordable EUR 49.99 is below need', rule: 'affordable_below_need', fires: true, observed: 4_999, events: [], input: { affordability: report({ lowCents: 0, highCents: 4_999, disposableCents: 10_000 }) } },
  { name: 'affordable EUR 50.00 is not', rule: 'affordable_below_need', fires: false, observed: 5_000, events: [], input: { affordability: report({ lowCents: 0, highCents: 5_000, disposableCents: 10_000 }) } },
  { name: 'disposable −1 cent', rule: 'disposable_below_need', fires: true, observed: -1, events: [], input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: -1 }) } },
  { name: 'disposable 0', rule: 'disposable_below_need', fires: false, observed: 0, events: [], input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 0 }) } },
  { name: '30 days below zero', rule: 'living_on_overdraft', fires: true, observed: 30, events: [], input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 0, flags: [flag('negative_balance_days', { days: 30, lowestBalanceCents: -20_000 })] }) } },
  { name: '29 days below zero', rule: 'living_on_overdraft', fires: false, observed: 29, events: [], input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 0, flags: [flag('negative_balance_days', { days: 29, lowestBalanceCents: -20_000 })] }) } },
  { name: 'model 0.5 without bank data', rule: 'model_expects_arrears', fires: true, observed: 0.5, events: OPEN_OVERDUE, input: { model: { kind: 'model', probability: 0.5, modelId: 'm', version: 1, featureSet: 'data-points-only' } } },
  { name: 'model 0.49', rule: 'model_expects_arrears', fires: false, observed: 0.49, events: OPEN_OVERDUE, input: { model: { kind: 'model', probability: 0.49, modelId: 'm', version: 1, featureSet: 'data-points-only' } } },
  { name: 'model 0.9 but able to pay', rule: 'model_expects_arrears', fires: false, observed: 0.9, events: OPEN_OVERDUE, input: { affordability: ABLE, model: { kind: 'model', probability: 0.9, modelId: 'm', version: 1, featureSet: 'bank-and-data-points' } } },
  { name: 'MS02 while able (low EUR 100)', rule: 'refusals_while_able', fires: true, observed: 1, events: [...OPEN_OVERDUE, returned('MS02', '2026-05-01', 'OPEN-1')], input: { affordability: ABLE } },
  { name: 'MS02 while not able (low EUR 99.99)', rule: 'refusals_while_able', fires: false, observed: 1, events: [...OPEN_OVERDUE, returned('MS02', '2026-05-01', 'OPEN-1')], input: { affordability: UNABLE } },
  { name: 'MD06 without bank data', rule: 'refusals_while_able', fires: true, observed: 1, events: [...OPEN_OVERDUE, returned('MD06', '2026-05-01', 'OPEN-1')] },
  { name: 'MD01 (no mandate) while able', rule: 'mandate_revoked_while_able', fires: true, observed: 1, events: [...OPEN_OVERDUE, returned('MD01', '2026-05-01', 'OPEN-1')], input: { affordability: ABLE } },
  { name: 'two reminders unanswered', rule: 'no_response_while_able', fires: true, observed: 2, events: [...OPEN_OVERDUE, reminder('2026-05-08', 'OPEN-1'), reminder('2026-05-22', 'OPEN-1')], input: { affordability: ABLE } },
  { name: 'the first of two reminders answered after the second', rule: 'no_response_while_able', fires: false, observed: 0, events: [...OPEN_OVERDUE, reminder('2026-05-08', 'OPEN-1'), reminder('2026-05-22', 'OPEN-1'), answered('2026-05-23')], input: { affordability: ABLE } },
  { name: 'one reminder unanswered', rule: 'no_response_while_able', fires: false, observed: 1, events: [...OPEN_OVERDUE, reminder('2026-05-22', 'OPEN-1')], input: { affordability: ABLE } },
  { name: 'a promise broken (day passed, nothing paid)', rule: 'broken_promises_while_able', fires: true, observed: 1, events: [...OPEN_OVERDUE, promise('2026-06-01', '2026-06-14', 5_000)], input: { affordability: ABLE } },
  { name: 'a promise due today is not broken yet', rule: 'broken_promises_while_able', fires: false, observed: 0, events: [...OPEN_OVERDUE, promise('2026-06-01', '2026-06-15', 5_000)], input: { affordability: ABLE } },
  { name: 'two invoices paid 14 and 2 days after their only reminder', rule: 'paid_after_one_reminder', fires: true, observed: 2, events: [invoice('F-1', '2026-04-15', '2026-05-01'), reminder('2026-05-08', 'F-1'), paid('F-1', '2026-05-22'), invoice('F-2', '2026-03-15', '2026-04-01'), reminder('2026-04-08', 'F-2'), paid('F-2', '2026-04-10')] },
  { name: 'the second paid 15 days after its reminder', rule: 'paid_after_one_reminder', fires: false, observed: 1, events: [invoice('F-1', '2026-04-15', '2026-05-01'), reminder('2026-05-08', 'F-1'), paid('F-1', '2026-05-23'), invoice('F-2', '2026-03-15', '2026-04-01'), reminder('2026-04-08', 'F-2'), paid('F-2', '2026-04-10')] },
  { name: 'the second paid after a second reminder', rule: 'paid_after_one_reminder', fires: false, observed: 1, events: [invoice('F-1', '2026-04-15', '2026-05-01'), reminder('2026-05-08', 'F-1'), reminder('2026-05-15', 'F-1'), paid('F-1', '2026-05-20'), invoice('F-2', '2026-03-15', '2026-04-01'), reminder('2026-04-08', 'F-2'), paid('F-2', '2026-04-10')] },
  { name: 'income drop after a good history', rule: 'income_drop_after_good_history', fires: true, observed: 1, events: [...goodHistoryEvents(), ...OPEN_OVERDUE], input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 1_000, flags: [flag('income_drop', { recentAverageCents: 100_000, earlierAverageCents: 250_000 })] }) } },
  { name: 'income drop without a history', rule: 'income_drop_without_good_history', fires: true, observed: null, events: OPEN_OVERDUE, input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 1_000, flags: [flag('income_drop', { recentAverageCents: 100_000, earlierAverageCents: 250_000 })] }) } },
  { name: 'a move 119 days ago after a good history', rule: 'life_event_after_good_history', fires: true, observed: 1, events: [...goodHistoryEvents(), ...OPEN_OVERDUE, moved('2026-02-16')] },
  { name: 'a move 120 days ago', rule: 'life_event_after_good_history', fires: false, observed: 0, events: [...goodHistoryEvents(), ...OPEN_OVERDUE, moved('2026-02-15')] },
  { name: 'a move without a good history', rule: 'life_event_after_good_history', fires: false, observed: 1, events: [...OPEN_OVERDUE, moved('2026-05-01')] },
  { name: 'two collectors', rule: 'several_collectors', fires: true, observed: 2, events: OPEN_OVERDUE, input: { affordability: UNABLE, bankTransactions: [tx('c1', 'expense.collection', 'Flanderijn'), tx('c2', 'expense.collection', 'GGN'), tx('c3', 'expense.collection', 'flanderijn ')] } },
  { name: 'one collector paid twice', rule: 'several_collectors', fires: false, observed: 1, events: OPEN_OVERDUE, input: { affordability: UNABLE, bankTransactions: [tx('c1', 'expense.collection', 'Flanderijn'), tx('c3', 'expense.collection', 'Flanderijn')] } },
  { name: 'payday credit borrowed', rule: 'payday_credit', fires: true, observed: 30_000, events: OPEN_OVERDUE, input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 1_000, flags: [flag('payday_credit_use', { count: 2, borrowedCents: 30_000, repaidCents: 0 })] }) } },
  { name: 'no payday credit', rule: 'payday_credit', fires: false, observed: 0, events: OPEN_OVERDUE, input: { affordability: UNABLE } },
  { name: 'three creditors', rule: 'many_creditors', fires: true, observed: 3, events: OPEN_OVERDUE, input: { affordability: UNABLE, bankTransactions: [tx('d1', 'expense.bnpl', 'Klarna'), tx('d2', 'expense.credit', 'Ferratum'), tx('d3', 'expense.fine', 'CJIB'), tx('d4', 'expense.groceries', 'Albert Heijn')] } },
  { name: 'two creditors', rule: 'many_creditors', fires: false, observed: 2, events: OPEN_OVERDUE, input: { affordability: UNABLE, bankTransactions: [tx('d1', 'expense.bnpl', 'Klarna'), tx('d2', 'expense.credit', 'Ferratum'), tx('d4', 'expense.groceries', 'Albert Heijn')] } },
  { name: 'gambling 5.00 % of income', rule: 'gambling_share', fires: true, observed: 500, events: OPEN_OVERDUE, input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 1_000, flags: [flag('gambling', { stakesCents: 60_000, incomeCents: 12_000_000, shareBasisPoints: 500 }, ['g1'])] }) } },
  { name: 'gambling 4.99 % of income', rule: 'gambling_share', fires: false, observed: 499, events: OPEN_OVERDUE, input: { affordability: report({ lowCents: 0, highCents: 9_000, disposableCents: 1_000, flags: [flag('gambling', { stakesCents: 59_880, incomeCents: 12_000_000, shareBasisPoints: 499 }, ['g1'])] }) } },
  { name: 'an AC06 (blocked account)', rule: 'account_blocked', fires: true, observed: 1, events: [...OPEN_OVERDUE, returned('AC06', '2026-05-01', 'OPEN-1')] },
];

describe('segmentDebtor: each rule at its threshold', () => {
  it.each(cases)('$rule: $name → fires $fires', ({ rule, fires, observed, events, input }) => {
    const result = run(events, input);
    const r = ruleOf(result, rule);
    expect(r.fired).toBe(fires);
    if (observed !== null) expect(r.observed).toBe(observed);
    // The threshold reported is the default one.
    expect(typeof r.threshold).toBe('number');
  });

  it('late payer with a buffer: 3 of 10 invoices late (median 21 days) fires, 2 of 10 or a median of 22 does not', () => {
    const history = (lateDays: number[]) =>
      Array.from({ length: 10 }, (_, i) => {
        const due = `2026-0${1 + Math.floor(i / 2)}-${i % 2 === 0 ? '05' : '20'}`;
        const delay = lateDays[i] ?? 0;
        const paidOn = new Date(Date.parse(`${due}T00:00:00Z`) + delay * 86_400_000).toISOString().slice(0, 10);
        return [invoice(`L-${i}`, '2025-12-20', due), paid(`L-${i}`, paidOn)];
      }).flat();
    const fired = (lateDays: number[]) => ruleOf(run(history(lateDays), { affordability: ABLE }), 'late_with_buffer');
    expect(fired([20, 21, 22]).fired).toBe(true);
    expect(fired([20, 21, 22]).observed).toBe(0.3);
    expect(fired([20, 21]).fired).toBe(false);
    expect(fired([21, 22, 23]).fired).toBe(false);
    // Not while the bank data shows no room.
    expect(ruleOf(run(history([20, 21, 22]), { affordability: UNABLE }), 'late_with_buffer').fired).toBe(false);
  });
});

describe('segmentDebtor: the segment chosen', () => {
  it('can’t pay: two AM04 and the affordable instalment below need', () => {
    const result = run([...OPEN_OVERDUE, collected('OPEN-1', '2026-05-01'), returned('AM04', '2026-05-03', 'OPEN-1'), collected('OPEN-1', '2026-05-10'), returned('AM04', '2026-05-12', 'OPEN-1')], { affordability: report({ lowCents: 0, highCents: 3_000, disposableCents: 2_000 }) });
    expect(result.segment).toBe('cant_pay');
    expect(result.scores.cant_pay).toBe(2.5);
    expect(result.abilityToPay).toBe('not_shown');
    expect(result.confidence).toBe(0.9);
    expect(ruleOf(result, 'insufficient_funds_returns').eventIds).toHaveLength(2);
  });

  it('won’t pay: a refusal and two unanswered reminders while able; forgot second from the paid-after-reminder habit', () => {
    const events = [invoice('F-1', '2026-03-15', '2026-04-01'), reminder('2026-04-08', 'F-1'), paid('F-1', '2026-04-10'), ...OPEN_OVERDUE, collected('OPEN-1', '2026-05-01'), returned('MS02', '2026-05-03', 'OPEN-1'), reminder('2026-05-08', 'OPEN-1'), reminder('2026-05-22', 'OPEN-1')];
    const result = run(events, { affordability: ABLE });
    // F-1 was paid 9 days late (1 of 1 paid invoices late): late_with_buffer fires; one invoice paid after a reminder is below the 2 needed.
    expect(result.scores).toEqual({ cant_pay: 0, wont_pay: 2.5, forgot: 1, temporary_shock: 0, complex_debt: 0 });
    expect(result.segment).toBe('wont_pay');
    expect(result.secondarySegment).toBe('forgot');
    // 2.5 of 3.5 = 0.714, times 0.9 without a model = 0.64.
    expect(result.confidence).toBe(0.64);
  });

  it('complex debt wins from a score of 2 even over a higher can’t-pay score, and names can’t pay second', () => {
    const result = run([...OPEN_OVERDUE, returned('AM04', '2026-04-01'), returned('AM04', '2026-05-01')], {
      affordability: report({ lowCents: 0, highCents: 3_000, disposableCents: 1_000 }),
      bankTransactions: [tx('c1', 'expense.collection', 'Flanderijn'), tx('c2', 'expense.collection', 'GGN')],
    });
    expect(result.scores.complex_debt).toBe(2);
    // Two AM04 (1) + affordable EUR 30 below EUR 50 (1.5).
    expect(result.scores.cant_pay).toBe(2.5);
    expect(result.segment).toBe('complex_debt');
    expect(result.secondarySegment).toBe('cant_pay');
    expect(ruleOf(result, 'several_collectors').transactionIds).toEqual(['c1', 'c2']);
  });

  it('complex debt below a score of 2 does not override: payday credit (1) against can’t pay (2.5)', () => {
    const result = run([...OPEN_OVERDUE, returned('AM04', '2026-04-01'), returned('AM04', '2026-05-01')], {
      affordability: report({ lowCents: 0, highCents: 3_000, disposableCents: 1_000, flags: [flag('payday_credit_use', { count: 1, borrowedCents: 20_000, repaidCents: 0 })] }),
    });
    expect(result.scores.complex_debt).toBe(1);
    expect(result.segment).toBe('cant_pay');
    expect(result.secondarySegment).toBe('complex_debt');
  });

  it('no risk: nothing overdue, nothing fired, no model', () => {
    const result = run([invoice('N-1', '2026-06-01', '2026-06-20')]);
    expect(result.segment).toBe('no_risk');
    expect(result.secondarySegment).toBeNull();
    expect(result.model).toEqual(NO_MODEL);
    expect(result.affordability.used).toBe(false);
  });

  it('not no risk when the model expects arrears at 0.2 or more: falls back on ability', () => {
    const model = { kind: 'model', probability: 0.2, modelId: 'm', version: 3, featureSet: 'bank-and-data-points' } as const;
    expect(run([], { model, affordability: ABLE }).segment).toBe('forgot');
    expect(run([], { model, affordability: ABLE }).fallback).toBe('forgot_able');
    expect(run([], { model: { ...model, probability: 0.19 }, affordability: ABLE }).segment).toBe('no_risk');
  });

  it('in arrears without any rule: no room to pay reads as can’t pay', () => {
    const result = run(OPEN_OVERDUE, { affordability: report({ lowCents: 5_000, highCents: 8_000, disposableCents: 8_000 }) });
    expect(result.segment).toBe('cant_pay');
    expect(result.fallback).toBe('cant_pay_unable');
    expect(result.figures.maxDaysPastDue).toBe(45);
  });

  it('in arrears without any rule: room in an average month but not in a bad one reads as forgot', () => {
    const result = run(OPEN_OVERDUE, { affordability: report({ lowCents: 5_000, highCents: 10_000, disposableCents: 10_000 }) });
    expect(result.abilityToPay).toBe('not_shown');
    expect(result.segment).toBe('forgot');
    expect(result.fallback).toBe('forgot_able');
    expect(result.confidence).toBe(0.45);
  });

  it('a deceased debtor (MD07) stops collection whatever the segment', () => {
    const result = run([...OPEN_OVERDUE, returned('MD07', '2026-05-01', 'OPEN-1')]);
    expect(result.stopCollection?.reason).toBe('deceased');
    expect(result.stopCollection?.eventIds).toHaveLength(1);
  });

  it('ignores events after asOf', () => {
    const result = run([...OPEN_OVERDUE, returned('AM04', '2026-06-16', 'OPEN-1')]);
    expect(ruleOf(result, 'insufficient_funds_returns').observed).toBe(0);
  });

  it('a tenant threshold changes the edge', () => {
    const events = [...OPEN_OVERDUE, reminder('2026-05-22', 'OPEN-1')];
    expect(ruleOf(run(events, { affordability: ABLE }), 'no_response_while_able').fired).toBe(false);
    expect(ruleOf(run(events, { affordability: ABLE, thresholds: { ...DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, unansweredRemindersMin: 1 } }), 'no_response_while_able').fired).toBe(true);
  });
});
