/**
 * What to do with one claim: collect it (by which route), offer a plan, write it off, or refer the
 * debtor to debt help, with the whole arithmetic. Pure: the service gathers the facts.
 *
 * The expected net value of a route, in integer cents:
 *   p_route      = min(100 %, p × the route's probability factor)            (basis points)
 *   expected     = amount × p_route                                          (rounded half up)
 *   commission   = expected × the route's commission                         (rounded half up)
 *   discounted   = (expected − commission) × (1 + annual rate)^(−months/12)   (rounded half up)
 *   costs        = Σ steps: cost when `always`, cost × (1 − p_route) when `if_unpaid`
 *   net          = discounted − costs
 * Recovery is discounted for the months until the money comes; costs are not, because they are paid
 * as the route runs, before the money arrives. Every rounding is monotone, so net never falls when
 * p or the amount rises (except where a step's cost itself rises with the amount: a court-fee band).
 *
 * Rules come first, in this order, each named in the answer:
 * 1. deceased_debtor: a direct debit returned with SEPA reason MD07 stops collection (the estate is
 *    a separate process): write_off;
 * 2. complex_debt: several collectors or bailiffs, payday credit, or many creditors whose debits
 *    came back (bank data): refer_to_debt_help;
 * 3. small_claim_good_history: a small claim of a customer who paid well before: write_off.
 * Otherwise the route with the highest net wins; on equal nets the gentler route (the order of
 * COLLECTION_ROUTES: plan, dunning, agency, court). When no route's net is above zero: write_off.
 */
import { applyBasisPoints, formatCents } from '../platform/money.js';
import { COLLECTION_ROUTES, stepCostCents, type CollectionCostsConfig, type CollectionRoute } from './collection-costs.js';

export const RECOMMENDATION_ACTIONS = ['collect', 'offer_plan', 'write_off', 'refer_to_debt_help'] as const;
export type RecommendationAction = (typeof RECOMMENDATION_ACTIONS)[number];
export const WRITE_OFF_RULES = ['deceased_debtor', 'complex_debt', 'small_claim_good_history'] as const;
export type WriteOffRule = (typeof WRITE_OFF_RULES)[number];
export const PROBABILITY_SOURCES = ['risk_model', 'affordability', 'assumed'] as const;
export type ProbabilitySource = (typeof PROBABILITY_SOURCES)[number];

const FULL = 10_000;

export interface RecommendationInput {
  claim: { claimId: string | null; reference: string; debtorId: string; totalDueCents: number };
  /** The champion model's probability of arrears for the debtor, when a model scored it. */
  riskModel: { arrearsProbability: number; modelId: string; version: number; horizonDays: number } | null;
  /** The affordable monthly instalment range from the affordability report, when bank data under consent gave one. */
  affordability: { lowCents: number; highCents: number; asOf: string } | null;
  /** The debtor's payment history at this creditor (data points). */
  history: { paidInvoices: number; sharePaidLate: number | null; cannotOrWontPayReturnsLast365Days: number };
  /** Data-point events of direct debits returned with reason MD07 (debtor deceased). */
  deceasedReturnEventIds: readonly string[];
  /** What the bank data shows of other debts over the rule's window; null without bank data under consent. */
  otherDebts: { collectors: readonly string[]; paydayCreditTransactionIds: readonly string[]; creditorsWithReturns: readonly string[]; transactionIds: readonly string[] } | null;
  config: CollectionCostsConfig;
}

export interface StepBreakdown {
  step: string;
  cents: number;
  incurred: 'always' | 'if_unpaid';
  expectedCents: number;
}

export interface RouteBreakdown {
  route: CollectionRoute;
  available: boolean;
  unavailableReason: string | null;
  probabilityFactorBasisPoints: number;
  paymentProbabilityBasisPoints: number;
  amountCents: number;
  expectedRecoveryCents: number;
  commissionBasisPoints: number;
  commissionCents: number;
  /** Months until the money comes (for a plan: the average instalment's wait, (n + 1) / 2). */
  months: number;
  plan: { months: number; instalmentCents: number; basis: 'affordable_low' | 'affordable_high' | 'configured_months' } | null;
  discountFactor: number;
  discountedRecoveryCents: number;
  steps: StepBreakdown[];
  expectedCostsCents: number;
  /** Null when the route is not available. */
  netCents: number | null;
  arithmetic: string;
}

export interface RuleOutcome {
  rule: WriteOffRule;
  /** null: the data to decide it is missing (no bank data for complex debt). */
  applies: boolean | null;
  evidence: { eventIds?: string[]; transactionIds?: string[]; figures?: Record<string, number | string | null> };
  explanation: string;
}

