/**
 * Are the plans we offer affordable by the world's hidden truth? For simulated households: the
 * affordability report from their bank data before the as-of date, plan options for one claim, and
 * every instalment checked against what the household truly had in the month it falls due.
 *
 *   npx tsx scripts/measure-repayment-plans.ts [--households 200] [--seed 4242] [--json out.json]
 *
 * The truth (src/simulation): per month, stable income, essential costs (fixed costs plus groceries
 * and transport at the household's floor) and contractual debt service. An instalment is affordable
 * by the truth when it is at most BOTH
 *   - true income − true essential costs − true debt service (what is really left), and
 *   - true income − the protected amount (beslagvrije voet) on the true income,
 * so paying it neither leaves essentials unpaid nor takes the household below the protected floor.
 * (Subtracting essentials AND the whole floor from income would count living costs twice: the floor
 * is what a household keeps to live on.) Months after the simulated horizon use the last known month.
 *
 * "Can't pay" households: in arrears on the as-of date or with a hidden 90-day arrears probability of
 * at least one half (the world's own Monte Carlo truth, arrears-truth.ts).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { assessAffordability } from '../src/affordability/assess-affordability.js';
import { normsAt } from '../src/affordability/norms/norms.js';
import { computeProtectedAmount } from '../src/affordability/protected-income.js';
import type { AnalysisTransaction } from '../src/analytics/analysis-input.js';
import { compileRuleSet } from '../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../src/analytics/categorisation/default-rules.js';
import { maximumCollectionCosts } from '../src/claims/collection-costs.js';
import { addMonths, type IsoDate } from '../src/platform/dates.js';
import { planInputsFromReport, planOptions } from '../src/repayment-plans/plan-options.js';
import { DEFAULT_REPAYMENT_PLAN_POLICY } from '../src/repayment-plans/plan-policy.js';
import { toAnalysisTransaction } from '../src/simulation/analysis-transaction.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../src/simulation/simulation.types.js';

const { values } = parseArgs({ options: { households: { type: 'string', default: '200' }, seed: { type: 'string', default: '4242' }, json: { type: 'string' } } });
const HOUSEHOLDS = Number(values.households);
const SEED = Number(values.seed);
const START: IsoDate = '2025-01-01';
/** Fourteen months of history before the offer, six months of truth after it. */
const HISTORY_MONTHS = 14;
const MONTHS = HISTORY_MONTHS + 6;
const AS_OF = addMonths(START, HISTORY_MONTHS);
/** Claim sizes cycled over the households: a small bill, a month's rent, a large energy settlement. */
const PRINCIPALS = [45_000, 120_000, 300_000];

function analysisTransactions(h: SimulatedHousehold): AnalysisTransaction[] {
  return h.accounts.flatMap((account) =>
    account.transactions
      .filter((t) => t.bookingDate < AS_OF)
      .map((t) => toAnalysisTransaction(account.iban, t)),
  );
}

interface Tally {
  households: number;
  withOptions: number;
  options: number;
  optionsAffordable: number;
  instalments: number;
  instalmentsAffordable: number;
  instalmentsAboveIncomeMinusProtected: number;
  /** The same, against the truth of the month the offer was made: what the bank data could have shown. */
  instalmentsAboveIncomeMinusProtectedAtOffer: number;
  /** Households with an instalment above true income − protected amount, and the shocks they had after the offer. */
  aboveProtectedHouseholds: { debtorRef: string; shocksAfterOffer: string[] }[];
  unaffordableAnswers: number;
}
const emptyTally = (): Tally => ({ households: 0, withOptions: 0, options: 0, optionsAffordable: 0, instalments: 0, instalmentsAffordable: 0, instalmentsAboveIncomeMinusProtected: 0, instalmentsAboveIncomeMinusProtectedAtOffer: 0, aboveProtectedHouseholds: [], unaffordableAnswers: 0 });
const all = emptyTally();
const cantPay = emptyTally();

