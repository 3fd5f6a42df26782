/**
 * Risk features and training tables, measured on a simulated world written to a temporary folder:
 * - features per debtor and as-of date (p50/p99, both feature sets), with the affordability report
 *   alone on the same inputs as the reference measured in the same run (the report is part of the
 *   bank features), and parsing plus categorising a household's bank file once;
 * - the world training table in rows per second, on one thread and on worker threads.
 *
 *   npm run bench:risk-features            (BENCH_HOUSEHOLDS=1000, BENCH_WORKERS=2 by default)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessCategorised } from '../src/affordability/assess-affordability.js';
import { runSimulationToDirectory } from '../src/simulation/simulation-run.js';
import { addDays } from '../src/platform/dates.js';
import { computeFeatures } from '../src/risk-features/compute-features.js';
import { cachedNormsAt, parseEventLines, readBankData } from '../src/risk-features/debtor-rows.js';
import { buildWorldTrainingTable } from '../src/risk-features/training-table.js';
import type { FeatureSetId } from '../src/risk-features/catalogue.js';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 1000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SAMPLE_HOUSEHOLDS = 40;

function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p99: sorted[Math.ceil(sorted.length * 0.99) - 1]! };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-risk-features-'));
try {
  let start = performance.now();
  const simulated = await runSimulationToDirectory({ households: HOUSEHOLDS, months: 18, seed: 2026, outDir: dir, formats: ['berlin-group'], workers: WORKERS, truthRuns: 8 });
  console.log(`world: ${HOUSEHOLDS} households, ${simulated.totals.transactions} transactions, ${simulated.totals.arrearsRows} truth rows, written in ${((performance.now() - start) / 1000).toFixed(1)} s (not measured below)`);

  // Per debtor and as-of date, on this thread.
  const shard = join(dir, 'bank', '0000');
  const files = readdirSync(shard).sort();
  const eventLines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
  const asOfDates = simulated.resolved.asOfDates.map((d) => addDays(d, -1));
  const refs = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf('_'))))].slice(0, SAMPLE_HOUSEHOLDS);
  const readTimes: number[] = [];
  const debtors = refs.map((ref) => {
    const t0 = performance.now();
    const bank = readBankData(files.filter((f) => f.startsWith(`${ref}_`)).map((f) => join(shard, f)));
    readTimes.push(performance.now() - t0);
    return { bank, events: parseEventLines(eventLines.filter((line) => line.includes(`"debtorRef":"${ref}"`)).join('\n')) };
  });
  const measure = (run: (debtor: (typeof debtors)[number], asOf: string) => void) => {
    for (const d of debtors.slice(0, 5)) for (const asOf of asOfDates) run(d, asOf); // warm-up
    const times: number[] = [];
    for (const d of debtors) {
      for (const asOf of asOfDates) {
        const t0 = performance.now();
        run(d, asOf);
        times.push(performance.now() - t0);
      }
    }
    return percentiles(times);
  };
  const features = (set: FeatureSetId) => measure((d, asOf) => computeFeatures({ asOf, bank: d.bank, events: d.events, norms: cachedNormsAt(asOf) }, set));
  const bankSet = features('bank-and-data-points');
  const dpSet = features('data-points-only');
  const report = measure((d, asOf) =>
    assessCategorised({ categorised: d.bank.transactions.filter((t) => t.bookingDate <= asOf), balances: d.bank.balances.filter((b) => b.date <= asOf), asOf, norms: cachedNormsAt(asOf), rulesVersion: '' }),
  );
  const read = percentiles(readTimes);
  console.log(`\nper debtor and as-of date (${debtors.length} households × ${asOfDates.length} dates, one thread):`);
  console.log(`  features bank-and-data-points : p50 ${bankSet.p50.toFixed(2)} ms, p99 ${bankSet.p99.toFixed(2)} ms`);
  console.log(`  features data-points-only     : p50 ${dpSet.p50.toFixed(2)} ms, p99 ${dpSet.p99.toFixed(2)} ms`);
  console.log(`  reference: affordability report alone on the same input: p50 ${report.p50.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms`);
  console.log(`  once per household: parse + categorise its bank file: p50 ${read.p50.toFixed(1)} ms, p99 ${read.p99.toFixed(1)} ms`);

  console.log(`\nworld training table, ${HOUSEHOLDS} households:`);
  for (const [featureSet, workers] of [['data-points-only', 1], ['data-points-only', WORKERS], ['bank-and-data-points', 1], ['bank-and-data-points', WORKERS]] as const) {
    start = performance.now();
    const table = await buildWorldTrainingTable(dir, { featureSet, workers });
    const seconds = (performance.now() - start) / 1000;
    console.log(`  ${featureSet.padEnd(21)} ${String(workers).padStart(2)} worker(s): ${table.dataset.rowCount} rows × ${table.dataset.featureNames.length} features in ${seconds.toFixed(1)} s = ${(table.dataset.rowCount / seconds).toFixed(0)} rows/s`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
