/**
 * End-of-day balances per account, rebuilt from the booked transactions and whatever balances the
 * bank gave. Banks give one or two balances per statement, not one per day; a balance on any day
 * plus the transactions gives every other day. Each day is computed from the nearest given balance,
 * so a gap in the transactions only misleads the days on its far side.
 */
import type { BalanceType } from '../bank-data/canonical.js';
import { addDays, diffDays, type IsoDate } from '../platform/dates.js';
import type { AnalysisBalance, AnalysisTransaction } from '../analytics/analysis-input.js';

/** Balance types that state booked money at the end of a day (opening = end of the day before). "Available" types include the credit line and say nothing about being overdrawn. */
const END_OF_DAY_TYPES: ReadonlySet<BalanceType> = new Set(['closingBooked', 'interimBooked']);
const START_OF_DAY_TYPES: ReadonlySet<BalanceType> = new Set(['openingBooked']);

export interface AccountDailyBalances {
  accountIban: string | null;
  days: { date: IsoDate; endOfDayCents: number }[];
}

export function reconstructDailyBalances(
  transactions: readonly AnalysisTransaction[],
  balances: readonly AnalysisBalance[],
  from: IsoDate,
  to: IsoDate,
): AccountDailyBalances[] {
  if (to < from) return [];
  const anchorsByAccount = new Map<string, { date: IsoDate; endOfDayCents: number }[]>();
  const keyOf = (iban: string | null) => iban ?? '';
  for (const balance of balances) {
    let date: IsoDate;
    if (END_OF_DAY_TYPES.has(balance.type)) date = balance.date;
    else if (START_OF_DAY_TYPES.has(balance.type)) date = addDays(balance.date, -1);
    else continue;
    const key = keyOf(balance.accountIban);
    const anchors = anchorsByAccount.get(key);
    if (anchors) anchors.push({ date, endOfDayCents: balance.amountCents });
    else anchorsByAccount.set(key, [{ date, endOfDayCents: balance.amountCents }]);
  }

  const result: AccountDailyBalances[] = [];
  for (const [key, anchors] of anchorsByAccount) {
    const flows = new Map<IsoDate, number>();
    for (const tx of transactions) {
      if (tx.status !== 'booked' || keyOf(tx.accountIban) !== key) continue;
      flows.set(tx.bookingDate, (flows.get(tx.bookingDate) ?? 0) + tx.amountCents);
    }
    const dates = [from, to, ...anchors.map((a) => a.date)].sort();
    const start = dates[0]!;
    const end = dates[dates.length - 1]!;
    // Cumulative flow up to and including each day, over the whole span that anchors and period cover.
    const cumulative = new Map<IsoDate, number>();
    let running = 0;
    for (let d = start; d <= end; d = addDays(d, 1)) {
      running += flows.get(d) ?? 0;
      cumulative.set(d, running);
    }
    const days: AccountDailyBalances['days'] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) {
      let nearest = anchors[0]!;
      for (const anchor of anchors) if (Math.abs(diffDays(d, anchor.date)) < Math.abs(diffDays(d, nearest.date))) nearest = anchor;
      days.push({ date: d, endOfDayCents: nearest.endOfDayCents + cumulative.get(d)! - cumulative.get(nearest.date)! });
    }
    result.push({ accountIban: key === '' ? null : key, days });
  }
  return result;
}
