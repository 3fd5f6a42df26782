/**
 * When money is expected to arrive by the calendar, per kind of income: the fallback for income
 * days when a debtor's own history is too short to learn them. Learned dates beat these.
 *
 * Each entry is dated and sourced; entries marked `estimate` are a reading of common practice,
 * not a published payment date, and the income-day result says so.
 */
import type { IsoDate } from '../../platform/dates.js';
import type { CategoryId } from '../taxonomy.js';
import type { WorkingDayShift } from './dutch-holidays.js';

export interface MoneyArrivalRule {
  category: CategoryId;
  /** Nominal day of the month; clamped to the month's last day. */
  dayOfMonth: number;
  shift: WorkingDayShift;
  /** Months of the year (1–12) in which it is paid; absent means every month. */
  months?: number[];
  /** How many days either side of the computed date the money may arrive. */
  windowDays: number;
  /**
   * How many payments of the debtor's own must be seen before they beat this rule. A published
   * payment day (allowances) deserves a few; a loose estimate (salary "around the 23rd") loses to
   * the first real payday.
   */
  learnedAfter: number;
  validFrom: IsoDate;
  source: string;
  estimate: boolean;
}

export const MONEY_ARRIVAL_CALENDAR: readonly MoneyArrivalRule[] = [
  {
    category: 'income.allowance',
    dayOfMonth: 20,
    shift: 'next',
    windowDays: 1,
    learnedAfter: 3,
    validFrom: '2006-01-01',
    source: 'Belastingdienst, "Hoe krijg ik mijn toeslag uitbetaald?": on the 20th of the month before the month covered; on a weekend day or holiday the first working day after.',
    estimate: false,
  },
  {
    category: 'income.benefit_svb',
    dayOfMonth: 23,
    shift: 'previous',
    windowDays: 3,
    learnedAfter: 3,
    validFrom: '2006-01-01',
    source: 'SVB pays the AOW around the 23rd of the month (svb.nl, "Betaaldata AOW"; docs/domain.md, money arrival days); the exact day varies per month.',
    estimate: true,
  },
  {
    category: 'income.child_benefit',
    dayOfMonth: 1,
    shift: 'next',
    months: [1, 4, 7, 10],
    windowDays: 5,
    learnedAfter: 3,
    validFrom: '2006-01-01',
    source: 'SVB pays kinderbijslag quarterly, after the quarter it covers, early in January, April, July and October; the day is an estimate.',
    estimate: true,
  },
  {
    category: 'income.salary',
    dayOfMonth: 23,
    shift: 'previous',
    windowDays: 3,
    learnedAfter: 1,
    validFrom: '2006-01-01',
    source: 'Salaries are usually paid monthly around the 20th–25th (common Dutch payroll practice, docs/domain.md); only a fallback until the debtor’s own payday is learned.',
    estimate: true,
  },
];

export function arrivalRuleFor(category: CategoryId, date: IsoDate, calendar: readonly MoneyArrivalRule[] = MONEY_ARRIVAL_CALENDAR): MoneyArrivalRule | null {
  let best: MoneyArrivalRule | null = null;
  for (const rule of calendar) {
    if (rule.category !== category || rule.validFrom > date) continue;
    if (best == null || rule.validFrom > best.validFrom) best = rule;
  }
  return best;
}