export interface Recommendation {
  claimId: string | null;
  reference: string;
  debtorId: string;
  totalDueCents: number;
  action: RecommendationAction;
  /** The route to collect by (for collect) or the plan route (for offer_plan); null otherwise. */
  route: CollectionRoute | null;
  decidedBy: { kind: 'rule'; rule: WriteOffRule } | { kind: 'expected_value' };
  reason: string;
  probability: {
    source: ProbabilitySource;
    paymentProbabilityBasisPoints: number;
    model: { modelId: string; version: number; horizonDays: number; arrearsProbability: number } | null;
    explanation: string;
  };
  rules: RuleOutcome[];
  routes: RouteBreakdown[];
  discount: { annualRateBasisPoints: number };
}

const euro = (cents: number) => `EUR ${formatCents(cents)}`;
const pct = (basisPoints: number) => `${(basisPoints / 100).toFixed(2)} %`;

/** Months to pay `total` at `instalment` a month, or null when it cannot be paid within `max` months. */
function planMonths(total: number, instalment: number, max: number): number | null {
  if (instalment <= 0) return null;
  const months = Math.ceil(total / instalment);
  return months <= max ? months : null;
}

/** The debtor's payment probability and where it came from. */
export function paymentProbability(input: Pick<RecommendationInput, 'riskModel' | 'affordability' | 'claim' | 'config'>): Recommendation['probability'] {
  const { riskModel, affordability, config, claim } = input;
  if (riskModel) {
    const bp = Math.round((1 - riskModel.arrearsProbability) * FULL);
    return {
      source: 'risk_model',
      paymentProbabilityBasisPoints: bp,
      model: { ...riskModel },
      explanation: `The champion model ${riskModel.modelId} v${riskModel.version} gives ${pct(Math.round(riskModel.arrearsProbability * FULL))} for arrears within ${riskModel.horizonDays} days; the payment probability is its complement, ${pct(bp)}.`,
    };
  }
  const p = config.paymentProbability;
  if (affordability) {
    const total = claim.totalDueCents;
    if (planMonths(total, affordability.lowCents, config.maxPlanMonths) !== null) {
      return { source: 'affordability', paymentProbabilityBasisPoints: p.affordableAtLowBasisPoints, model: null, explanation: `No risk model scored the debtor. ${euro(total)} can be paid within ${config.maxPlanMonths} months at the low affordable instalment ${euro(affordability.lowCents)} (report of ${affordability.asOf}): ${pct(p.affordableAtLowBasisPoints)}.` };
    }
    if (planMonths(total, affordability.highCents, config.maxPlanMonths) !== null) {
      return { source: 'affordability', paymentProbabilityBasisPoints: p.affordableAtHighBasisPoints, model: null, explanation: `No risk model scored the debtor. ${euro(total)} can be paid within ${config.maxPlanMonths} months only at the high affordable instalment ${euro(affordability.highCents)} (report of ${affordability.asOf}): ${pct(p.affordableAtHighBasisPoints)}.` };
    }
    return { source: 'affordability', paymentProbabilityBasisPoints: p.notAffordableBasisPoints, model: null, explanation: `No risk model scored the debtor. ${euro(total)} cannot be paid within ${config.maxPlanMonths} months at the affordable instalments ${euro(affordability.lowCents)}–${euro(affordability.highCents)} (report of ${affordability.asOf}): ${pct(p.notAffordableBasisPoints)}.` };
  }
  return { source: 'assumed', paymentProbabilityBasisPoints: p.noDataBasisPoints, model: null, explanation: `No risk model scored the debtor and there is no affordability report (no bank data under consent): the configured assumption ${pct(p.noDataBasisPoints)} is used.` };
}

/** (1 + rate)^(−months/12): what money `months` from now is worth now. */
export function discountFactor(annualRateBasisPoints: number, months: number): number {
  return Math.pow(1 + annualRateBasisPoints / FULL, -months / 12);
}

