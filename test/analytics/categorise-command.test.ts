import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoriseCommand } from '../../src/cli/commands/categorise.js';
import { runCommand } from './cli-runner.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bank-formats');
const rabobank = join(fixtures, 'nl-bank-csv', 'synthetic', 'rabobank_NL13RABO0107650033_20240301_20240331.csv');

describe('draagkracht categorise', () => {
  it('prints one JSON line per transaction with its category, rule and confidence', async () => {
    const { code, stdout, stderr } = await runCommand(categoriseCommand, [rabobank]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatchObject({ bookingDate: '2024-03-01', amountCents: 215_000, category: 'income.salary', ruleId: 'salary.explicit', confidence: 0.93 });
    expect(lines.map((l) => l.category)).toContain('reversal.returned_debit');
  });

  it('names the file and the place of a bad file, exit 1', async () => {
    const { code, stderr } = await runCommand(categoriseCommand, [join(fixtures, 'camt', 'camt053.v2.wrong.xml')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/camt053\.v2\.wrong\.xml: camt\.053: BkToCstmrStmt: /);
  });

  it('needs a file and knows its options', async () => {
    expect((await runCommand(categoriseCommand, [])).code).toBe(1);
    const unknown = await runCommand(categoriseCommand, ['--nope', rabobank]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--nope/);
    expect((await runCommand(categoriseCommand, ['missing.csv'])).stderr).toMatch(/missing\.csv: /);
  });
});

