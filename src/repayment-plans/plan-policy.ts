/**
 * The tenant's repayment-plan policy (policy kind `repayment_plans`): how long a plan may run, which
 * rewards keep a debtor going, and how much slack the matcher allows. Every field has a default here
 * so a tenant without a policy gets the behaviour the issue describes (18 months, costs waived when
 * paid within 3 days).
 */
export interface RepaymentPlanPolicy {
  /** The longest plan offered, in monthly instalments. */
  maxTermMonths: number;
  /** The smallest instalment worth a plan: below it a longer plan only adds administration. */
  minimumInstalmentCents: number;
  payNow: {
    /** Days from the offer within which paying in full earns the reward. */
    withinDays: number;
    /** Collection costs waived when paid within those days. */
    waiveCosts: boolean;
  };
  rewards: {
    /** Collection costs waived when every instalment was paid on time. */
    costsWaivedAtCompletion: boolean;
    /** Discount on the last instalment when every earlier instalment was paid on time, in basis points of the plan total. */
    lastInstalmentDiscountBasisPoints: number;
  };
  /** How long an offer stays open. */
  offerValidDays: number;
  matching: {
    /** A payment within this many cents of an instalment matches it without a reference. */
    toleranceCents: number;
    /** A payment this many days before or after the due date matches without a reference. */
    toleranceDays: number;
  };
  /** Days after the due date before an unpaid instalment counts as missed (before that it is late). */
  missedAfterDays: number;
  /** Days after the due date within which a payment still counts as on time (the reward is kept). */
  graceDays: number;
  /** Missed instalments at which the plan is breached. */
  breachAfterMissed: number;
  /**
   * A margin on top of the protected amount (beslagvrije voet) when capping instalments, in basis
   * points of the debtor's average stable income. The report's income, housing costs and household
   * type are estimates; the margin keeps an error there from taking a household below what the law
   * protects. 500 (5 %) is the margin the policy simulation validated (docs/policy-simulation.md).
   */
  protectedMarginBasisPoints: number;
  /**
   * Who the debtor pays: the creditor's account for the payment links and for recognising the
   * debtor's transfers in bank data. Null until the tenant sets it; payment links need it.
   */
  payee: { name: string; iban: string; bic?: string } | null;
}

export const DEFAULT_REPAYMENT_PLAN_POLICY: RepaymentPlanPolicy = {
  maxTermMonths: 18,
  minimumInstalmentCents: 1000,
  payNow: { withinDays: 3, waiveCosts: true },
  rewards: { costsWaivedAtCompletion: true, lastInstalmentDiscountBasisPoints: 0 },
  offerValidDays: 14,
  matching: { toleranceCents: 100, toleranceDays: 7 },
  missedAfterDays: 14,
  graceDays: 3,
  breachAfterMissed: 2,
  protectedMarginBasisPoints: 500,
  payee: null,
};

/** A stored policy document over the defaults: a tenant names only what it changes. */
export function resolveRepaymentPlanPolicy(stored: Partial<RepaymentPlanPolicy> | null | undefined): RepaymentPlanPolicy {
  const s = stored ?? {};
  const d = DEFAULT_REPAYMENT_PLAN_POLICY;
  return {
    ...d,
    ...s,
    payNow: { ...d.payNow, ...s.payNow },
    rewards: { ...d.rewards, ...s.rewards },
    matching: { ...d.matching, ...s.matching },
    payee: s.payee ?? d.payee,
  };
}
