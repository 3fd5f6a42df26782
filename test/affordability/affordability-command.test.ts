import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { affordabilityCommand } from '../../src/cli/commands/affordability.js';
import { runCommand } from '../analytics/cli-runner.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bank-formats');
const rabobank = join(fixtures, 'nl-bank-csv', 'synthetic', 'rabobank_NL13RABO0107650033_20240301_20240331.csv');

describe('draagkracht affordability', () => {
  it('prints a readable report with the range and the explanation', async () => {
    const { code, stdout } = await runCommand(affordabilityCommand, [rabobank, '--as-of', '2024-04-05', '--household', 'single']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Affordability report as of 2024-04-05/);
    expect(stdout).toMatch(/Affordable monthly instalment: € [\d.,]+ to € [\d.,]+/);
    expect(stdout).toMatch(/returned_direct_debits/);
    expect(stdout).toMatch(/Uitleg \(NL\):/);
  });

  it('prints the report as JSON with --json, as of the day after the last booked transaction by default', async () => {
    const { code, stdout } = await runCommand(affordabilityCommand, [rabobank, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { asOf: string; household: { composition: string }; flags: { code: string }[] };
    expect(report.asOf).toBe('2024-03-26');
    expect(report.household.composition).toBe('single');
    expect(report.flags.map((f) => f.code)).toContain('short_history');
  });

  it.each([
    [['--as-of', '2024-02-30'], /--as-of: "2024-02-30" is not a date/],
    [['--household', 'triple'], /--household: "triple" is not one of/],
    [['--as-of', '2019-01-01'], /no entry valid on 2019-01-01/],
  ])('rejects %j with a message, exit 1', async (options, message) => {
    const { code, stderr } = await runCommand(affordabilityCommand, [rabobank, ...options]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });
});