function routeBreakdown(route: CollectionRoute, input: RecommendationInput, probabilityBp: number): RouteBreakdown {
  const { config, claim, affordability } = input;
  const costs = config.routes[route];
  const amount = claim.totalDueCents;
  const pRoute = Math.min(FULL, applyBasisPoints(probabilityBp, costs.probabilityFactorBasisPoints));
  let months = costs.months;
  let plan: RouteBreakdown['plan'] = null;
  let unavailableReason: string | null = null;
  if (route === 'plan') {
    if (affordability) {
      const atLow = planMonths(amount, affordability.lowCents, config.maxPlanMonths);
      const atHigh = planMonths(amount, affordability.highCents, config.maxPlanMonths);
      if (atLow !== null) plan = { months: atLow, instalmentCents: affordability.lowCents, basis: 'affordable_low' };
      else if (atHigh !== null) plan = { months: atHigh, instalmentCents: affordability.highCents, basis: 'affordable_high' };
      else unavailableReason = `no affordable plan: ${euro(amount)} is not paid within ${config.maxPlanMonths} months at the affordable instalments ${euro(affordability.lowCents)}–${euro(affordability.highCents)}`;
    } else {
      const n = Math.max(1, costs.months);
      plan = { months: n, instalmentCents: Math.ceil(amount / n), basis: 'configured_months' };
    }
    // Instalments come monthly: on average the money waits (n + 1) / 2 months.
    months = plan ? (plan.months + 1) / 2 : costs.months;
  }
  const expected = applyBasisPoints(amount, pRoute);
  const commission = applyBasisPoints(expected, costs.commissionBasisPoints);
  const factor = discountFactor(config.annualDiscountRateBasisPoints, months);
  const discounted = Math.round((expected - commission) * factor);
  const steps = costs.steps.map((step) => {
    const cents = stepCostCents(step, amount);
    return { step: step.step, cents, incurred: step.incurred, expectedCents: step.incurred === 'always' ? cents : applyBasisPoints(cents, FULL - pRoute) };
  });
  const expectedCosts = steps.reduce((sum, s) => sum + s.expectedCents, 0);
  const available = unavailableReason === null;
  const net = available ? discounted - expectedCosts : null;
  const arithmetic = available
    ? `${route}: p ${pct(probabilityBp)} × factor ${pct(costs.probabilityFactorBasisPoints)} = ${pct(pRoute)}; ${euro(amount)} × ${pct(pRoute)} = ${euro(expected)}` +
      (commission > 0 ? ` − commission ${pct(costs.commissionBasisPoints)} ${euro(commission)}` : '') +
      ` × (1 + ${pct(config.annualDiscountRateBasisPoints)})^(−${months}/12) = ${euro(expected - commission)} × ${factor.toFixed(6)} = ${euro(discounted)}; costs ${steps.map((s) => (s.incurred === 'always' ? `${s.step} ${euro(s.cents)}` : `${s.step} ${euro(s.cents)} × ${pct(FULL - pRoute)} = ${euro(s.expectedCents)}`)).join(' + ') || 'none'} = ${euro(expectedCosts)}; net ${euro(discounted)} − ${euro(expectedCosts)} = ${euro(net!)}.`
    : `${route}: not available (${unavailableReason}).`;
  return {
    route,
    available,
    unavailableReason,
    probabilityFactorBasisPoints: costs.probabilityFactorBasisPoints,
    paymentProbabilityBasisPoints: pRoute,
    amountCents: amount,
    expectedRecoveryCents: expected,
    commissionBasisPoints: costs.commissionBasisPoints,
    commissionCents: commission,
    months,
    plan,
    discountFactor: factor,
    discountedRecoveryCents: discounted,
    steps,
    expectedCostsCents: expectedCosts,
    netCents: net,
    arithmetic,
  };
}

