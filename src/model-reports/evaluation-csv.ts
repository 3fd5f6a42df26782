/**
 * evaluation.csv: the rows a model report is computed from, stored beside the model (see
 * evaluation-set.ts for what they are and why probabilities are not stored).
 *
 * Layout `id,asOf,label,segment.<name>...,<feature>...`: RFC 4180 with a header row; segments in name
 * order, features in the model's order; an empty cell is a missing feature value, an unknown segment,
 * an undated row (asOf) or an outcome not yet known (label). Numbers are written in JavaScript's
 * shortest round-trip form, so a set read back holds exactly the doubles written (-0 and ±Infinity
 * included); text cells are quoted only when they must be.
 *
 * writeModelDirectory writes the whole model directory (model.json, model-card.md, metrics.json and,
 * when given, evaluation.csv) into a staging directory that replaces the old one by a rename, so a
 * reader never sees a model beside another model's evaluation rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeBankText, readCsvRecords } from '../bank-data/formats/csv-reader.js';
import { isIsoDate, type IsoDate } from '../platform/dates.js';
import { TrainingDataError } from '../risk-features/training-table.js';
import { renderModelCard } from '../risk-models/model-card.js';
import {
  METRICS_FILE,
  MODEL_CARD_FILE,
  MODEL_FILE,
  ModelBundleError,
  parseRiskModelBundle,
  replaceDirectory,
  serializeMetrics,
  serializeRiskModelBundle,
  type RiskModelBundle,
} from '../risk-models/risk-model-bundle.js';
import { EVALUATION_FILE, SEGMENT_PREFIX, type EvaluationSet } from './evaluation-set.js';

const FIXED_COLUMNS = ['id', 'asOf', 'label'] as const;
/** A plain decimal number, or ±Infinity as JavaScript writes it. */
const NUMBER = /^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|Infinity)$/;

/** Checks that the set's arrays agree in length and its feature columns match its names. */
export function checkEvaluationSet(set: EvaluationSet): void {
  const n = set.ids.length;
  if (set.asOf.length !== n || set.labels.length !== n) throw new RangeError(`evaluation set: ${n} ids, ${set.asOf.length} dates, ${set.labels.length} labels`);
  if (set.outcomeKnown !== null && set.outcomeKnown.length !== n) throw new RangeError(`evaluation set: ${set.outcomeKnown.length} outcomeKnown flags for ${n} rows`);
  if (set.columns.length !== set.featureNames.length) throw new RangeError(`evaluation set: ${set.columns.length} columns for ${set.featureNames.length} features`);
  set.columns.forEach((column, f) => {
    if (column.length !== n) throw new RangeError(`evaluation set: feature ${set.featureNames[f]} has ${column.length} values for ${n} rows`);
  });
  for (const [name, values] of Object.entries(set.segments)) {
    if (values.length !== n) throw new RangeError(`evaluation set: segment ${name} has ${values.length} values for ${n} rows`);
  }
}

