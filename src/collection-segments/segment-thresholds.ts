/**
 * The thresholds of the debtor segments: tenant configuration (policy kind `collection_segments`),
 * with the defaults below when a tenant has set nothing. A tenant's document only names what it
 * changes; every other threshold keeps its default, so a later default that is better tuned reaches
 * tenants that never touched it.
 *
 * The defaults were tuned on the household simulator (scripts/measure-collection-segments.ts, seed
 * 11) and reported on another seed; docs/collection-segments.md gives the reasoning per threshold.
 */
import { Type, type Static } from '@sinclair/typebox';

const Int = (minimum: number, maximum: number, description: string) => Type.Integer({ minimum, maximum, description });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const CollectionSegmentThresholdsSchema = Type.Object(
  {
    lookbackDays: Int(30, 730, 'Returned direct debits, broken promises and changes count when they happened this many days before asOf or less.'),
    insufficientFundsReturnsMin: Int(1, 50, "Can't pay: at least this many returns for insufficient funds (AM04) in the look-back."),
    affordableBelowCents: Int(0, 10_000_000, "Can't pay: the affordable instalment of an average month (high) is below this, in cents."),
    disposableBelowCents: Int(-10_000_000, 10_000_000, "Can't pay: the average month's disposable income is below this, in cents (income minus essential costs and debt service)."),
    negativeBalanceDaysMin: Int(1, 400, "Can't pay: the account was below zero on at least this many days in the assessed months."),
    modelProbabilityMin: Share("Can't pay: the champion model's probability of arrears is at least this while the bank data does not show room to pay."),
    ableMinAffordableCents: Int(0, 10_000_000, 'Able to pay: the affordable instalment of a bad month (low) is at least this, in cents. Won’t-pay rules need it.'),
    refusalReturnsMin: Int(1, 50, 'Won’t pay: at least this many refusals or refund requests (MS02, MD06, SP01 …) in the look-back while able.'),
    mandateProblemsMin: Int(1, 50, 'Won’t pay: at least this many returns for a revoked or missing mandate (MD01, CN01 …) in the look-back while able.'),
    unansweredRemindersMin: Int(1, 50, 'Won’t pay: at least this many reminders left unanswered while able.'),
    brokenPromisesMin: Int(1, 50, 'Won’t pay: at least this many broken promises to pay while able.'),
    reminderPaidWithinDays: Int(1, 90, 'Forgot: an invoice paid in full within this many days after its first reminder, with no second reminder, counts as "paid after one reminder".'),
    paidAfterOneReminderMin: Int(1, 50, 'Forgot: at least this many invoices paid after one reminder.'),
    lateShareMin: Share('Forgot: at least this share of paid invoices was paid late …'),
    lateMaxMedianDelayDays: Int(1, 365, '… by a median delay of at most this many days, while the bank data shows a buffer (affordable low at least ableMinAffordableCents).'),
    goodHistoryInvoicesMin: Int(1, 100, 'Good history: at least this many invoices paid before the trouble began …'),
    goodHistoryOnTimeShareMin: Share('… of which at least this share within goodHistoryGraceDays of the due date.'),
    goodHistoryGraceDays: Int(0, 60, 'Days after the due date that still count as on time for the good history.'),
    lifeEventWithinDays: Int(1, 730, 'Temporary shock: a move, a new bank account or new contact details at most this many days before asOf.'),
    collectorsMin: Int(1, 50, 'Complex debt: payments to at least this many different collection agencies or bailiffs.'),
    debtCreditorsMin: Int(1, 100, 'Complex debt: payments to at least this many different lenders, collectors and other creditors (BNPL, payday credit, repayments, fines, allowance repayments).'),
    paydayCreditBorrowedMinCents: Int(1, 100_000_000, 'Complex debt: at least this much borrowed from payday or consumer lenders in the assessed months, in cents.'),
    gamblingShareMinBasisPoints: Int(1, 10_000, 'Complex debt: stakes at least this share of income in the assessed months, in basis points (100 = 1 %).'),
    complexDebtFromScore: Type.Number({ minimum: 0, maximum: 100, description: 'Complex debt is the segment once its score reaches this, whatever the other scores: debt help first.' }),
    secondaryMinScore: Type.Number({ minimum: 0, maximum: 100, description: 'A second segment is named when its score reaches this.' }),
    noRiskMaxProbability: Share('No risk: without overdue claims or fired rules, and a model probability (when there is one) below this.'),
    contactWindowWorkingDays: Int(1, 10, 'The contact window: this many working days from the first working day after the main income arrives.'),
    quietDaysBeforeIncome: Int(0, 14, 'No contact in this many days before the next predicted income: the money of the last payday is gone by then.'),
  },
  { additionalProperties: false, description: 'Thresholds of the debtor segments; amounts in cents, shares between 0 and 1.' },
);

