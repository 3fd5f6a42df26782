/**
 * Signals of payment trouble, each with the transactions behind it so a person can check it:
 * returned direct debits (by reason code), days below zero, overdraft use, gambling, BNPL and
 * payday credit, collectors and bailiffs, a drop in income, and data too old or too short to trust.
 */
import type { AnalysisBalance } from '../analytics/analysis-input.js';
import type { CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import { returnReason } from '../analytics/return-reasons.js';
import type { RecurringStream } from '../analytics/streams/detect-streams.js';
import { isStableIncomeCategory } from '../analytics/income-days.js';
import { diffDays, fromDayNumber, type IsoDate } from '../platform/dates.js';
import { dayNumberOfIso } from '../platform/day-number.js';
import { applyBasisPoints, formatEuroNl } from '../platform/money.js';
import { reconstructDailyBalanceDays } from './daily-balances.js';
import { formatEuroEn, formatPercent as percent } from './plain-language.js';
import type { AssessmentPolicyEntry } from './norms/norms.js';
import type { AffordabilityFlag, MonthFigures } from './report.types.js';

export interface FlagContext {
  /** Booked transactions from the start of the flag window up to asOf. */
  transactions: readonly CategorisedTransaction[];
  balances: readonly AnalysisBalance[];
  windowStart: IsoDate;
  asOf: IsoDate;
  months: readonly MonthFigures[];
  streams: readonly RecurringStream[];
  policy: AssessmentPolicyEntry;
  /** Last booking date in all the data (not only the window); null when there is none. */
  lastDataDate: IsoDate | null;
  lastTransactionId: string | null;
}

const euro = formatEuroNl;
const euroEn = formatEuroEn;

export function detectFlags(ctx: FlagContext): AffordabilityFlag[] {
  const flags: AffordabilityFlag[] = [];
  const inMonths = new Set(ctx.months.map((m) => m.month));
  const tx = ctx.transactions;
  const idsOf = (list: readonly CategorisedTransaction[]) => list.map((t) => t.id);

  // The transactions each signal looks at, found in one pass (each list in transaction order, as
  // a filter per list would give).
  const returned: CategorisedTransaction[] = [];
  const overdraftInterest: CategorisedTransaction[] = [];
  const stakes: CategorisedTransaction[] = [];
  const payouts: CategorisedTransaction[] = [];
  const bnpl: CategorisedTransaction[] = [];
  const credit: CategorisedTransaction[] = [];
  const collection: CategorisedTransaction[] = [];
  for (const t of tx) {
    if (t.category === 'reversal.returned_debit' && t.amountCents > 0) returned.push(t);
    if (ctx.policy.overdraftInterestRuleIds.includes(t.ruleId)) overdraftInterest.push(t);
    if (t.category === 'expense.gambling') stakes.push(t);
    if (t.ruleId === 'gambling.payout') payouts.push(t);
    if (t.category === 'expense.bnpl') bnpl.push(t);
    if (t.category === 'expense.credit' || t.category === 'transfer.loan_payout') credit.push(t);
    if (t.category === 'expense.collection') collection.push(t);
  }

  // Returned direct debits, grouped by what the reason code says.
  if (returned.length > 0) {
    const byCode = new Map<string, CategorisedTransaction[]>();
    for (const t of returned) {
      const code = t.returnReasonCode?.toUpperCase() ?? 'none';
      const list = byCode.get(code);
      if (list) list.push(t);
      else byCode.set(code, [t]);
    }
    const returnReasons = [...byCode.entries()].map(([code, list]) => {
      const reason = returnReason(code === 'none' ? null : code);
      return { code: reason.code, signal: reason.signal, meaning: reason.meaning, transactionIds: idsOf(list) };
    });
    const cannotPay = returnReasons.some((r) => r.signal === 'cannot_pay' || r.signal === 'severe_problem');
    const listNl = returnReasons.map((r) => `${r.transactionIds.length}× ${r.meaning.nl}${r.code === 'none' ? '' : ` (${r.code})`}`).join(', ');
    const listEn = returnReasons.map((r) => `${r.transactionIds.length}× ${r.meaning.en}${r.code === 'none' ? '' : ` (${r.code})`}`).join(', ');
    flags.push({
      code: 'returned_direct_debits',
      severity: cannotPay ? 'alert' : 'warning',
      transactionIds: idsOf(returned),
      figures: { count: returned.length },
      returnReasons,
      message: {
        nl: `${returned.length} automatische afschrijving(en) kwamen terug: ${listNl}.`,
        en: `${returned.length} direct debit(s) were returned: ${listEn}.`,
      },
    });
  }

  // Days below zero, from the balances the bank gave and the transactions.
  const lastDay = ctx.lastDataDate != null && ctx.lastDataDate < ctx.asOf ? ctx.lastDataDate : ctx.asOf;
  const accounts = reconstructDailyBalanceDays(tx, ctx.balances, ctx.windowStart, lastDay);
  const negativeDays: IsoDate[] = [];
  let lowest = 0;
  // The debits behind each negative day, listed account by account and day by day, each day's in
  // transaction order. The lists are made for the negative days first and then filled in one pass
  // over the debits (a day number names the same day as its ISO date).
  const negativeDayDebits = new Map<string, Map<number, string[]>>();
  const debitLists: string[][] = [];
  for (const account of accounts) {
    const accountKey = account.accountIban ?? '';
    for (let i = 0; i < account.endOfDayCents.length; i += 1) {
      const endOfDayCents = account.endOfDayCents[i]!;
      if (endOfDayCents >= 0) continue;
      const day = account.firstDay + i;
      negativeDays.push(fromDayNumber(day));
      lowest = Math.min(lowest, endOfDayCents);
      let byDay = negativeDayDebits.get(accountKey);
      if (!byDay) negativeDayDebits.set(accountKey, (byDay = new Map()));
      const ids: string[] = [];
      byDay.set(day, ids);
      debitLists.push(ids);
    }
  }
  if (debitLists.length > 0) {
    for (const t of tx) {
      if (t.amountCents >= 0) continue;
      negativeDayDebits.get(t.accountIban ?? '')?.get(dayNumberOfIso(t.bookingDate))?.push(t.id);
    }
  }
  const negativeDayIds: string[] = [];
  for (const ids of debitLists) for (const id of ids) negativeDayIds.push(id);
  const uniqueNegativeDays = [...new Set(negativeDays)].sort();
  if (uniqueNegativeDays.length > 0) {
    flags.push({
      code: 'negative_balance_days',
      severity: 'warning',
      transactionIds: negativeDayIds,
      figures: { days: uniqueNegativeDays.length, lowestBalanceCents: lowest },
      days: uniqueNegativeDays,
      message: {
        nl: `Op ${uniqueNegativeDays.length} dag(en) stond de rekening rood. Het laagste saldo was ${euro(lowest)}.`,
        en: `The account was below zero on ${uniqueNegativeDays.length} day(s). The lowest balance was ${euroEn(lowest)}.`,
      },
    });
  }

  // Overdraft use: interest charged for being overdrawn, or overdrawn for several days.
  if (overdraftInterest.length > 0 || uniqueNegativeDays.length >= ctx.policy.overdraftMinNegativeDays) {
    const interestCents = -overdraftInterest.reduce((a, t) => a + t.amountCents, 0);
    flags.push({
      code: 'overdraft_use',
      severity: 'warning',
      transactionIds: [...idsOf(overdraftInterest), ...(uniqueNegativeDays.length >= ctx.policy.overdraftMinNegativeDays ? negativeDayIds : [])],
      figures: { interestCents, negativeDays: uniqueNegativeDays.length },
      message: {
        nl: `Er wordt rood gestaan op de rekening${interestCents > 0 ? `; daarvoor is ${euro(interestCents)} rente betaald` : ''}.`,
        en: `The overdraft is being used${interestCents > 0 ? `; ${euroEn(interestCents)} interest was charged for it` : ''}.`,
      },
    });
  }

  // Gambling: what goes to gambling as a share of the income of the assessed months.
  const stakesInMonths = -stakes.filter((t) => inMonths.has(t.bookingDate.slice(0, 7))).reduce((a, t) => a + t.amountCents, 0);
  const incomeInMonths = ctx.months.reduce((a, m) => a + m.incomeCents, 0);
  const shareBp = incomeInMonths > 0 ? Math.round((stakesInMonths * 10_000) / incomeInMonths) : stakesInMonths > 0 ? 10_000 : 0;
  if (stakes.length > 0 && shareBp >= ctx.policy.gamblingShareFlagBasisPoints) {
    flags.push({
      code: 'gambling',
      severity: 'alert',
      transactionIds: [...idsOf(stakes), ...idsOf(payouts)],
      figures: { stakesCents: stakesInMonths, incomeCents: incomeInMonths, shareBasisPoints: shareBp },
      message: {
        nl: `Er ging ${euro(stakesInMonths)} naar gokken. Dat is ${percent(shareBp)} van het inkomen.`,
        en: `${euroEn(stakesInMonths)} went to gambling: ${percent(shareBp)} of income.`,
      },
    });
  }

  const simpleFlag = (code: AffordabilityFlag['code'], severity: AffordabilityFlag['severity'], list: CategorisedTransaction[], nl: (total: string) => string, en: (total: string) => string) => {
    if (list.length === 0) return;
    const totalOut = -list.filter((t) => t.amountCents < 0).reduce((a, t) => a + t.amountCents, 0);
    const totalIn = list.filter((t) => t.amountCents > 0).reduce((a, t) => a + t.amountCents, 0);
    flags.push({
      code,
      severity,
      transactionIds: idsOf(list),
      figures: { count: list.length, paidCents: totalOut, receivedCents: totalIn },
      message: { nl: nl(euro(totalOut)), en: en(euroEn(totalOut)) },
    });
  };
  simpleFlag(
    'bnpl_use',
    'warning',
    bnpl,
    (total) => `Er wordt achteraf betaald (zoals Klarna of Riverty): ${total} in totaal.`,
    (total) => `Buy-now-pay-later is used (such as Klarna or Riverty): ${total} in total.`,
  );
  if (credit.length > 0) {
    const received = credit.filter((t) => t.amountCents > 0).reduce((a, t) => a + t.amountCents, 0);
    const paid = -credit.filter((t) => t.amountCents < 0).reduce((a, t) => a + t.amountCents, 0);
    flags.push({
      code: 'payday_credit_use',
      severity: received > 0 ? 'alert' : 'warning',
      transactionIds: idsOf(credit),
      figures: { count: credit.length, borrowedCents: received, repaidCents: paid },
      message: {
        nl: `Er is geld geleend bij een kredietverstrekker: ${euro(received)} ontvangen, ${euro(paid)} terugbetaald.`,
        en: `Money was borrowed from a lender: ${euroEn(received)} received, ${euroEn(paid)} repaid.`,
      },
    });
  }
  simpleFlag(
    'collector_payments',
    'alert',
    collection,
    (total) => `Er is betaald aan een incassobureau of deurwaarder: ${total} in totaal.`,
    (total) => `Payments went to a collection agency or bailiff: ${total} in total.`,
  );

  // Income drop: the last months' stable income against the months before, or a salary that stopped.
  const recentCount = ctx.policy.incomeDropRecentMonths;
  if (ctx.months.length > recentCount) {
    const recent = ctx.months.slice(-recentCount);
    const earlier = ctx.months.slice(0, -recentCount);
    const recentAverage = Math.round(recent.reduce((a, m) => a + m.stableIncomeCents, 0) / recent.length);
    const earlierAverage = Math.round(earlier.reduce((a, m) => a + m.stableIncomeCents, 0) / earlier.length);
    const threshold = applyBasisPoints(earlierAverage, ctx.policy.incomeDropRatioBasisPoints);
    const stoppedSalary = ctx.streams.filter((s) => s.category === 'income.salary' && s.direction === 'in' && s.status === 'inactive' && s.occurrences >= 2 && s.lastDate >= ctx.windowStart);
    if ((earlierAverage > 0 && recentAverage < threshold) || stoppedSalary.length > 0) {
      const recentMonths = new Set(recent.map((m) => m.month));
      const earlierMonths = new Set(earlier.map((m) => m.month));
      const stable = tx.filter((t) => t.amountCents > 0 && isStableIncomeCategory(t.category) && (recentMonths.has(t.bookingDate.slice(0, 7)) || earlierMonths.has(t.bookingDate.slice(0, 7))));
      const ids = new Set([...idsOf(stable), ...stoppedSalary.flatMap((s) => s.transactionIds)]);
      flags.push({
        code: 'income_drop',
        severity: 'alert',
        transactionIds: [...ids],
        figures: {
          recentAverageCents: recentAverage,
          earlierAverageCents: earlierAverage,
          thresholdCents: threshold,
          stoppedSalaryStreams: stoppedSalary.length,
          lastSalaryDate: stoppedSalary.map((s) => s.lastDate).sort().pop() ?? null,
        },
        message: {
          nl:
            stoppedSalary.length > 0
              ? `Het salaris is gestopt. De laatste betaling was op ${stoppedSalary.map((s) => s.lastDate).sort().pop()}. Het vaste inkomen was de laatste ${recentCount} maanden gemiddeld ${euro(recentAverage)}, daarvoor ${euro(earlierAverage)}.`
              : `Het vaste inkomen is gedaald: de laatste ${recentCount} maanden gemiddeld ${euro(recentAverage)}, daarvoor ${euro(earlierAverage)}.`,
          en:
            stoppedSalary.length > 0
              ? `The salary has stopped; the last payment was on ${stoppedSalary.map((s) => s.lastDate).sort().pop()}. Stable income averaged ${euroEn(recentAverage)} over the last ${recentCount} months, ${euroEn(earlierAverage)} before.`
              : `Stable income dropped: ${euroEn(recentAverage)} a month over the last ${recentCount} months against ${euroEn(earlierAverage)} before.`,
        },
      });
    }
  }

  // Data quality: nothing recent, or too few months to judge.
  const staleSince = ctx.lastDataDate == null ? null : diffDays(ctx.asOf, ctx.lastDataDate);
  if (staleSince == null || staleSince > ctx.policy.staleDataDays) {
    flags.push({
      code: 'stale_data',
      severity: 'warning',
      transactionIds: ctx.lastTransactionId ? [ctx.lastTransactionId] : [],
      figures: { lastTransactionDate: ctx.lastDataDate, daysSince: staleSince, limitDays: ctx.policy.staleDataDays },
      message: {
        nl: ctx.lastDataDate == null ? 'Er zijn geen transacties.' : `De laatste transactie is van ${ctx.lastDataDate}. Dat is ${staleSince} dagen geleden. De gegevens zijn misschien niet meer actueel.`,
        en: ctx.lastDataDate == null ? 'There are no transactions.' : `The last transaction is from ${ctx.lastDataDate}, ${staleSince} days ago; the data may be out of date.`,
      },
    });
  }
  if (ctx.months.length < ctx.policy.minMonthsAssessed) {
    flags.push({
      code: 'short_history',
      severity: 'warning',
      transactionIds: [],
      figures: { monthsAssessed: ctx.months.length, minimumMonths: ctx.policy.minMonthsAssessed },
      message: {
        nl: `We konden maar ${ctx.months.length} hele maand(en) bekijken. Dat is te kort voor een betrouwbaar beeld.`,
        en: `Only ${ctx.months.length} complete month(s) could be assessed; fewer than ${ctx.policy.minMonthsAssessed} is too short to rely on.`,
      },
    });
  }
  return flags;
}
