/**
 * The contact window, checked by hand against the 2026 calendar: Koningsdag Monday 27 April, 1 May
 * (TARGET2 closed) a Friday, Whit Monday 25 May, Christmas Friday 25 and Saturday 26 December.
 */
import { describe, expect, it } from 'vitest';
import type { IncomeDay } from '../../src/analytics/income-days.js';
import { contactWindow, firstWorkingDayAfter, mainIncomeOf, treatmentFor } from '../../src/collection-segments/index.js';

function salary(observedDates: string[], nextDates: string[], overrides: Partial<IncomeDay> = {}): IncomeDay {
  return {
    streamId: 'stream-salary',
    category: 'income.salary',
    counterpartyName: 'Werkgever B.V.',
    source: 'learned',
    calendarRule: null,
    schedule: { kind: 'day-of-month', dayOfMonth: 25, shift: 'previous', months: null },
    status: 'mature',
    observedDates,
    exactHitRate: 1,
    windowDays: 1,
    nextDates,
    monthlyEquivalentCents: 250_000,
    transactionIds: ['tx-1'],
    ...overrides,
  };
}

const SALARY = salary(['2026-02-25', '2026-03-25'], ['2026-04-24', '2026-05-22', '2026-06-25']);
const window = (asOf: string, incomeDays: IncomeDay[], windowWorkingDays = 3, quietDaysBeforeIncome = 5) => contactWindow({ asOf, incomeDays, windowWorkingDays, quietDaysBeforeIncome });

describe('firstWorkingDayAfter', () => {
  it.each([
    ['2026-04-24', '2026-04-28', 'Friday → Monday is Koningsdag → Tuesday'],
    ['2026-12-24', '2026-12-28', 'Thursday → Christmas, Boxing Day (Saturday), Sunday → Monday'],
    ['2026-04-30', '2026-05-04', 'Thursday → 1 May (TARGET2 closed) → weekend → Monday'],
    ['2026-05-22', '2026-05-26', 'Friday → weekend → Whit Monday → Tuesday'],
    ['2026-03-03', '2026-03-04', 'an ordinary Tuesday → Wednesday'],
  ])('%s → %s (%s)', (date, expected) => {
    expect(firstWorkingDayAfter(date)).toBe(expected);
  });
});

describe('contactWindow', () => {
  it('after a Friday payday with Koningsdag on the Monday: Tuesday 28 to Thursday 30 April', () => {
    const w = window('2026-04-20', [SALARY]);
    expect(w).toMatchObject({ basis: 'main_income', from: '2026-04-28', until: '2026-04-30', incomeArrival: '2026-04-24', nextIncomeArrival: '2026-05-22' });
    expect(w.mainIncome?.streamId).toBe('stream-salary');
  });

  it('on a day inside the open window: from that day', () => {
    const salaryPaid = salary(['2026-03-25', '2026-04-24'], ['2026-05-22', '2026-06-25']);
    expect(window('2026-04-29', [salaryPaid])).toMatchObject({ from: '2026-04-29', until: '2026-04-30', incomeArrival: '2026-04-24' });
  });

  it('after the window has closed (1 May): the next payday, with Whit Monday: 26 to 28 May', () => {
    const salaryPaid = salary(['2026-03-25', '2026-04-24'], ['2026-05-22', '2026-06-25']);
    expect(window('2026-05-01', [salaryPaid])).toMatchObject({ from: '2026-05-26', until: '2026-05-28', incomeArrival: '2026-05-22', nextIncomeArrival: '2026-06-25' });
  });

  it('over Christmas: a payday on Thursday 24 December opens Monday 28 to Wednesday 30 December', () => {
    const december = salary(['2026-11-25'], ['2026-12-24', '2027-01-25']);
    expect(window('2026-12-01', [december])).toMatchObject({ from: '2026-12-28', until: '2026-12-30', incomeArrival: '2026-12-24' });
  });

  it('never in the days just before the next income: a weekly income on Mondays leaves only the Tuesday', () => {
    const weekly = salary(['2026-02-23'], ['2026-03-02', '2026-03-09', '2026-03-16'], { schedule: { kind: 'weekly', weekday: 1, shift: 'next' } });
    // 9 March − 5 quiet days − 1 = 3 March: the window after 2 March ends there.
    expect(window('2026-02-27', [weekly])).toMatchObject({ from: '2026-03-03', until: '2026-03-03', incomeArrival: '2026-03-02' });
    // With 6 quiet days nothing is left after any arrival: no window tied to the income.
    expect(window('2026-02-27', [weekly], 3, 6).basis).toBe('no_income_day');
  });

  it('without an income day: from the first working day on or after asOf (Christmas Day → Monday 28)', () => {
    expect(window('2026-12-25', [])).toMatchObject({ basis: 'no_income_day', from: '2026-12-28', until: '2026-12-30', incomeArrival: null, mainIncome: null });
  });

  it('follows the largest active income, not a stopped or smaller one', () => {
    const allowance = salary(['2026-03-20'], ['2026-04-20'], { streamId: 'toeslag', category: 'income.allowance', monthlyEquivalentCents: 12_000 });
    const stopped = salary(['2026-01-15'], [], { streamId: 'old-job', status: 'inactive', monthlyEquivalentCents: 400_000 });
    expect(mainIncomeOf([allowance, stopped, SALARY])?.streamId).toBe('stream-salary');
    expect(window('2026-04-20', [allowance, stopped, SALARY]).incomeArrival).toBe('2026-04-24');
  });
});

describe('treatmentFor', () => {
  it.each([
    ['cant_pay', 'supportive', 'offer_plan'],
    ['wont_pay', 'firm', 'firm_notice'],
    ['forgot', 'supportive', 'send_payment_reminder'],
    ['temporary_shock', 'supportive', 'offer_payment_pause'],
    ['complex_debt', 'supportive', 'refer_to_debt_help'],
    ['no_risk', 'supportive', 'none'],
  ] as const)('%s: %s tone, %s', (segment, tone, action) => {
    const t = treatmentFor(segment);
    expect(t.tone).toBe(tone);
    expect(t.action).toBe(action);
    expect(t.templateKey).toMatch(new RegExp(`^collections\\.${segment}\\.`));
  });

  it('puts channels the debtor answered through first, keeping the segment’s order otherwise', () => {
    expect(treatmentFor('forgot').channels).toEqual(['sms', 'email', 'app']);
    expect(treatmentFor('forgot', { answeredChannels: ['app'] }).channels).toEqual(['app', 'sms', 'email']);
  });

  it('stops collection for a deceased debtor', () => {
    expect(treatmentFor('wont_pay', { stopCollection: true })).toMatchObject({ action: 'stop_collection', tone: 'supportive' });
  });
});
