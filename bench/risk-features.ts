/**
 * Risk features and training tables, measured on a simulated world written to a temporary folder:
 * - features per debtor and as-of date (p50/p99, both feature sets), with the affordability report
 *   alone on the same inputs as the reference measured in the same run (the report is part of the
 *   bank features), and parsing plus categorising a household's bank file once;
 * - the world training table in rows per second, on one thread and on worker threads.
 *
 *   npm run bench:risk-features            (BENCH_HOUSEHOLDS=1000, BENCH_WORKERS=2 by default)
 *
 * Worker threads pay off only on free cores; the load average is printed beside each figure, and the
 * CPU time over all threads, which says how much work a row is whatever else runs on the machine.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessCategorised } from '../src/affordability/assess-affordability.js';
import { runSimulationToDirectory } from '../src/simulation/simulation-run.js';
import { addDays } from '../src/platform/dates.js';
import { computeFeatures } from '../src/risk-features/compute-features.js';
import { cachedNormsAt, parseEventLines, readBankData } from '../src/risk-features/debtor-rows.js';
import { buildWorldTrainingTable } from '../src/risk-features/training-table.js';

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
  // The three are measured side by side, one call of each per debtor and date in turn, so a busy
  // machine (other processes, garbage collection) weighs on all three alike.
  const variants: Record<'bank' | 'dp' | 'report', (d: (typeof debtors)[number], asOf: string) => void> = {
    bank: (d, asOf) => computeFeatures({ asOf, bank: d.bank, events: d.events, norms: cachedNormsAt(asOf) }, 'bank-and-data-points'),
    dp: (d, asOf) => computeFeatures({ asOf, bank: d.bank, events: d.events, norms: cachedNormsAt(asOf) }, 'data-points-only'),
    report: (d, asOf) =>
      assessCategorised({ categorised: d.bank.transactions.filter((t) => t.bookingDate <= asOf), balances: d.bank.balances.filter((b) => b.date <= asOf), asOf, norms: cachedNormsAt(asOf), rulesVersion: '' }),
  };
  const times: Record<keyof typeof variants, number[]> = { bank: [], dp: [], report: [] };
  for (let round = 0; round < 2; round++) {
    for (const d of debtors) {
      for (const asOf of asOfDates) {
        for (const key of Object.keys(variants) as (keyof typeof variants)[]) {
          const t0 = performance.now();
          variants[key](d, asOf);
          // The first round warms up the compiler.
          if (round === 1) times[key].push(performance.now() - t0);
        }
      }
    }
  }
  const bankSet = percentiles(times.bank);
  const dpSet = percentiles(times.dp);
  const report = percentiles(times.report);
  const read = percentiles(readTimes);
  console.log(`\nper debtor and as-of date (${debtors.length} households × ${asOfDates.length} dates, one thread):`);
  console.log(`  features bank-and-data-points : p50 ${bankSet.p50.toFixed(2)} ms, p99 ${bankSet.p99.toFixed(2)} ms`);
  console.log(`  features data-points-only     : p50 ${dpSet.p50.toFixed(2)} ms, p99 ${dpSet.p99.toFixed(2)} ms`);
  console.log(`  reference: affordability report alone on the same input: p50 ${report.p50.toFixed(2)} ms, p99 ${report.p99.toFixed(2)} ms`);
  console.log(`  once per household: parse + categorise its bank file: p50 ${read.p50.toFixed(1)} ms, p99 ${read.p99.toFixed(1)} ms`);

  console.log(`\nworld training table, ${HOUSEHOLDS} households:`);
  for (const [featureSet, workers] of [['data-points-only', 1], ['data-points-only', WORKERS], ['bank-and-data-points', 1], ['bank-and-data-points', WORKERS]] as const) {
    start = performance.now();
    const cpuBefore = process.cpuUsage();
    const table = await buildWorldTrainingTable(dir, { featureSet, workers });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `  ${featureSet.padEnd(21)} ${String(workers).padStart(2)} worker(s): ${table.dataset.rowCount} rows × ${table.dataset.featureNames.length} features in ${seconds.toFixed(1)} s = ${(table.dataset.rowCount / seconds).toFixed(0)} rows/s` +
        ` (CPU ${cpuSeconds.toFixed(1)} s over all threads = ${(table.dataset.rowCount / cpuSeconds).toFixed(0)} rows per CPU-second; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
