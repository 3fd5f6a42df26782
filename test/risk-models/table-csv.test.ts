import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSegmentSpec, SegmentSpecError } from '../../src/risk-features/segments.js';
import { TrainingDataError } from '../../src/risk-features/training-table.js';
import { parseCsvTable, probabilityCsv, readFeatureTableCsv, readOutcomesCsv, readPredictionTableCsv } from '../../src/risk-models/table-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'table-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(text: string | Buffer): string {
  const path = join(dir, `t${counter++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** The error a promise rejects with, so a test can look at file, line and column. */
async function refusal(promise: Promise<unknown>): Promise<TrainingDataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrainingDataError) return error;
    throw error;
  }
  throw new Error('expected a TrainingDataError');
}

describe('feature table CSV', () => {
  it('reads quotes, CRLF and a BOM; an empty cell is missing; label, id and date columns are not features', async () => {
    const text = '\uFEFFid,"income, net",balance,asOf,y\r\n"a ""1""",1200.5,,2026-01-31,0\r\nb,-3e2,17,2026-02-28,1\r\n';
    const table = await readFeatureTableCsv(file(text), { label: 'y', id: 'id', asOfColumn: 'asOf' });
    expect(table.dataset.featureNames).toEqual(['income, net', 'balance']);
    expect(table.ids).toEqual(['a "1"', 'b']);
    expect(table.asOf).toEqual(['2026-01-31', '2026-02-28']);
    expect(Array.from(table.dataset.columns[0]!)).toEqual([1200.5, -300]);
    expect(Number.isNaN(table.dataset.columns[1]![0]!)).toBe(true);
    expect(table.dataset.columns[1]![1]).toBe(17);
    expect(Array.from(table.dataset.labels)).toEqual([0, 1]);
    expect(table.featureSet).toBe('table');
    expect(table.catalogueVersion).toBeNull();
  });

  it('takes segment.<name> columns as segments, not features, and --segment columns as both', async () => {
    const text = 'id,segment.region,x,AGE,SEX,y\n1,north,0.5,24,1,0\n2,,1.5,25,2,1\n3,"south, coast",2.5,61,9,0\n4,north,,,1,1\n';
    const table = await readFeatureTableCsv(file(text), {
      label: 'y',
      id: 'id',
      segments: [parseSegmentSpec('AGE=age_band:bands=25,35,45,55'), parseSegmentSpec('SEX=sex:1=male,2=female')],
    });
    expect(table.dataset.featureNames).toEqual(['x', 'AGE', 'SEX']);
    expect(table.segments).toEqual({
      age_band: ['<25', '25-34', '55+', null],
      region: ['north', null, 'south, coast', 'north'],
      // A code without a label keeps its own text.
      sex: ['male', 'female', '9', 'male'],
    });
    expect(Object.keys(table.segments)).toEqual(['age_band', 'region', 'sex']);
    const twice = await refusal(readFeatureTableCsv(file(text), { label: 'y', segments: [parseSegmentSpec('x=region')] }));
    expect([twice.line, twice.column]).toEqual([1, 'x']);
    expect(twice.message).toContain('segment "region" is given twice');
    const missing = await refusal(readFeatureTableCsv(file(text), { label: 'y', segments: [parseSegmentSpec('GENDER=sex')] }));
    expect([missing.line, missing.column]).toEqual([1, 'GENDER']);
    const notNumber = await refusal(readFeatureTableCsv(file('a,b,y\n1,x,0\n2,3,1\n'), { label: 'y', segments: [parseSegmentSpec('b=b_band:bands=2')] }));
    expect([notNumber.line, notNumber.column]).toEqual([2, 'b']);
  });

  it('parses --segment specs and refuses malformed ones', () => {
    expect(parseSegmentSpec('X2=sex:1=male,2=female')).toEqual({ column: 'X2', name: 'sex', kind: 'codes', labels: { '1': 'male', '2': 'female' } });
    expect(parseSegmentSpec('region=region')).toEqual({ column: 'region', name: 'region', kind: 'codes', labels: {} });
    expect(parseSegmentSpec('AGE=age_band:bands=25,35')).toEqual({ column: 'AGE', name: 'age_band', kind: 'bands', edges: [25, 35] });
    for (const bad of ['sex', '=sex', 'X2=Sex', 'X2=sex:1', 'X2=sex:1=male,1=man', 'AGE=age_band:bands=35,25', 'AGE=age_band:bands=a', 'AGE=age_band:bands=']) {
      expect(() => parseSegmentSpec(bad), bad).toThrow(SegmentSpecError);
    }
  });

  it('numbers rows from 1 and leaves dates null without --id and --as-of-column', async () => {
    const table = await readFeatureTableCsv(file('x,y\n1,0\n2,1\n3,0\n'), { label: 'y' });
    expect(table.ids).toEqual(['1', '2', '3']);
    expect(table.asOf).toEqual([null, null, null]);
  });

  it('names file, line and column of a non-numeric feature value', async () => {
    const path = file('id,x,z,y\n1,1,2,0\n2,1,twelve,1\n');
    const error = await refusal(readFeatureTableCsv(path, { label: 'y', id: 'id' }));
    expect([error.file, error.line, error.column]).toEqual([path, 3, 'z']);
    expect(error.message).toContain(`${path}:3 (z)`);
    expect(error.message).toContain('"twelve" is not a number');
  });

  it('refuses thousands separators and NA rather than guessing', async () => {
    for (const bad of ['"1,200"', 'NA', '12 EUR', '0x10']) {
      const error = await refusal(readFeatureTableCsv(file(`x,y\n1,0\n${bad},1\n`), { label: 'y' }));
      expect(error.line).toBe(3);
      expect(error.column).toBe('x');
    }
  });

  it('names a label that is not 0 or 1', async () => {
    const path = file('x,y\n1,0\n2,yes\n');
    const error = await refusal(readFeatureTableCsv(path, { label: 'y' }));
    expect([error.line, error.column]).toEqual([3, 'y']);
    expect(error.message).toContain('label "yes" is not 0 or 1');
  });

  it('refuses a single class, naming the label column', async () => {
    const path = file('x,y\n1,1\n2,1\n');
    const error = await refusal(readFeatureTableCsv(path, { label: 'y' }));
    expect([error.file, error.column]).toEqual([path, 'y']);
    expect(error.message).toContain('both classes');
  });

  it('refuses a bad date in the as-of column', async () => {
    const error = await refusal(readFeatureTableCsv(file('d,x,y\n2026-01-31,1,0\n2026-02-30,1,1\n'), { label: 'y', asOfColumn: 'd' }));
    expect([error.line, error.column]).toEqual([3, 'd']);
  });

  it('refuses an unknown label column, a ragged row, a duplicate header and an unclosed quote', async () => {
    expect((await refusal(readFeatureTableCsv(file('x,y\n1,0\n'), { label: 'target' }))).message).toContain('no column "target"');
    expect((await refusal(readFeatureTableCsv(file('x,y\n1,0\n1\n'), { label: 'y' }))).line).toBe(3);
    expect((await refusal(readFeatureTableCsv(file('x,x,y\n1,2,0\n'), { label: 'y' }))).column).toBe('x');
    expect((await refusal(readFeatureTableCsv(file('x,y\n"1,0\n'), { label: 'y' }))).message).toContain('never closed');
  });

  it('reads back every value a table can hold (property)', async () => {
    const cell = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN), fc.integer({ min: -1e9, max: 1e9 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, fc.constantFrom(0, 1)), { minLength: 2, maxLength: 30 }), fc.boolean(), async (rows, crlf) => {
        const withBoth = [...rows, [1, 2, 0] as const, [3, 4, 1] as const];
        const eol = crlf ? '\r\n' : '\n';
        const show = (v: number) => (Number.isNaN(v) ? '' : String(v));
        const text = `a,b,label${eol}${withBoth.map(([a, b, y]) => `${show(a)},${show(b)},${y}`).join(eol)}${eol}`;
        const table = await readFeatureTableCsv(file(text), { label: 'label' });
        withBoth.forEach(([a, b, y], r) => {
          expect(Object.is(table.dataset.columns[0]![r], a === 0 ? 0 : a) || (Number.isNaN(a) && Number.isNaN(table.dataset.columns[0]![r]!))).toBe(true);
          expect(Object.is(table.dataset.columns[1]![r], b === 0 ? 0 : b) || (Number.isNaN(b) && Number.isNaN(table.dataset.columns[1]![r]!))).toBe(true);
          expect(table.dataset.labels[r]).toBe(y);
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe('prediction table CSV', () => {
  it('picks the model\'s features by name, ignores extra columns and needs no label', async () => {
    const { ids, columns } = await readPredictionTableCsv(file('extra,b,key,a\nq,2,k1,1\nr,,k2,3\n'), ['a', 'b'], { id: 'key' });
    expect(ids).toEqual(['k1', 'k2']);
    expect(Array.from(columns[0]!)).toEqual([1, 3]);
    expect(columns[1]![0]).toBe(2);
    expect(Number.isNaN(columns[1]![1]!)).toBe(true);
  });

  it('names a feature column the table lacks', async () => {
    const error = await refusal(readPredictionTableCsv(file('a\n1\n'), ['a', 'income']));
    expect(error.column).toBe('income');
    expect(error.message).toContain('"income"');
  });
});

describe('outcomes CSV', () => {
  it('reads debtorRef, asOf, label and extra numeric columns with their lines', async () => {
    const { outcomes, extraColumns } = await readOutcomesCsv(file('debtorRef,asOf,label,amount,term\nd1,2026-03-31,1,120000,12\nd2,2026-03-31,0,,24\n'));
    expect(extraColumns).toEqual(['amount', 'term']);
    expect(outcomes[0]).toEqual({ debtorRef: 'd1', asOf: '2026-03-31', label: 1, extras: { amount: 120000, term: 12 }, segments: {}, line: 2 });
    expect(outcomes[1]!.line).toBe(3);
    expect(Number.isNaN(outcomes[1]!.extras.amount!)).toBe(true);
  });

  it('reads segment.<name> columns as segments, not claim features', async () => {
    const { outcomes, extraColumns } = await readOutcomesCsv(file('debtorRef,segment.age_band,asOf,label,amount\nd1,35-44,2026-03-31,1,100\nd2,,2026-03-31,0,200\n'));
    expect(extraColumns).toEqual(['amount']);
    expect(outcomes.map((o) => o.segments)).toEqual([{ age_band: '35-44' }, { age_band: null }]);
  });

  it('refuses an unknown debtorRef, a bad date, a bad label and a non-numeric extra, each by line and column', async () => {
    const known = new Set(['d1', 'd2']);
    const cases: [string, number, string][] = [
      ['debtorRef,asOf,label\nd1,2026-03-31,1\nd9,2026-03-31,0\n', 3, 'debtorRef'],
      ['debtorRef,asOf,label\nd1,31-03-2026,1\nd2,2026-03-31,0\n', 2, 'asOf'],
      ['debtorRef,asOf,label\nd1,2026-03-31,2\nd2,2026-03-31,0\n', 2, 'label'],
      ['debtorRef,asOf,label,amount\nd1,2026-03-31,1,12k\nd2,2026-03-31,0,5\n', 2, 'amount'],
    ];
    for (const [text, line, column] of cases) {
      const error = await refusal(readOutcomesCsv(file(text), { knownDebtorRefs: known }));
      expect([error.line, error.column]).toEqual([line, column]);
    }
  });

  it('names a missing required column', async () => {
    const error = await refusal(readOutcomesCsv(file('debtor,asOf,label\nd1,2026-03-31,1\n')));
    expect(error.column).toBe('debtorRef');
  });

  it('reads a BOM, CRLF, blank lines and a quoted debtorRef holding a comma, keeping file lines', async () => {
    const { outcomes } = await readOutcomesCsv(file('\uFEFFdebtorRef,asOf,label\r\nC1,2025-10-31,1\r\n\r\n"C,2",2025-11-30,0\r\n'));
    expect(outcomes.map((o) => [o.debtorRef, o.asOf, o.label, o.line])).toEqual([
      ['C1', '2025-10-31', 1, 2],
      ['C,2', '2025-11-30', 0, 4],
    ]);
  });

  it('refuses an empty debtorRef by line and column', async () => {
    const error = await refusal(readOutcomesCsv(file('debtorRef,asOf,label\nd1,2026-03-31,1\n,2026-03-31,0\n')));
    expect([error.line, error.column]).toEqual([3, 'debtorRef']);
  });
});

describe('probability CSV', () => {
  it('writes a header, quotes ids that need it, and round-trips the probabilities exactly', () => {
    const probabilities = Float64Array.from([0.1, 1 / 3, 0]);
    const text = probabilityCsv(['a', 'b,c', 'd"e'], probabilities, Uint8Array.from([0, 1, 0]));
    const parsed = parseCsvTable('x', text);
    expect(parsed.header).toEqual(['id', 'probability', 'label']);
    expect(parsed.records.map((r) => r.fields[0])).toEqual(['a', 'b,c', 'd"e']);
    expect(parsed.records.map((r) => Number(r.fields[1]))).toEqual(Array.from(probabilities));
  });
});