function evaluateRules(input: RecommendationInput): RuleOutcome[] {
  const { config, history, otherDebts, claim } = input;
  const deceased = input.deceasedReturnEventIds.length > 0;
  const rules: RuleOutcome[] = [
    {
      rule: 'deceased_debtor',
      applies: deceased,
      evidence: { eventIds: [...input.deceasedReturnEventIds] },
      explanation: deceased ? `A direct debit came back with SEPA reason MD07 (debtor deceased): stop collecting; a claim on the estate is a separate process.` : 'No direct debit came back with reason MD07 (debtor deceased).',
    },
  ];
  const cd = config.rules.complexDebt;
  if (otherDebts === null) {
    rules.push({ rule: 'complex_debt', applies: null, evidence: {}, explanation: 'Not decided: there is no bank data under consent to see other debts.' });
  } else {
    const reasons: string[] = [];
    if (otherDebts.collectors.length >= cd.minCollectors) reasons.push(`${otherDebts.collectors.length} different collection agencies or bailiffs were paid (threshold ${cd.minCollectors})`);
    if (cd.paydayCredit && otherDebts.paydayCreditTransactionIds.length > 0) reasons.push(`${otherDebts.paydayCreditTransactionIds.length} payday or consumer loan(s) were paid out`);
    if (otherDebts.creditorsWithReturns.length >= cd.minCreditorsWithReturns) reasons.push(`direct debits of ${otherDebts.creditorsWithReturns.length} different creditors came back (threshold ${cd.minCreditorsWithReturns})`);
    rules.push({
      rule: 'complex_debt',
      applies: reasons.length > 0,
      evidence: { transactionIds: [...otherDebts.transactionIds], figures: { collectors: otherDebts.collectors.length, paydayCreditTransactions: otherDebts.paydayCreditTransactionIds.length, creditorsWithReturns: otherDebts.creditorsWithReturns.length, windowDays: cd.windowDays } },
      explanation: reasons.length > 0 ? `Complex debt in the last ${cd.windowDays} days of bank data: ${reasons.join('; ')}. Refer to municipal debt help.` : `No sign of complex debt in the last ${cd.windowDays} days of bank data.`,
    });
  }
  const sc = config.rules.smallClaimGoodHistory;
  const small = claim.totalDueCents <= sc.thresholdCents;
  const lateBp = history.sharePaidLate === null ? null : Math.round(history.sharePaidLate * FULL);
  const good = history.paidInvoices >= sc.minPaidInvoices && lateBp !== null && lateBp <= sc.maxSharePaidLateBasisPoints && history.cannotOrWontPayReturnsLast365Days === 0;
  rules.push({
    rule: 'small_claim_good_history',
    applies: small && good,
    evidence: { figures: { totalDueCents: claim.totalDueCents, thresholdCents: sc.thresholdCents, paidInvoices: history.paidInvoices, sharePaidLateBasisPoints: lateBp, cannotOrWontPayReturnsLast365Days: history.cannotOrWontPayReturnsLast365Days } },
    explanation:
      `${euro(claim.totalDueCents)} is ${small ? 'at or below' : 'above'} the small-claim threshold ${euro(sc.thresholdCents)}; ` +
      `history: ${history.paidInvoices} invoices paid (at least ${sc.minPaidInvoices}), ${lateBp === null ? 'none paid to judge lateness' : `${pct(lateBp)} late (at most ${pct(sc.maxSharePaidLateBasisPoints)})`}, ${history.cannotOrWontPayReturnsLast365Days} returns for lack of money or refusal in 365 days (none allowed): ${good ? 'good' : 'not good enough'}.`,
  });
  return rules;
}

const ACTION_OF_RULE: Record<WriteOffRule, RecommendationAction> = { deceased_debtor: 'write_off', complex_debt: 'refer_to_debt_help', small_claim_good_history: 'write_off' };

/** The recommendation for one claim, with every route's arithmetic and every rule's outcome. */
export function recommendForClaim(input: RecommendationInput): Recommendation {
  if (!Number.isSafeInteger(input.claim.totalDueCents) || input.claim.totalDueCents < 0) throw new RangeError('totalDueCents must be a non-negative integer');
  const probability = paymentProbability(input);
  const routes = COLLECTION_ROUTES.map((route) => routeBreakdown(route, input, probability.paymentProbabilityBasisPoints));
  const rules = evaluateRules(input);
  const base = {
    claimId: input.claim.claimId,
    reference: input.claim.reference,
    debtorId: input.claim.debtorId,
    totalDueCents: input.claim.totalDueCents,
    probability,
    rules,
    routes,
    discount: { annualRateBasisPoints: input.config.annualDiscountRateBasisPoints },
  };
  for (const rule of WRITE_OFF_RULES) {
    const outcome = rules.find((r) => r.rule === rule)!;
    if (outcome.applies === true) return { ...base, action: ACTION_OF_RULE[rule], route: null, decidedBy: { kind: 'rule', rule }, reason: outcome.explanation };
  }
  // Strictly greater: on equal nets the earlier (gentler, cheaper) route in COLLECTION_ROUTES stays.
  let best: RouteBreakdown | null = null;
  for (const route of routes) if (route.netCents !== null && (best === null || route.netCents > best.netCents!)) best = route;
  if (best === null || best.netCents! <= 0) {
    return { ...base, action: 'write_off', route: null, decidedBy: { kind: 'expected_value' }, reason: best === null ? 'No collection route is available.' : `No route is expected to bring in more than it costs: the best, ${best.route}, nets ${euro(best.netCents!)}.` };
  }
  const action: RecommendationAction = best.route === 'plan' ? 'offer_plan' : 'collect';
  const others = routes.filter((r) => r !== best && r.netCents !== null).map((r) => `${r.route} ${euro(r.netCents!)}`);
  return { ...base, action, route: best.route, decidedBy: { kind: 'expected_value' }, reason: `${best.route} has the highest expected net value, ${euro(best.netCents!)}${others.length > 0 ? ` (against ${others.join(', ')})` : ''}.` };
}
