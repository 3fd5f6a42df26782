/**
 * End-of-day balances per account, rebuilt from the booked transactions and whatever balances the
 * bank gave. Banks give one or two balances per statement, not one per day; a balance on any day
 * plus the transactions gives every other day. Each day is computed from the nearest given balance,
 * so a gap in the transactions only misleads the days on its far side.
 */
import type { BalanceType } from '../bank-data/canonical.js';
import { fromDayNumber, toDayNumber, type IsoDate } from '../platform/dates.js';
import { dayNumberOfIso } from '../platform/day-number.js';
import type { AnalysisBalance, AnalysisTransaction } from '../analytics/analysis-input.js';

/** Balance types that state booked money at the end of a day (opening = end of the day before). "Available" types include the credit line and say nothing about being overdrawn. */
const END_OF_DAY_TYPES: ReadonlySet<BalanceType> = new Set(['closingBooked', 'interimBooked']);
const START_OF_DAY_TYPES: ReadonlySet<BalanceType> = new Set(['openingBooked']);

export interface AccountDailyBalances {
  accountIban: string | null;
  days: { date: IsoDate; endOfDayCents: number }[];
}

/** The same balances by day number: endOfDayCents[i] is the end of day firstDay + i. */
export interface AccountDailyBalanceDays {
  accountIban: string | null;
  firstDay: number;
  endOfDayCents: number[];
}

export function reconstructDailyBalances(
  transactions: readonly AnalysisTransaction[],
  balances: readonly AnalysisBalance[],
  from: IsoDate,
  to: IsoDate,
): AccountDailyBalances[] {
  const accounts = reconstructDailyBalanceDays(transactions, balances, from, to);
  if (accounts.length === 0) return [];
  // Every account covers from..to, so the dates are written once and shared.
  const dates = accounts[0]!.endOfDayCents.map((_, i) => fromDayNumber(accounts[0]!.firstDay + i));
  return accounts.map((account) => ({
    accountIban: account.accountIban,
    days: account.endOfDayCents.map((endOfDayCents, i) => ({ date: dates[i]!, endOfDayCents })),
  }));
}

/**
 * The computation, on day numbers and arrays indexed by day: a debtor's window is a year of days
 * per account, and building, parsing and hashing an ISO string for every day was most of the
 * flags' run time. Booking dates are valid ISO dates, so a day number names the same day as the
 * string did; flows are added in transaction order and accumulated day by day, as before.
 */
export function reconstructDailyBalanceDays(
  transactions: readonly AnalysisTransaction[],
  balances: readonly AnalysisBalance[],
  from: IsoDate,
  to: IsoDate,
): AccountDailyBalanceDays[] {
  if (to < from) return [];
  const anchorsByAccount = new Map<string, { day: number; endOfDayCents: number }[]>();
  const keyOf = (iban: string | null) => iban ?? '';
  for (const balance of balances) {
    let day: number;
    if (END_OF_DAY_TYPES.has(balance.type)) day = toDayNumber(balance.date);
    else if (START_OF_DAY_TYPES.has(balance.type)) day = toDayNumber(balance.date) - 1;
    else continue;
    const key = keyOf(balance.accountIban);
    const anchors = anchorsByAccount.get(key);
    if (anchors) anchors.push({ day, endOfDayCents: balance.amountCents });
    else anchorsByAccount.set(key, [{ day, endOfDayCents: balance.amountCents }]);
  }
  if (anchorsByAccount.size === 0) return [];

  const fromDay = toDayNumber(from);
  const toDay = toDayNumber(to);
  // Each account's booked transactions, in their order, found in one pass instead of one per account.
  const bookedByAccount = new Map<string, AnalysisTransaction[]>();
  for (const key of anchorsByAccount.keys()) bookedByAccount.set(key, []);
  for (const tx of transactions) {
    if (tx.status !== 'booked') continue;
    bookedByAccount.get(keyOf(tx.accountIban))?.push(tx);
  }

  const result: AccountDailyBalanceDays[] = [];
  for (const [key, anchors] of anchorsByAccount) {
    let startDay = fromDay;
    let endDay = toDay;
    for (const anchor of anchors) {
      if (anchor.day < startDay) startDay = anchor.day;
      if (anchor.day > endDay) endDay = anchor.day;
    }
    // Flow per day, then cumulative flow up to and including each day, over the whole span that
    // anchors and period cover; bookings outside the span count for no day, as before.
    const cumulative = new Array<number>(endDay - startDay + 1).fill(0);
    for (const tx of bookedByAccount.get(key)!) {
      const index = dayNumberOfIso(tx.bookingDate) - startDay;
      if (index >= 0 && index < cumulative.length) cumulative[index] = cumulative[index]! + tx.amountCents;
    }
    let running = 0;
    for (let i = 0; i < cumulative.length; i += 1) {
      running += cumulative[i]!;
      cumulative[i] = running;
    }
    const endOfDayCents = new Array<number>(toDay - fromDay + 1);
    for (let day = fromDay; day <= toDay; day += 1) {
      let nearest = anchors[0]!;
      for (const anchor of anchors) if (Math.abs(day - anchor.day) < Math.abs(day - nearest.day)) nearest = anchor;
      endOfDayCents[day - fromDay] = nearest.endOfDayCents + cumulative[day - startDay]! - cumulative[nearest.day - startDay]!;
    }
    result.push({ accountIban: key === '' ? null : key, firstDay: fromDay, endOfDayCents });
  }
  return result;
}
