/**
 * evaluation.csv: any evaluation set survives writing and reading exactly (fast-check), a malformed
 * file is refused by line and column, an absent one reads as null, and the model directory is written
 * whole or not at all.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluationCsv, parseEvaluationCsv, readEvaluationFile, writeModelDirectory } from '../../src/model-reports/evaluation-csv.js';
import { EVALUATION_FILE, type EvaluationSet } from '../../src/model-reports/evaluation-set.js';
import { addDays } from '../../src/platform/dates.js';
import { TrainingDataError } from '../../src/risk-features/training-table.js';
import { ModelBundleError, readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { trainRiskModel } from '../../src/risk-models/training-pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'evaluation-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const featureName = text.filter((s) => s.trim() === s && !s.startsWith('segment.') && !['id', 'asOf', 'label'].includes(s));
const value = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, Number.MAX_VALUE));

const evaluationSets: fc.Arbitrary<EvaluationSet> = fc
  .record({
    rows: fc.integer({ min: 0, max: 12 }),
    features: fc.uniqueArray(featureName, { minLength: 1, maxLength: 4 }),
    segments: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { maxLength: 3 }),
    dated: fc.boolean(),
    partlyKnown: fc.boolean(),
  })
  .chain(({ rows, features, segments, dated, partlyKnown }) =>
    fc.record({
      ids: fc.array(text, { minLength: rows, maxLength: rows }),
      asOf: fc.array(dated ? fc.integer({ min: 0, max: 4000 }).map((d) => addDays('2020-01-01', d)) : fc.constant(null), { minLength: rows, maxLength: rows }),
      columns: fc.tuple(...features.map(() => fc.array(value, { minLength: rows, maxLength: rows }))),
      labels: fc.array(fc.constantFrom(0, 1), { minLength: rows, maxLength: rows }),
      known: partlyKnown ? fc.array(fc.constantFrom(0, 1), { minLength: rows, maxLength: rows }) : fc.constant(null),
      segments: fc.tuple(...segments.map(() => fc.array(fc.option(text, { nil: null }), { minLength: rows, maxLength: rows }))),
    }).map((drawn): EvaluationSet => {
      const known = drawn.known === null || drawn.known.every((k) => k === 1) ? null : Uint8Array.from(drawn.known);
      const dates = drawn.asOf.filter((d): d is string => d !== null).sort();
      return {
        description: 'drawn',
        window: { from: dates[0] ?? null, to: dates.at(-1) ?? null },
        ids: drawn.ids,
        asOf: drawn.asOf,
        featureNames: features,
        columns: drawn.columns.map((c) => Float64Array.from(c)),
        // An unknown outcome is written as an empty label and read back as 0.
        labels: Uint8Array.from(drawn.labels, (y, i) => (known !== null && known[i] === 0 ? 0 : y)),
        outcomeKnown: known,
        segments: Object.fromEntries(segments.map((name, s) => [name, drawn.segments[s]!])),
      };
    }),
  );

describe('evaluation.csv', () => {
  it('reads back exactly what was written (property)', () => {
    fc.assert(
      fc.property(evaluationSets, (set) => {
        const read = parseEvaluationCsv('evaluation.csv', evaluationCsv(set), set.featureNames, 'drawn');
        expect(read.ids).toEqual(set.ids);
        expect(read.asOf).toEqual(set.asOf);
        expect(read.window).toEqual(set.window);
        expect(read.featureNames).toEqual(set.featureNames);
        read.columns.forEach((column, f) => {
          // Object.is per value: NaN stays NaN and -0 stays -0.
          column.forEach((v, i) => expect(Object.is(v, set.columns[f]![i]), `${set.featureNames[f]} row ${i}: ${v} vs ${set.columns[f]![i]}`).toBe(true));
        });
        expect(read.labels).toEqual(set.labels);
        expect(read.outcomeKnown).toEqual(set.outcomeKnown);
        expect(read.segments).toEqual(set.segments);
        // Written again, the same bytes.
        expect(evaluationCsv(read)).toBe(evaluationCsv(set));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the features in the model\'s order whatever the column order, and segments in name order', () => {
    const csv = 'id,asOf,label,b,segment.zone,a,segment.age_band\nr1,2026-01-31,1,2.5,north,,<25\nr2,2026-02-28,,-1,,3,\n';
    const set = parseEvaluationCsv('e.csv', csv, ['a', 'b']);
    expect(set.featureNames).toEqual(['a', 'b']);
    expect(Array.from(set.columns[0]!)).toEqual([Number.NaN, 3]);
    expect(Array.from(set.columns[1]!)).toEqual([2.5, -1]);
    expect(Object.keys(set.segments)).toEqual(['age_band', 'zone']);
    expect(set.segments).toEqual({ age_band: ['<25', null], zone: ['north', null] });
    expect(Array.from(set.outcomeKnown!)).toEqual([1, 0]);
    expect(set.window).toEqual({ from: '2026-01-31', to: '2026-02-28' });
    expect(set.description).toBe('2 rows read from e.csv (as-of 2026-01-31 to 2026-02-28)');
  });

  const refusals: { name: string; csv: string; message: string }[] = [
    { name: 'an empty file', csv: '', message: 'e.csv: the file is empty; a header row is expected' },
    { name: 'a header not starting id,asOf,label', csv: 'id,label,asOf,a\n', message: 'e.csv:1 (column 2): expected "asOf" (the header starts id,asOf,label), found "label"' },
    { name: 'a column twice', csv: 'id,asOf,label,a,a\n', message: 'e.csv:1 (a): the header names this column twice' },
    { name: 'a column that is not a feature', csv: 'id,asOf,label,a,b,c\n', message: 'e.csv:1 (c): "c" is neither a segment (segment.<name>) nor a feature of the model' },
    { name: 'a missing feature', csv: 'id,asOf,label,a\n', message: 'e.csv:1 (b): the model\'s feature b has no column' },
    { name: 'a nameless segment', csv: 'id,asOf,label,segment.,a,b\n', message: 'e.csv:1 (segment.): a segment column needs a name after "segment."' },
    { name: 'a row with too few fields', csv: 'id,asOf,label,a,b\nr1,,1,2\n', message: 'e.csv:2: 4 fields where the header has 5' },
    { name: 'an unclosed quote', csv: 'id,asOf,label,a,b\nr1,,1,2,3\n"r2,,0,1,1\n', message: 'e.csv:3: column 1: the quoted field opened on line 3 is never closed' },
    { name: 'an empty id', csv: 'id,asOf,label,a,b\n,,1,2,3\n', message: 'e.csv:2 (id): the id is empty' },
    { name: 'a bad date', csv: 'id,asOf,label,a,b\nr1,2026-02-30,1,2,3\n', message: 'e.csv:2 (asOf): "2026-02-30" is not a calendar date in the form YYYY-MM-DD (leave it empty for an undated row)' },
    { name: 'a bad label', csv: 'id,asOf,label,a,b\nr1,,yes,2,3\n', message: 'e.csv:2 (label): label "yes" is not 0, 1 or empty (outcome not yet known)' },
    { name: 'a bad number', csv: 'id,asOf,label,a,b\nr1,,1,2,3\nr2,,0,1,"1,5"\n', message: 'e.csv:3 (b): "1,5" is not a number (an empty cell is a missing value)' },
    { name: 'NA for missing', csv: 'id,asOf,label,a,b\nr1,,1,NA,3\n', message: 'e.csv:2 (a): "NA" is not a number (an empty cell is a missing value)' },
  ];
  for (const { name, csv, message } of refusals) {
    it(`refuses ${name}, naming the line and column`, () => {
      let error: unknown;
      try {
        parseEvaluationCsv('e.csv', csv, ['a', 'b']);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TrainingDataError);
      expect((error as Error).message).toBe(message);
    });
  }

  it('reads a directory without evaluation.csv as null, and names the file it cannot parse', async () => {
    const empty = join(dir, 'no-evaluation');
    await mkdir(empty);
    expect(await readEvaluationFile(empty, ['a'])).toBeNull();
    const broken = join(dir, 'broken');
    await mkdir(broken);
    writeFileSync(join(broken, EVALUATION_FILE), '\uFEFFid,asOf,label,a\r\nr1,,1,x\r\n');
    await expect(readEvaluationFile(broken, ['a'])).rejects.toThrow(`${join(broken, EVALUATION_FILE)}:2 (a): "x" is not a number`);
  });
});

describe('writeModelDirectory', () => {
  it('writes model, card, metrics and evaluation.csv together, replacing a previous model whole', async () => {
    const n = 600;
    const columns = [new Float64Array(n), new Float64Array(n)];
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      columns[0]![i] = (i * 37) % 101;
      columns[1]![i] = i % 7 === 0 ? Number.NaN : (i * 13) % 17;
      labels[i] = (i * 37) % 101 > 70 || i % 11 === 0 ? 1 : 0;
    }
    const segment = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i % 2 === 0 ? 'even' : 'odd'));
    const { bundle, evaluation } = await trainRiskModel(
      { ids: Array.from({ length: n }, (_, i) => `r${i}`), asOf: new Array<null>(n).fill(null), dataset: { featureNames: ['a', 'b'], rowCount: n, columns, labels }, oracle: null, featureSet: 'table', catalogueVersion: null, segments: { parity: segment } },
      { modelId: 'tiny', learnerOptions: { iterations: 20, threads: 1 } },
    );
    const out = join(dir, 'model');
    await writeModelDirectory(out, bundle, evaluation, { reproduce: 'npm run tiny' });
    expect(readdirSync(out).sort()).toEqual(['evaluation.csv', 'metrics.json', 'model-card.md', 'model.json']);
    expect(readFileSync(join(out, 'model-card.md'), 'utf8')).toMatch(/## Reproduce\n[\s\S]*```sh\nnpm run tiny\n```\n$/);
    const read = (await readEvaluationFile(out, bundle.featureNames))!;
    expect(read.ids).toEqual(evaluation.ids);
    expect(read.segments.parity).toEqual(evaluation.ids.map((id) => segment[Number(id.slice(1))]));
    expect(read.ids).toHaveLength(bundle.metrics.rows.test);

    // A second write without an evaluation set replaces the directory: no stale evaluation.csv beside another model.
    await writeModelDirectory(out, { ...bundle, modelId: 'tiny-2' });
    expect(readdirSync(out).sort()).toEqual(['metrics.json', 'model-card.md', 'model.json']);
    expect((await readModelDirectory(out)).modelId).toBe('tiny-2');
    expect(readdirSync(dir).filter((name) => name.startsWith('.model'))).toEqual([]);

    // An evaluation set of other features is refused before anything is written.
    await expect(writeModelDirectory(join(dir, 'other'), bundle, { ...evaluation, featureNames: ['b', 'a'] })).rejects.toThrow(ModelBundleError);
    expect(existsSync(join(dir, 'other'))).toBe(false);
  });
});
