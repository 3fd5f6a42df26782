/**
 * Collections policies on the household simulator: the same households (fixed seed) for 12 months
 * under today's standard dunning and under the draagkracht policy, measured against the world's
 * hidden truth (src/policy-simulation/compare-policies.ts). Prints the README's table and the wall
 * time of each policy's run.
 *
 *   npm run bench:collections                      (2,000 households, seed 2026)
 *   BENCH_HOUSEHOLDS=5000 BENCH_SEED=7 npm run bench:collections
 */
import { comparePolicies } from '../src/policy-simulation/compare-policies.js';
import { comparisonTable } from '../src/policy-simulation/comparison-table.js';

const households = Number(process.env.BENCH_HOUSEHOLDS ?? 2_000);
const seed = Number(process.env.BENCH_SEED ?? 2_026);
const months = 12;

const started = performance.now();
const result = comparePolicies({ households, months, seed });
const total = performance.now() - started;

console.log(`${households} households × ${months} months, seed ${seed}, from ${result.options.startDate}\n`);
console.log(comparisonTable(result));
console.log(
  `\nwall time: standard dunning ${(result.wallMs.standard_dunning / 1000).toFixed(1)} s, draagkracht ${(result.wallMs.draagkracht / 1000).toFixed(1)} s, ` +
    `total ${(total / 1000).toFixed(1)} s (one thread, Node ${process.version})`,
);