/** evaluation.csv's exact text (LF line ends, a final newline). */
export function evaluationCsv(set: EvaluationSet): string {
  checkEvaluationSet(set);
  const segmentNames = Object.keys(set.segments).sort();
  const header = [...FIXED_COLUMNS, ...segmentNames.map((name) => `${SEGMENT_PREFIX}${name}`), ...set.featureNames];
  const lines = [header.map(csvField).join(',')];
  for (let i = 0; i < set.ids.length; i++) {
    const known = set.outcomeKnown === null || set.outcomeKnown[i] === 1;
    const cells = [csvField(set.ids[i]!), set.asOf[i] ?? '', known ? String(set.labels[i]) : ''];
    for (const name of segmentNames) cells.push(csvField(set.segments[name]![i] ?? ''));
    for (const column of set.columns) cells.push(numberCell(column[i]!));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function numberCell(value: number): string {
  if (Number.isNaN(value)) return '';
  return Object.is(value, -0) ? '-0' : String(value);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Parses evaluation.csv text for a model with these features (in any column order; the set comes back
 * in the model's). Every refusal is a TrainingDataError naming the file, line (1 = header) and column.
 */
export function parseEvaluationCsv(file: string, text: string, featureNames: readonly string[], description?: string): EvaluationSet {
  const records = readCsvRecords(text, { separator: ',' });
  const headerRecord = records[0];
  if (!headerRecord) throw new TrainingDataError(file, null, null, 'the file is empty; a header row is expected');
  if (headerRecord.defect !== null) throw new TrainingDataError(file, headerRecord.line, null, headerRecord.defect);
  const header = headerRecord.fields.map((name) => name.trim());
  FIXED_COLUMNS.forEach((name, i) => {
    if (header[i] !== name) throw new TrainingDataError(file, 1, `column ${i + 1}`, `expected "${name}" (the header starts ${FIXED_COLUMNS.join(',')}), found "${header[i] ?? ''}"`);
  });
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new TrainingDataError(file, 1, `column ${i + 1}`, 'the header has an empty column name');
    if (seen.has(name)) throw new TrainingDataError(file, 1, name, 'the header names this column twice');
    seen.add(name);
  });
  const segmentColumns: { name: string; index: number }[] = [];
  const featureIndex = new Map<string, number>();
  const wanted = new Set(featureNames);
  for (let i = FIXED_COLUMNS.length; i < header.length; i++) {
    const name = header[i]!;
    if (name.startsWith(SEGMENT_PREFIX)) {
      if (name.length === SEGMENT_PREFIX.length) throw new TrainingDataError(file, 1, name, `a segment column needs a name after "${SEGMENT_PREFIX}"`);
      segmentColumns.push({ name: name.slice(SEGMENT_PREFIX.length), index: i });
    } else if (wanted.has(name)) {
      featureIndex.set(name, i);
    } else {
      throw new TrainingDataError(file, 1, name, `"${name}" is neither a segment (${SEGMENT_PREFIX}<name>) nor a feature of the model`);
    }
  }
  const missing = featureNames.filter((name) => !featureIndex.has(name));
  if (missing.length > 0) throw new TrainingDataError(file, 1, missing[0]!, `the model's feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no column`);

  const rows = records.slice(1);
  const n = rows.length;
  const ids: string[] = [];
  const asOf: (IsoDate | null)[] = [];
  const labels = new Uint8Array(n);
  const known = new Uint8Array(n);
  const columns = featureNames.map(() => new Float64Array(n));
  const segments: Record<string, (string | null)[]> = {};
  const segmentOrder = [...segmentColumns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name } of segmentOrder) segments[name] = [];
  const featureColumns = featureNames.map((name) => featureIndex.get(name)!);

  rows.forEach((record, r) => {
    if (record.defect !== null) throw new TrainingDataError(file, record.line, null, record.defect);
    if (record.fields.length !== header.length) throw new TrainingDataError(file, record.line, null, `${record.fields.length} fields where the header has ${header.length}`);
    const f = record.fields;
    if (f[0] === '') throw new TrainingDataError(file, record.line, 'id', 'the id is empty');
    ids.push(f[0]!);
    const date = f[1]!.trim();
    if (date !== '' && !isIsoDate(date)) throw new TrainingDataError(file, record.line, 'asOf', `"${date}" is not a calendar date in the form YYYY-MM-DD (leave it empty for an undated row)`);
    asOf.push(date === '' ? null : date);
    const label = f[2]!.trim();
    if (label === '1' || label === '0') {
      labels[r] = label === '1' ? 1 : 0;
      known[r] = 1;
    } else if (label !== '') {
      throw new TrainingDataError(file, record.line, 'label', `label "${label}" is not 0, 1 or empty (outcome not yet known)`);
    }
    for (const { name, index } of segmentOrder) segments[name]!.push(f[index] === '' ? null : f[index]!);
    featureColumns.forEach((index, k) => {
      const raw = f[index]!.trim();
      if (raw === '') {
        columns[k]![r] = Number.NaN;
        return;
      }
      if (!NUMBER.test(raw)) throw new TrainingDataError(file, record.line, header[index]!, `"${raw}" is not a number (an empty cell is a missing value)`);
      columns[k]![r] = Number(raw);
    });
  });

  const dated = asOf.filter((d): d is IsoDate => d !== null).sort();
  const window = { from: dated[0] ?? null, to: dated[dated.length - 1] ?? null };
  return {
    description: description ?? `${n} rows read from ${basename(file)}${window.from !== null ? ` (as-of ${window.from} to ${window.to})` : ''}`,
    window,
    ids,
    asOf,
    featureNames: [...featureNames],
    columns,
    labels,
    outcomeKnown: known.every((k) => k === 1) ? null : known,
    segments,
  };
}

/** The evaluation set stored in a model directory; null when the directory has none (a model trained before reports). */
export async function readEvaluationFile(dir: string, featureNames: readonly string[]): Promise<EvaluationSet | null> {
  const file = join(dir, EVALUATION_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TrainingDataError(file, null, null, `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseEvaluationCsv(file, decodeBankText(bytes), featureNames);
}

export interface ModelDirectoryOptions {
  /** The command that reproduces the model, added to the model card (a shell line). */
  reproduce?: string;
}

/** model-card.md: the card rendered from the bundle, and how to reproduce the model when that is known. */
export function modelCardText(bundle: RiskModelBundle, options: ModelDirectoryOptions = {}): string {
  const card = renderModelCard(bundle);
  if (options.reproduce === undefined) return card;
  return `${card.endsWith('\n') ? card : `${card}\n`}\n## Reproduce\n\nThe same command on the same data gives these files bit for bit:\n\n\`\`\`sh\n${options.reproduce}\n\`\`\`\n`;
}

/**
 * Writes the model directory all at once (see the module comment). The evaluation set must have the
 * bundle's features; an existing directory is replaced, its old evaluation.csv included.
 */
export async function writeModelDirectory(dir: string, bundle: RiskModelBundle, evaluation?: EvaluationSet, options: ModelDirectoryOptions = {}): Promise<void> {
  parseRiskModelBundle(JSON.parse(serializeRiskModelBundle(bundle)));
  if (evaluation && (evaluation.featureNames.length !== bundle.featureNames.length || evaluation.featureNames.some((name, i) => name !== bundle.featureNames[i]))) {
    throw new ModelBundleError('the evaluation set\'s features differ from the model\'s');
  }
  const csv = evaluation ? evaluationCsv(evaluation) : null;
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(staging);
  try {
    await writeFile(join(staging, MODEL_FILE), serializeRiskModelBundle(bundle));
    await writeFile(join(staging, MODEL_CARD_FILE), modelCardText(bundle, options));
    await writeFile(join(staging, METRICS_FILE), serializeMetrics(bundle));
    if (csv !== null) await writeFile(join(staging, EVALUATION_FILE), csv);
    await replaceDirectory(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
