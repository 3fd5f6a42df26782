/**
 * Statutory interest on a claim (art. 6:119 BW, and art. 6:119a for commercial claims), for the days
 * from the first day of default through a given day, with part payments.
 *
 * How it is computed, so a person can redo it:
 * - The days are cut into periods wherever the base or the rate can change: a rate change, an
 *   anniversary of the first day of default, a payment. Within a period both are constant.
 * - Interest of a period = base × annual rate × days / 365, rounded half up to the cent per period.
 *   Day count actual/365: every day is 1/365 of the annual rate, leap year or not. The Dutch
 *   interest calculators (and the creditors' collection software courts see) count this way, and it
 *   keeps a day's interest the same in every year, so the breakdown is easy to check by hand.
 * - Compound per year (art. 6:119 lid 2 BW): at the end of each year of default (on each anniversary
 *   of the first day of default) the interest of that year still unpaid is added to the base.
 *   A contract rate is simple interest: yearly compounding of it would need a term in the contract.
 * - A payment is counted at the start of its day (that day earns no interest on what it paid off) and
 *   is allocated as art. 6:44 BW says: first to costs, then to interest (the oldest, already added to
 *   the base, first), then to the principal. What is left over is reported as unallocated.
 */
import { addDays, diffDays, addMonths, type IsoDate } from '../platform/dates.js';
import { ClaimNormsError, entryOn, lastKnownKeptFrom, type InterestRateTable } from './claim-norms.js';
import { divideRoundHalfUp } from './rounding.js';

export interface Payment {
  on: IsoDate;
  cents: number;
}

export interface InterestOptions {
  payments?: readonly Payment[];
  /** Collection costs a payment on or after `payableFrom` pays first (art. 6:44 BW). */
  costs?: { cents: number; payableFrom: IsoDate };
  /** Add each year's unpaid interest to the base at the anniversary (statutory interest); default true. */
  compoundYearly?: boolean;
}

export interface InterestPeriod {
  from: IsoDate;
  /** The period's last day (inclusive). */
  through: IsoDate;
  days: number;
  baseCents: number;
  rateBasisPoints: number;
  /** The rate table entry used, and whether its period had passed by the period's end (a later rate is missing from the table). */
  rateValidFrom: IsoDate;
  lastKnownKept: boolean;
  /** baseCents × rateBasisPoints / 10,000 × days / 365, rounded half up to the cent. */
  interestCents: number;
}

export interface PaymentAllocation extends Payment {
  toCostsCents: number;
  toInterestCents: number;
  toPrincipalCents: number;
  unallocatedCents: number;
}

export interface InterestResult {
  firstDay: IsoDate;
  lastDay: IsoDate;
  /** The sum of the periods' interest: all interest accrued, paid or not. */
  totalInterestCents: number;
  interestPaidCents: number;
  interestOutstandingCents: number;
  principalOutstandingCents: number;
  costsPaidCents: number;
  costsOutstandingCents: number;
  periods: InterestPeriod[];
  /** Interest added to the base on each anniversary. */
  capitalisations: { on: IsoDate; cents: number }[];
  payments: PaymentAllocation[];
}

const DAYS_PER_YEAR = 365n;
const BASIS_POINTS = 10_000n;

/**
 * Interest on `principalCents` for the days `firstDay` through `lastDay` (both included), at the rates
 * of `rates`. Payments dated before `firstDay` lower the principal before any interest runs; payments
 * after `lastDay` have not happened yet and are left out.
 */
