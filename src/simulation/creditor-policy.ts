/**
 * The creditor's behaviour as a policy the simulator can swap: everything the creditor does about
 * money that is overdue, and how the household answers it. Invoicing, direct-debit collection,
 * refunds and the household's own life stay in the engine, the same under every policy, so two
 * policies run on the same households (same seed) differ only in how arrears are handled.
 *
 * A policy runs once a day, after the day's invoicing and collections (creditor-process.ts). It may
 * keep state per household: simulate-households.ts asks a factory for one policy per household.
 * The Monte Carlo futures behind the arrears truth always run under `standardDunning`: the truth is
 * the probability of arrears under today's creditor, whatever policy the actual life runs under.
 */
import type { EngineContext } from './household-engine.js';
import type { InvoiceState } from './household-state.js';

export interface CreditorPolicy {
  /** A stable name for reports: 'standard_dunning', 'draagkracht'. */
  readonly name: string;
  /** The creditor's and the household's arrears steps of one day. */
  arrearsDay(ctx: EngineContext, day: number): void;
}

/** Makes the policy for one household's life; called once per household, after its burn-in. */
export type CreditorPolicyFactory = (ctx: EngineContext) => CreditorPolicy;

/**
 * Where the engine books money that moves because of collection, so that policies can be compared
 * on what they recovered and what it cost the debtor. Only measurement: it never changes the life.
 */
export type PaymentCause = 'arrangement' | 'answer_to_creditor' | 'own_initiative';

export interface CollectionLedger {
  /**
   * The household paid `amountCents` on an invoice by transfer: in an arrangement or plan, in answer
   * to the creditor (a reminder, a promise, a pay-now offer), or on its own initiative (a manual
   * payer's planned payment, on time or late).
   */
  invoicePaid(day: number, invoice: Readonly<InvoiceState>, amountCents: number, cause: PaymentCause): void;
  /** Our creditor's claim went to the agency with `costsCents` of collection costs charged to the debtor. */
  handedOver(day: number, principalCents: number, costsCents: number): void;
  /** The household paid the agency `paidCents`, of which `principalCents` went to our creditor's claim. */
  agencyPaid(day: number, principalCents: number, paidCents: number): void;
}

export { standardDunning } from './creditor-process.js';
