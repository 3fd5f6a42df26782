/**
 * Golden results: the affordability report (and the streams and income days behind it) for a fixed
 * set of simulated debtors must not change when the code is only made faster. Each result is
 * reduced to a SHA-256 of its canonical JSON (keys sorted) and compared with
 * test/fixtures/analytics/report-golden.json.
 *
 * The debtors: 30 single households with their own seeds (most with 13 months of history, every
 * fifth with only 5, so short and empty histories are covered too), plus the busy debtor of
 * bench/affordability-compute.ts (four households' accounts, ~2,300 transactions). Each is assessed
 * at the end of its world and at a date in the middle, where later transactions must be ignored.
 * The input goes through the same path as in production: Berlin Group JSON, parsed, flattened.
 *
 * Regenerate ONLY when a change of results is intended (a rule, a norm, a fix), and say so in the
 * commit:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/affordability/report-golden.test.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analysisInputFromStatement, mergeAnalysisInputs, type AnalysisInput } from '../../src/analytics/analysis-input.js';
import { categorise, compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { detectIncomeDays } from '../../src/analytics/income-days.js';
import { detectRecurringStreams } from '../../src/analytics/streams/detect-streams.js';
import { assessAffordability } from '../../src/affordability/assess-affordability.js';
import { normsAt } from '../../src/affordability/norms/norms.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { worldStartEndingToday } from '../../src/simulation/world-loader.js';

const FIXTURE = new URL('../fixtures/analytics/report-golden.json', import.meta.url);
const TODAY = '2026-11-23';
const MIDDLE = '2026-05-17';
const AS_OF_DATES = [TODAY, MIDDLE];

interface GoldenFile {
  readme: string;
  hashes: Record<string, string>;
}

/** JSON with object keys in sorted order, so the hash depends on values only, not on how an object was built. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function debtorInput(households: number, months: number, seed: number): AnalysisInput {
  const inputs: AnalysisInput[] = [];
  for (const h of simulateHouseholds({ households, months, seed, truthRuns: 0, startDate: worldStartEndingToday(TODAY, months) })) {
    for (const a of h.accounts) inputs.push(analysisInputFromStatement(parseBankFile(Buffer.from(writeBerlinGroupTransactions(a))), { idPrefix: a.iban }));
  }
  return mergeAnalysisInputs(inputs);
}

function goldenDebtors(): { name: string; input: AnalysisInput }[] {
  const debtors: { name: string; input: AnalysisInput }[] = [];
  for (let i = 0; i < 30; i += 1) {
    const seed = 1_000 + i * 37;
    const months = i % 5 === 4 ? 5 : 13;
    debtors.push({ name: `seed-${seed}-${months}m`, input: debtorInput(1, months, seed) });
  }
  debtors.push({ name: 'busy-debtor-seed-11', input: debtorInput(4, 13, 11) });
  return debtors;
}

function computeHashes(): Record<string, string> {
  const rules = compileRuleSet(DEFAULT_RULE_SET);
  const hashes: Record<string, string> = {};
  for (const { name, input } of goldenDebtors()) {
    for (const asOf of AS_OF_DATES) {
      const norms = normsAt(asOf);
      const report = assessAffordability({ ...input, asOf, norms, rules });
      // Streams and income days are public on their own (other callers use them without a report),
      // so their full results are pinned too, not only what the report shows of them.
      const categorised = categorise(input.transactions, { rules, ownIbans: input.ownIbans, accountHolderNames: input.accountHolderNames });
      const streams = detectRecurringStreams(categorised, { asOf });
      const incomeDays = detectIncomeDays(categorised, { asOf, streams });
      hashes[`${name}@${asOf}:report`] = sha256(report);
      hashes[`${name}@${asOf}:streams`] = sha256(streams);
      hashes[`${name}@${asOf}:income-days`] = sha256(incomeDays);
    }
  }
  return hashes;
}

describe('affordability report golden results', () => {
  it('reproduces every stored report, stream list and income-day list exactly', () => {
    const actual = computeHashes();
    if (process.env.UPDATE_GOLDEN === '1') {
      const file: GoldenFile = {
        readme: 'SHA-256 of canonical JSON per debtor, as-of date and result; see test/affordability/report-golden.test.ts. Regenerate only for an intended change of results.',
        hashes: actual,
      };
      writeFileSync(FIXTURE, `${JSON.stringify(file, null, 2)}\n`);
    }
    const expected = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as GoldenFile).hashes;
    expect(Object.keys(actual)).toHaveLength(31 * AS_OF_DATES.length * 3);
    expect(actual).toEqual(expected);
  });
});