export function statutoryInterest(principalCents: number, firstDay: IsoDate, lastDay: IsoDate, rates: InterestRateTable, options: InterestOptions = {}): InterestResult {
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) throw new RangeError('principalCents must be a non-negative integer');
  const compound = options.compoundYearly ?? true;
  const payments = [...(options.payments ?? [])].filter((p) => p.on <= lastDay).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  for (const p of payments) if (!Number.isSafeInteger(p.cents) || p.cents <= 0) throw new RangeError('a payment must be a positive integer of cents');

  const state = { principal: principalCents, capitalised: 0, yearInterest: 0, costs: 0, costsPaid: 0, interestPaid: 0 };
  const costsFrom = options.costs && options.costs.cents > 0 ? options.costs.payableFrom : null;
  const allocations: PaymentAllocation[] = [];
  const pay = (payment: Payment): void => {
    if (costsFrom !== null && payment.on >= costsFrom && state.costs + state.costsPaid === 0) state.costs = options.costs!.cents;
    let left = payment.cents;
    const toCosts = Math.min(left, state.costs);
    state.costs -= toCosts;
    state.costsPaid += toCosts;
    left -= toCosts;
    const toCapitalised = Math.min(left, state.capitalised);
    state.capitalised -= toCapitalised;
    left -= toCapitalised;
    const toYear = Math.min(left, state.yearInterest);
    state.yearInterest -= toYear;
    left -= toYear;
    state.interestPaid += toCapitalised + toYear;
    const toPrincipal = Math.min(left, state.principal);
    state.principal -= toPrincipal;
    left -= toPrincipal;
    allocations.push({ ...payment, toCostsCents: toCosts, toInterestCents: toCapitalised + toYear, toPrincipalCents: toPrincipal, unallocatedCents: left });
  };

  let nextPayment = 0;
  while (nextPayment < payments.length && payments[nextPayment]!.on < firstDay) pay(payments[nextPayment++]!);

  const periods: InterestPeriod[] = [];
  const capitalisations: { on: IsoDate; cents: number }[] = [];
  if (firstDay <= lastDay) {
    const end = addDays(lastDay, 1);
    const boundaries = new Set<IsoDate>();
    for (const entry of rates.entries) if (entry.validFrom > firstDay && entry.validFrom < end) boundaries.add(entry.validFrom);
    // Only changes of base or rate cut a period: every cut is one more rounding. The day collection
    // costs become payable and the day a rate passes its period change neither.
    const keptFrom = lastKnownKeptFrom(rates);
    const anniversaries = new Set<IsoDate>();
    for (let year = 1; ; year += 1) {
      const anniversary = addMonths(firstDay, 12 * year);
      if (anniversary >= end) break;
      anniversaries.add(anniversary);
      boundaries.add(anniversary);
    }
    for (const p of payments) if (p.on > firstDay) boundaries.add(p.on);
    const cuts = [...boundaries].sort();

    let day = firstDay;
    let cut = 0;
    while (day < end) {
      if (compound && anniversaries.has(day) && state.yearInterest > 0) {
        capitalisations.push({ on: day, cents: state.yearInterest });
        state.capitalised += state.yearInterest;
        state.yearInterest = 0;
      }
      while (nextPayment < payments.length && payments[nextPayment]!.on === day) pay(payments[nextPayment++]!);
      while (cut < cuts.length && cuts[cut]! <= day) cut += 1;
      const next = cut < cuts.length ? cuts[cut]! : end;
      const entry = entryOn(rates.entries, day);
      if (entry === null) throw new ClaimNormsError(rates.name, `no rate known on ${day}; the table starts ${rates.entries[0]?.validFrom ?? 'nowhere'}`);
      const days = diffDays(next, day);
      const base = state.principal + state.capitalised;
      const interest = divideRoundHalfUp(BigInt(base) * BigInt(entry.rateBasisPoints) * BigInt(days), BASIS_POINTS * DAYS_PER_YEAR);
      periods.push({ from: day, through: addDays(next, -1), days, baseCents: base, rateBasisPoints: entry.rateBasisPoints, rateValidFrom: entry.validFrom, lastKnownKept: keptFrom !== null && addDays(next, -1) >= keptFrom, interestCents: interest });
      state.yearInterest += interest;
      day = next;
    }
  }
  // Payments before the first day when the span is empty (lastDay before firstDay) were handled above;
  // none are left, because every payment is on or before lastDay.
  const totalInterest = periods.reduce((sum, p) => sum + p.interestCents, 0);
  return {
    firstDay,
    lastDay,
    totalInterestCents: totalInterest,
    interestPaidCents: state.interestPaid,
    interestOutstandingCents: state.capitalised + state.yearInterest,
    principalOutstandingCents: state.principal,
    costsPaidCents: state.costsPaid,
    costsOutstandingCents: costsFrom !== null && costsFrom <= lastDay ? (state.costs + state.costsPaid === 0 ? options.costs!.cents : state.costs) : 0,
    periods,
    capitalisations,
    payments: allocations,
  };
}
