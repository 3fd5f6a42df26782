/**
 * How well the debtor segments (src/collection-segments) agree with the household simulator's hidden
 * truth: `npx tsx scripts/measure-collection-segments.ts [--households 3000] [--seed 23] [--months 24]`.
 *
 * For each simulated household that falls into arrears (its first arrears_started event at least
 * twelve months into the simulation, so a year of bank data lies behind it) the segment is computed
 * as of that day from what a creditor would have: the data points up to that day and the bank
 * transactions up to that day, categorised by the default rules and assessed by the affordability
 * report. No champion model is used (the answer says "no model"), as for a tenant without one.
 *
 * The truth, from the world's hidden state on that day, in this order (the first that holds):
 * - complex_debt: payments to two or more different collection agencies or lenders (true categories
 *   expense.collection and expense.credit) in the 365 days before, or compulsive gambling;
 * - temporary_shock: a job loss, illness or separation in the 180 days before, while the affordable
 *   amount of the month before that shock was at least EUR 100 (there was room before it);
 * - cant_pay: the true affordable monthly amount (stable income − essential costs − debt service) of
 *   the month is below EUR 50;
 * - wont_pay: willingness to pay below 0.4 (the world's won't-payers draw 0.05–0.35);
 * - forgot: forgetfulness of 0.5 or more (the world's "no administration" share draws 0.5–0.95);
 * - other: none of these (typically a household that spends beyond its means with room on paper).
 *
 * Prints the confusion matrix (truth in rows, segment in columns), recall and precision per segment,
 * and the wall time. Thresholds were tuned on seed 11 and the README reports seed 23.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assessAffordability } from '../src/affordability/assess-affordability.js';
import { normsAt } from '../src/affordability/norms/norms.js';
import type { AnalysisBalance, AnalysisTransaction } from '../src/analytics/analysis-input.js';
import { categorise, compileRuleSet } from '../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../src/analytics/categorisation/default-rules.js';
import { DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, segmentDebtor, SEGMENTS, type CollectionSegmentThresholds, type Segment, type SegmentDebtorInput } from '../src/collection-segments/index.js';
import { addMonths, diffDays, type IsoDate } from '../src/platform/dates.js';
import { toAnalysisTransaction } from '../src/simulation/analysis-transaction.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../src/simulation/simulation.types.js';

type Truth = Exclude<Segment, 'no_risk'> | 'other';
const TRUTHS: readonly Truth[] = ['cant_pay', 'wont_pay', 'forgot', 'temporary_shock', 'complex_debt', 'other'];

const START = '2025-01-01';
const HISTORY_MONTHS = 12;
const CANT_PAY_BELOW_CENTS = 5_000;
const ROOM_BEFORE_SHOCK_CENTS = 10_000;

export function truthOf(household: SimulatedHousehold, asOf: IsoDate): Truth {
  const { truth } = household;
  const debtCounterparties = new Set<string>();
  for (const account of household.accounts) {
    for (const t of account.transactions) {
      if ((t.category === 'expense.collection' || t.category === 'expense.credit') && t.amountCents < 0 && t.bookingDate <= asOf && diffDays(asOf, t.bookingDate) < 365) {
        debtCounterparties.add(t.counterpartyName.toLowerCase());
      }
    }
  }
  if (debtCounterparties.size >= 2 || truth.hidden.gambling === 'compulsive') return 'complex_debt';
  const monthOf = (date: IsoDate) => truth.affordabilityByMonth.filter((m) => m.month <= date).pop() ?? null;
  const shock = truth.shocks.find((s) => (s.kind === 'job_loss' || s.kind === 'illness' || s.kind === 'separation') && s.occurredOn <= asOf && diffDays(asOf, s.occurredOn) < 180);
  if (shock) {
    const before = monthOf(addMonths(shock.occurredOn.slice(0, 8) + '01', -1));
    if (before && before.affordableCents >= ROOM_BEFORE_SHOCK_CENTS) return 'temporary_shock';
  }
  const now = monthOf(asOf);
  if (now && now.affordableCents < CANT_PAY_BELOW_CENTS) return 'cant_pay';
  if (truth.hidden.willingnessToPay < 0.4) return 'wont_pay';
  if (truth.hidden.forgetfulness >= 0.5) return 'forgot';
  return 'other';
}

function bankInput(household: SimulatedHousehold, asOf: IsoDate): { transactions: AnalysisTransaction[]; balances: AnalysisBalance[]; ownIbans: string[]; accountHolderNames: string[] } {
  const transactions: AnalysisTransaction[] = [];
  const balances: AnalysisBalance[] = [];
  for (const account of household.accounts) {
    let after = 0;
    for (const t of account.transactions) {
      if (t.status !== 'booked') continue;
      if (t.bookingDate > asOf) {
        after += t.amountCents;
        continue;
      }
      transactions.push(toAnalysisTransaction(account.iban, t));
    }
    // The balance at the end of asOf: the closing balance less everything booked after it.
    if (account.statementFrom <= asOf) balances.push({ accountIban: account.iban, date: asOf, amountCents: account.closingBookedBalanceCents - after, type: 'closingBooked' });
  }
  return { transactions, balances, ownIbans: household.accounts.map((a) => a.iban), accountHolderNames: [...new Set(household.accounts.map((a) => a.ownerName))] };
}

export interface Measurement {
  households: number;
  inArrears: number;
  matrix: Record<Truth, Record<Segment, number>>;
  seconds: number;
}

/** One line per household in arrears, for looking into the misses while tuning (--details FILE). */
export interface MeasuredHousehold {
  debtorRef: string;
  asOf: IsoDate;
  truth: Truth;
  segment: Segment;
  scores: Record<string, number>;
  fired: string[];
  observed: Record<string, number | null>;
  affordableLowCents: number | null;
  affordableHighCents: number | null;
}

