/**
 * The pure part of the affordability report, in-process: categorise, streams, income days, flags and
 * figures for one busy debtor (the accounts of four simulated households, about 2,300 transactions
 * over 13 months), without HTTP or database. Prints p50/p99 per report and categorisation alone as
 * the reference measured in the same run.
 *
 *   npm run bench:affordability-compute
 */
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import { worldStartEndingToday } from '../src/simulation/world-loader.js';
import { analysisInputFromStatement, mergeAnalysisInputs } from '../src/analytics/analysis-input.js';
import { parseBankFile } from '../src/bank-data/formats/index.js';
import { writeBerlinGroupTransactions } from '../src/simulation/berlin-group.writer.js';
import { assessAffordability } from '../src/affordability/assess-affordability.js';
import { normsAt } from '../src/affordability/norms/norms.js';
import { categorise, compileRuleSet } from '../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../src/analytics/categorisation/default-rules.js';

const TODAY = '2026-11-23';
const RUNS = Number(process.env.BENCH_RUNS ?? 300);

const inputs = [];
for (const h of simulateHouseholds({ households: 4, months: 13, seed: 11, truthRuns: 1, startDate: worldStartEndingToday(TODAY, 13) })) {
  for (const a of h.accounts) inputs.push(analysisInputFromStatement(parseBankFile(Buffer.from(writeBerlinGroupTransactions(a))), { idPrefix: a.iban }));
}
const input = mergeAnalysisInputs(inputs);
const norms = normsAt(TODAY);
const rules = compileRuleSet(DEFAULT_RULE_SET);

function measure(run: () => void): { p50: number; p99: number } {
  for (let i = 0; i < 30; i++) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(RUNS / 2)]!, p99: times[Math.ceil(RUNS * 0.99) - 1]! };
}

const report = measure(() => assessAffordability({ ...input, asOf: TODAY, norms, rules }));
const categorisation = measure(() => categorise(input.transactions, { rules, ownIbans: input.ownIbans, accountHolderNames: input.accountHolderNames }));
console.log(`${input.transactions.length} transactions, ${input.ownIbans.length} accounts`);
console.log(`full report    : p50 ${report.p50.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms`);
console.log(`categorise only: p50 ${categorisation.p50.toFixed(2)} ms, p99 ${categorisation.p99.toFixed(2)} ms  → report / categorise = ${(report.p50 / categorisation.p50).toFixed(1)}×`);
