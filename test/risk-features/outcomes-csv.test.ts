import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutcomesCsv } from '../../src/risk-features/outcomes-csv.js';
import { TrainingDataError } from '../../src/risk-features/training-table.js';

function errorOf(text: string): TrainingDataError {
  try {
    parseOutcomesCsv(text, 'outcomes.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingDataError);
    return error as TrainingDataError;
  }
  throw new Error('no error');
}

describe('the outcomes CSV', () => {
  it('reads the rows with their line, the extra columns in order, an empty extra cell as missing', () => {
    const parsed = parseOutcomesCsv('\uFEFFdebtorRef,asOf,label,amount,term\r\nC1,2025-10-31,1,1200.50,12\r\n\r\n"C,2",2025-11-30,0,,6\n', 'outcomes.csv');
    expect(parsed.extraColumns).toEqual(['amount', 'term']);
    expect(parsed.rows).toEqual([
      { debtorRef: 'C1', asOf: '2025-10-31', label: 1, extras: { amount: 1200.5, term: 12 }, line: 2 },
      { debtorRef: 'C,2', asOf: '2025-11-30', label: 0, extras: { term: 6 }, line: 4 },
    ]);
  });

  it('names file, line and column of each kind of bad input', () => {
    expect(errorOf('debtorRef,label\nC1,1\n')).toMatchObject({ file: 'outcomes.csv', line: 1, column: 'asOf' });
    expect(errorOf('debtorRef,asOf,label,amount,amount\nC1,2025-10-31,1,1,2\n')).toMatchObject({ line: 1, column: 'amount' });
    expect(errorOf('debtorRef,asOf,label\nC1,2025-10-31,1\nC2,2025-10-31,2\n')).toMatchObject({ line: 3, column: 'label' });
    expect(errorOf('debtorRef,asOf,label\nC1,31-10-2025,1\n')).toMatchObject({ line: 2, column: 'asOf' });
    expect(errorOf('debtorRef,asOf,label,amount\nC1,2025-10-31,1,12\nC2,2025-10-31,0,twelve\n')).toMatchObject({ line: 3, column: 'amount' });
    expect(errorOf('debtorRef,asOf,label\nC1,2025-10-31\n')).toMatchObject({ line: 2, column: null });
    expect(errorOf('debtorRef,asOf,label\n,2025-10-31,0\n')).toMatchObject({ line: 2, column: 'debtorRef' });
    expect(errorOf('debtorRef,asOf,label\n')).toMatchObject({ line: null });
  });

  it('reads back any rows it is given', () => {
    const row = fc.record({
      debtorRef: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\r\n]/.test(s) && s.trim() === s && s !== ''),
      day: fc.integer({ min: 0, max: 3000 }),
      label: fc.constantFrom(0 as const, 1 as const),
      amount: fc.option(fc.integer({ min: -1e9, max: 1e9 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const asOf = (day: number) => new Date(Date.UTC(2020, 0, 1 + day)).toISOString().slice(0, 10);
        const text = `debtorRef,asOf,label,amount\n${rows.map((r) => `${quote(r.debtorRef)},${asOf(r.day)},${r.label},${r.amount ?? ''}`).join('\n')}\n`;
        const parsed = parseOutcomesCsv(text, 'o.csv');
        expect(parsed.rows).toEqual(rows.map((r, i) => ({ debtorRef: r.debtorRef, asOf: asOf(r.day), label: r.label, extras: r.amount === undefined ? {} : { amount: r.amount }, line: i + 2 })));
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});
