import { fileURLToPath } from 'node:url';
import { runCommand } from '../analytics/cli-runner.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { canonicalJsonlAdapter, statementToJsonLines } from '../../src/bank-data/formats/canonical-jsonl.js';
import { BankFileError } from '../../src/bank-data/canonical.js';
import { fixture } from '../support/flows.js';

async function run(args: string[]) {
  const { code, stdout, stderr } = await runCommand(main, args);
  return { code, out: stdout, err: stderr };
}

const path = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const withoutLocation = <T extends { location?: string }>(items: T[]) => items.map(({ location: _location, ...rest }) => rest);

describe('draagkracht parse', () => {
  it('prints a camt.053 statement as canonical JSON lines', async () => {
    const { code, out } = await run(['parse', path('bank-formats/camt/camt053.v2.multi.statement.xml')]);
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ kind: 'statement', format: 'camt.053' });
    const transactions = lines.filter((l) => l.kind === 'transaction');
    expect(transactions.map((t) => t.amountCents)).toEqual([885, -700]);
  });

  it('names the place of an error and exits 1', async () => {
    const { code, err } = await run(['parse', path('bank-formats/camt/camt053.v2.wrong.xml')]);
    expect(code).toBe(1);
    expect(err).toMatch(/camt\.053: BkToCstmrStmt: .*Stmt/);
  });

  it('refuses an unknown format name and a missing file', async () => {
    expect((await run(['parse', path('bank-formats/camt/camt053.v2.minimal.xml'), '--format', 'nope'])).code).toBe(1);
    const missing = await run(['parse', '/does/not/exist.xml']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ENOENT');
  });

  it('round-trips its own output through the canonical-jsonl reader', () => {
    for (const file of ['bank-formats/camt/camt053.v2.multi.statement.xml', 'bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json', 'bank-formats/uk-open-banking/v3.1.11_Transactions_response2.json']) {
      const original = parseBankFile(fixture(file));
      const again = parseBankFile(Buffer.from(statementToJsonLines(original).join('\n')));
      expect(again.format).toBe('canonical-jsonl');
      expect(again.accounts).toEqual(original.accounts);
      expect(withoutLocation(again.transactions)).toEqual(withoutLocation(original.transactions));
      expect(withoutLocation(again.balances)).toEqual(withoutLocation(original.balances));
    }
  });

  it('canonical-jsonl throws only BankFileError on mutated input (property)', () => {
    const base = statementToJsonLines(parseBankFile(fixture('bank-formats/camt/camt053.v2.multi.statement.xml'))).join('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 8 }), fc.boolean(), (at, insert, lenient) => {
        const mutated = Buffer.from(base.slice(0, at) + insert + base.slice(at + insert.length));
        try {
          const statement = canonicalJsonlAdapter.parse(mutated, { lenient });
          for (const t of statement.transactions) expect(Number.isSafeInteger(t.amountCents)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(BankFileError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