export type CollectionSegmentThresholds = Static<typeof CollectionSegmentThresholdsSchema>;

/** What a tenant stores: any subset of the thresholds. */
export const CollectionSegmentOverridesSchema = Type.Partial(CollectionSegmentThresholdsSchema, { additionalProperties: false });
export type CollectionSegmentOverrides = Static<typeof CollectionSegmentOverridesSchema>;

/**
 * The defaults. Each one says why it sits where it does; the figures come from the simulator runs
 * in docs/collection-segments.md and from the domain notes.
 */
export const DEFAULT_COLLECTION_SEGMENT_THRESHOLDS: CollectionSegmentThresholds = {
  // Half a year: long enough to see a pattern of returns, short enough that an old episode has passed.
  lookbackDays: 180,
  // One AM04 says the account was empty on one collection day, which a collection day just before
  // payday does to good payers too; two in half a year are a pattern (on seed 11 the forgetful and
  // "other" households read as can't pay fell from 64 to 55 against one, when tuned).
  insufficientFundsReturnsMin: 2,
  // EUR 50 a month: below this no plan for a typical energy arrear ends within the 18-month maximum term.
  affordableBelowCents: 5_000,
  // Disposable income below zero: essentials and debt service already take more than comes in.
  disposableBelowCents: 0,
  // About a week a month below zero over the assessed year: living on the overdraft, not a slip.
  negativeBalanceDaysMin: 30,
  // A model that expects arrears more likely than not, with nothing in the bank data against it.
  modelProbabilityMin: 0.5,
  // EUR 100 in a bad month: enough room that refusing a collection was a choice.
  ableMinAffordableCents: 10_000,
  refusalReturnsMin: 1,
  mandateProblemsMin: 1,
  // Two reminders in a row without an answer: one may be lost in the post, two are avoidance.
  unansweredRemindersMin: 2,
  brokenPromisesMin: 1,
  // The Dutch dunning ladder sends the 14-day letter 14 days after the reminder: paid before it is "forgot".
  reminderPaidWithinDays: 14,
  // Twice: once happens to nearly everyone in arrears, won't-payers included (seed 11: 55 of 106).
  paidAfterOneReminderMin: 2,
  lateShareMin: 0.3,
  lateMaxMedianDelayDays: 21,
  goodHistoryInvoicesMin: 3,
  goodHistoryOnTimeShareMin: 0.8,
  goodHistoryGraceDays: 5,
  // Four months: the arrears that follow a job loss or separation appear one to three months later.
  lifeEventWithinDays: 120,
  collectorsMin: 2,
  debtCreditorsMin: 3,
  paydayCreditBorrowedMinCents: 1,
  // 5 % of income: the affordability flag's own level is lower (any regular play); a twentieth of the
  // income lost is where the simulator's compulsive gamblers sit and lottery subscribers do not.
  gamblingShareMinBasisPoints: 500,
  // Two collectors alone (weight 2) are enough: with several creditors collecting, one creditor's plan breaks.
  complexDebtFromScore: 2,
  secondaryMinScore: 1,
  noRiskMaxProbability: 0.2,
  // Three working days: most fixed costs leave the account in the first days after payday, so a
  // request later in the month meets an empty account.
  contactWindowWorkingDays: 3,
  // Five days: the days before payday are when the account is lowest and a request only hurts.
  quietDaysBeforeIncome: 5,
};

/** The tenant's thresholds: its overrides on top of the defaults. */
export function resolveThresholds(overrides: CollectionSegmentOverrides | null | undefined): CollectionSegmentThresholds {
  return { ...DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, ...(overrides ?? {}) };
}