/** A household in arrears with what the segment is computed from, and its truth. */
export interface MeasuredCase {
  debtorRef: string;
  asOf: IsoDate;
  truth: Truth;
  input: SegmentDebtorInput;
}

/** Simulates the households and prepares the segment input of each one in arrears (the slow part: the affordability reports). */
export function collectCases(options: { households: number; seed: number; months: number }): MeasuredCase[] {
  const rules = compileRuleSet(DEFAULT_RULE_SET);
  const firstDay = addMonths(START, HISTORY_MONTHS);
  const cases: MeasuredCase[] = [];
  for (const household of simulateHouseholds({ households: options.households, months: options.months, seed: options.seed, startDate: START, truthRuns: 0 })) {
    const arrears = household.events.find((e) => e.type === 'arrears_started' && e.occurredOn >= firstDay);
    if (!arrears) continue;
    const asOf = arrears.occurredOn;
    const bank = bankInput(household, asOf);
    const report = assessAffordability({ ...bank, asOf, norms: normsAt(asOf), rules });
    const categorised = categorise(bank.transactions, { rules, ownIbans: bank.ownIbans, accountHolderNames: bank.accountHolderNames });
    cases.push({
      debtorRef: household.debtorRef,
      asOf,
      truth: truthOf(household, asOf),
      input: {
        asOf,
        events: household.events.filter((e) => e.occurredOn <= asOf),
        affordability: report,
        claims: [],
        model: { kind: 'no_model', reason: 'measured without a model' },
        bankTransactions: categorised.map((t) => ({ id: t.id, bookingDate: t.bookingDate, amountCents: t.amountCents, counterpartyName: t.counterpartyName, category: t.category })),
      },
    });
  }
  return cases;
}

/** The confusion matrix of the cases under the given thresholds (the defaults when none). */
export function measureCases(cases: readonly MeasuredCase[], households: number, thresholds: CollectionSegmentThresholds = DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, details?: MeasuredHousehold[]): Measurement {
  const started = performance.now();
  const matrix = Object.fromEntries(TRUTHS.map((t) => [t, Object.fromEntries(SEGMENTS.map((s) => [s, 0]))])) as Record<Truth, Record<Segment, number>>;
  for (const c of cases) {
    const result = segmentDebtor({ ...c.input, thresholds });
    matrix[c.truth][result.segment] += 1;
    details?.push({ debtorRef: c.debtorRef, asOf: c.asOf, truth: c.truth, segment: result.segment, scores: result.scores, fired: result.rules.filter((r) => r.fired).map((r) => r.rule), observed: Object.fromEntries(result.rules.map((r) => [r.rule, r.observed])), affordableLowCents: result.figures.affordableLowCents, affordableHighCents: result.figures.affordableHighCents });
  }
  return { households, inArrears: cases.length, matrix, seconds: (performance.now() - started) / 1000 };
}

export function measure(options: { households: number; seed: number; months: number; details?: MeasuredHousehold[] }): Measurement {
  const started = performance.now();
  const result = measureCases(collectCases(options), options.households, DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, options.details);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

export function formatMeasurement(m: Measurement, seed: number): string {
  const lines: string[] = [];
  lines.push(`seed ${seed}: ${m.households} households, ${m.inArrears} in arrears after month ${HISTORY_MONTHS}, ${m.seconds.toFixed(1)} s`);
  const pad = (s: string | number, n = 16) => String(s).padStart(n);
  lines.push(`${'truth \\ segment'.padEnd(16)}${SEGMENTS.map((s) => pad(s)).join('')}${pad('n', 8)}${pad('recall', 9)}`);
  for (const t of TRUTHS) {
    const row = m.matrix[t];
    const n = SEGMENTS.reduce((s, seg) => s + row[seg], 0);
    const hit = t === 'other' ? null : row[t];
    lines.push(`${t.padEnd(16)}${SEGMENTS.map((s) => pad(row[s])).join('')}${pad(n, 8)}${pad(hit === null || n === 0 ? '—' : `${((100 * hit) / n).toFixed(1)}%`, 9)}`);
  }
  const precision = SEGMENTS.filter((s) => s !== 'no_risk').map((s) => {
    const column = TRUTHS.reduce((sum, t) => sum + m.matrix[t][s], 0);
    const hit = m.matrix[s as Truth][s];
    return `${s} ${column === 0 ? '—' : `${((100 * hit) / column).toFixed(1)}%`} (${hit}/${column})`;
  });
  lines.push(`precision: ${precision.join(', ')}`);
  const agree = TRUTHS.filter((t) => t !== 'other').reduce((s, t) => s + m.matrix[t][t as Segment], 0);
  lines.push(`agreement over all households in arrears: ${((100 * agree) / Math.max(1, m.inArrears)).toFixed(1)}% (${agree}/${m.inArrears}; "other" counts as a miss)`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { households: { type: 'string', default: '3000' }, seed: { type: 'string', default: '23' }, months: { type: 'string', default: '24' }, details: { type: 'string' } } });
  const details: MeasuredHousehold[] = [];
  const options = { households: Number(values.households), seed: Number(values.seed), months: Number(values.months), details };
  console.log(formatMeasurement(measure(options), options.seed));
  if (values.details) writeFileSync(values.details, JSON.stringify(details, null, 1));
}
