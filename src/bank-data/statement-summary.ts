/**
 * What a parsed bank file holds, in the terms a debtor can check before it is used: which accounts,
 * which period, how many entries, how much money in and out. Shown on the debtor's page between the
 * upload and the confirmation, and stored with the staged draft (upload-drafts.service.ts), so the
 * file is parsed once and the summary the debtor confirmed is the one kept.
 *
 * Pure: no I/O, no clock. Dates are the entries' booking dates (a pending entry's stand-in date).
 */
import { daysInMonth, type IsoDate } from '../platform/dates.js';
import type { BankFormat, ParsedStatement } from './canonical.js';

export interface AccountSummary {
  iban: string | null;
  otherId: string | null;
  currency: string | null;
  ownerName: string | null;
  transactions: number;
  booked: number;
  pending: number;
  /** Earliest and latest booking date of the account's entries; null when it has none. */
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  /** Sum of the positive amounts (money in). */
  creditsCents: number;
  /** Sum of the negative amounts, as a positive number (money out). */
  debitsCents: number;
}

export interface StatementTotals {
  accounts: number;
  transactions: number;
  booked: number;
  pending: number;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  /** Calendar months the period firstDate..lastDate touches (15 Jan to 10 Mar: 3); 0 without entries. */
  months: number;
  /** Whole calendar months inside firstDate..lastDate (15 Jan to 10 Mar: 1, February); 0 without entries. */
  fullMonths: number;
  balances: number;
  warnings: number;
  /** Entries skipped in lenient parsing. */
  rejected: number;
}

/**
 * Money totals are per account only: adding euros of one account to pounds of another would show
 * the debtor a number that means nothing.
 */
export interface StatementSummary {
  format: BankFormat;
  accounts: AccountSummary[];
  totals: StatementTotals;
}

/**
 * The summary of a statement. `warnings` overrides the statement's own warning count (a caller that
 * parsed in a worker may hold the warnings apart from the statement).
 */
export function summariseStatement(statement: ParsedStatement, warnings?: number): StatementSummary {
  const accounts: AccountSummary[] = statement.accounts.map((a) => ({
    iban: a.iban,
    otherId: a.otherId,
    currency: a.currency,
    ownerName: a.ownerName,
    transactions: 0,
    booked: 0,
    pending: 0,
    firstDate: null,
    lastDate: null,
    creditsCents: 0,
    debitsCents: 0,
  }));
  for (const t of statement.transactions) {
    const account = accounts[t.accountIndex];
    // Adapters always point into `accounts`; an entry that does not is left out everywhere, so the
    // totals stay the sums of the accounts.
    if (!account) continue;
    account.transactions += 1;
    if (t.status === 'booked') account.booked += 1;
    else account.pending += 1;
    if (account.firstDate === null || t.bookingDate < account.firstDate) account.firstDate = t.bookingDate;
    if (account.lastDate === null || t.bookingDate > account.lastDate) account.lastDate = t.bookingDate;
    if (t.amountCents > 0) account.creditsCents += t.amountCents;
    else account.debitsCents -= t.amountCents;
  }

  let firstDate: IsoDate | null = null;
  let lastDate: IsoDate | null = null;
  for (const a of accounts) {
    if (a.firstDate !== null && (firstDate === null || a.firstDate < firstDate)) firstDate = a.firstDate;
    if (a.lastDate !== null && (lastDate === null || a.lastDate > lastDate)) lastDate = a.lastDate;
  }
  const sum = (f: (a: AccountSummary) => number) => accounts.reduce((n, a) => n + f(a), 0);
  return {
    format: statement.format,
    accounts,
    totals: {
      accounts: accounts.length,
      transactions: sum((a) => a.transactions),
      booked: sum((a) => a.booked),
      pending: sum((a) => a.pending),
      firstDate,
      lastDate,
      months: firstDate !== null && lastDate !== null ? monthsTouched(firstDate, lastDate) : 0,
      fullMonths: firstDate !== null && lastDate !== null ? wholeMonthsWithin(firstDate, lastDate) : 0,
      balances: statement.balances.length,
      warnings: warnings ?? statement.warnings.length,
      rejected: statement.rejected.length,
    },
  };
}

/** Index of a date's calendar month counted from year 0 (2026-03-xx → 2026·12 + 2). */
function monthIndex(date: IsoDate): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** Calendar months from first's month to last's month, both counted. */
export function monthsTouched(first: IsoDate, last: IsoDate): number {
  return Math.max(0, monthIndex(last) - monthIndex(first) + 1);
}

/** Calendar months whose first and last day both lie within first..last. */
export function wholeMonthsWithin(first: IsoDate, last: IsoDate): number {
  if (last < first) return 0;
  // The first whole month starts on the 1st on or after `first`; the last ends on the month-end on or before `last`.
  const start = monthIndex(first) + (first.slice(8, 10) === '01' ? 0 : 1);
  const lastYear = Number(last.slice(0, 4));
  const lastMonth = Number(last.slice(5, 7));
  const end = monthIndex(last) - (Number(last.slice(8, 10)) === daysInMonth(lastYear, lastMonth) ? 0 : 1);
  return Math.max(0, end - start + 1);
}