const rules = compileRuleSet(DEFAULT_RULE_SET);
const started = Date.now();
let index = 0;
for (const h of simulateHouseholds({ households: HOUSEHOLDS, months: MONTHS, seed: SEED, startDate: START, truthRuns: 8, truthFromMonth: HISTORY_MONTHS, truthEveryMonths: 100 })) {
  const norms = normsAt(AS_OF);
  const report = assessAffordability({ transactions: analysisTransactions(h), balances: [], asOf: AS_OF, ownIbans: h.accounts.map((a) => a.iban), accountHolderNames: [...new Set(h.accounts.map((a) => a.ownerName))], norms, rules, household: { composition: h.composition } });
  const principal = PRINCIPALS[index % PRINCIPALS.length]!;
  index += 1;
  const costs = maximumCollectionCosts(principal, { vatApplies: false, on: AS_OF }).totalCents;
  const result = planOptions({ asOf: AS_OF, claims: [{ claimId: h.debtorRef, totalDueCents: principal + costs, costsOutstandingCents: costs }], ...planInputsFromReport(report, DEFAULT_REPAYMENT_PLAN_POLICY), policy: DEFAULT_REPAYMENT_PLAN_POLICY });

  const arrears = h.truth.arrears.find((a) => a.asOf === AS_OF);
  const isCantPay = arrears !== undefined && (arrears.inArrearsOnAsOf || arrears.pArrears90d >= 0.5);
  const truthMonths = h.truth.affordabilityByMonth.filter((m) => m.month >= AS_OF);
  const lastKnown = h.truth.affordabilityByMonth.at(-1)!;
  /** What the household truly had in the month of `date`: room left after essentials and debts, and above the protected floor. */
  const truthFor = (date: IsoDate) => {
    const month = truthMonths.find((m) => m.month.slice(0, 7) === date.slice(0, 7)) ?? lastKnown;
    const protectedCents = computeProtectedAmount({ netIncomeCents: month.stableIncomeCents, household: h.truth.composition, pensionAge: false, norms: normsAt(month.month) }).protectedCents;
    return { room: month.affordableCents, aboveProtected: month.stableIncomeCents - protectedCents };
  };

  for (const tally of isCantPay ? [all, cantPay] : [all]) {
    tally.households += 1;
    if (result.options.length > 0) tally.withOptions += 1;
    else tally.unaffordableAnswers += 1;
  }
  for (const option of result.options) {
    let optionAffordable = true;
    for (const instalment of option.instalments) {
      // Paying now is offered at its reduced amount; a plan's instalments at their full amounts.
      const amount = option.kind === 'pay_now' ? instalment.amountIfKeptCents : instalment.amountCents;
      const truth = truthFor(instalment.dueDate);
      const atOffer = truthFor(AS_OF);
      const affordable = amount <= truth.room && amount <= truth.aboveProtected;
      if (!affordable) optionAffordable = false;
      for (const tally of isCantPay ? [all, cantPay] : [all]) {
        tally.instalments += 1;
        if (affordable) tally.instalmentsAffordable += 1;
        if (amount > atOffer.aboveProtected) tally.instalmentsAboveIncomeMinusProtectedAtOffer += 1;
        if (amount > truth.aboveProtected) {
          tally.instalmentsAboveIncomeMinusProtected += 1;
          if (!tally.aboveProtectedHouseholds.some((x) => x.debtorRef === h.debtorRef)) {
            tally.aboveProtectedHouseholds.push({ debtorRef: h.debtorRef, shocksAfterOffer: h.truth.shocks.filter((x) => x.occurredOn >= AS_OF && x.occurredOn <= instalment.dueDate).map((x) => `${x.kind} ${x.occurredOn}`) });
          }
        }
      }
    }
    for (const tally of isCantPay ? [all, cantPay] : [all]) {
      tally.options += 1;
      if (optionAffordable) tally.optionsAffordable += 1;
    }
  }
}

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
const line = (label: string, t: Tally) =>
  `${label}: ${t.households} households, ${t.withOptions} with options (${t.unaffordableAnswers} told no plan fits); ` +
  `options affordable by the truth ${t.optionsAffordable}/${t.options} (${pct(t.optionsAffordable, t.options)}); ` +
  `instalments affordable ${t.instalmentsAffordable}/${t.instalments} (${pct(t.instalmentsAffordable, t.instalments)}); ` +
  `instalments above true income − protected amount in their month: ${t.instalmentsAboveIncomeMinusProtected}` +
  (t.aboveProtectedHouseholds.length > 0 ? ` (${t.aboveProtectedHouseholds.map((x) => `${x.debtorRef} after ${x.shocksAfterOffer.join(', ') || 'no shock'}`).join('; ')})` : '') +
  `; above it in the month of the offer: ${t.instalmentsAboveIncomeMinusProtectedAtOffer}`;
console.log(`Repayment plans vs the world's truth: seed ${SEED}, offers on ${AS_OF} after ${HISTORY_MONTHS} months of bank data, claims of ${PRINCIPALS.map((p) => p / 100).join(' / ')} EUR plus WIK costs, default policy (${DEFAULT_REPAYMENT_PLAN_POLICY.maxTermMonths} months).`);
console.log(line('All', all));
console.log(line("Can't pay", cantPay));
console.log(`Run time ${((Date.now() - started) / 1000).toFixed(1)} s.`);
if (values.json) await writeFile(values.json, JSON.stringify({ seed: SEED, asOf: AS_OF, households: HOUSEHOLDS, all, cantPay }, null, 2));
