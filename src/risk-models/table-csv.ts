/**
 * The CSV files a data-science team brings: a ready feature table (`--table`) and the outcomes that go
 * with a folder of bank files (`--outcomes`). RFC 4180 with a header row and comma separator: quoted
 * fields, doubled quotes, CRLF or LF, an optional UTF-8 BOM (the record reader is the one the bank CSV
 * formats use). An empty cell is a missing value (NaN), which the learners treat as information.
 *
 * Every refusal names the file, the line (1 = header) and the column, because the person fixing it
 * has the file open in a spreadsheet, not the code.
 */
import { readFile } from 'node:fs/promises';
import { decodeBankText, readCsvRecords, type CsvRecord } from '../bank-data/formats/csv-reader.js';
import { isIsoDate, type IsoDate } from '../platform/dates.js';
import { SEGMENT_PREFIX } from '../model-reports/evaluation-set.js';
import { segmentValueOf, SegmentSpecError, type SegmentSpec } from '../risk-features/segments.js';
import { TrainingDataError, type OutcomeRow, type TrainingTable } from '../risk-features/training-table.js';

/** A plain decimal number: no thousands separators, no units, no "NA" (an empty cell is the way to say missing). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

async function readCsvTable(file: string): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new TrainingDataError(file, null, null, `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseCsvTable(file, decodeBankText(bytes));
}

export function parseCsvTable(file: string, text: string): CsvTable {
  const records = readCsvRecords(text, { separator: ',' });
  const headerRecord = records[0];
  if (!headerRecord) throw new TrainingDataError(file, null, null, 'the file is empty; a header row is expected');
  const header = headerRecord.fields.map((name) => name.trim());
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new TrainingDataError(file, headerRecord.line, `column ${i + 1}`, 'the header has an empty column name');
    if (seen.has(name)) throw new TrainingDataError(file, headerRecord.line, name, 'the header names this column twice');
    seen.add(name);
  });
  const rows = records.slice(1);
  for (const record of [headerRecord, ...rows]) {
    if (record.defect !== null) throw new TrainingDataError(file, record.line, null, record.defect);
    if (record.fields.length !== header.length) throw new TrainingDataError(file, record.line, null, `${record.fields.length} fields where the header has ${header.length}`);
  }
  return { header, records: rows };
}

function columnIndex(file: string, table: CsvTable, name: string, flag: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new TrainingDataError(file, 1, name, `no column "${name}" (named by ${flag}); the header has ${table.header.join(', ')}`);
  return index;
}

function readNumber(file: string, record: CsvRecord, index: number, column: string): number {
  const raw = record.fields[index]!.trim();
  if (raw === '') return Number.NaN;
  if (!NUMBER.test(raw)) throw new TrainingDataError(file, record.line, column, `"${raw}" is not a number (leave the cell empty for a missing value)`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new TrainingDataError(file, record.line, column, `"${raw}" is out of range`);
  return value;
}

function readLabel(file: string, record: CsvRecord, index: number, column: string): 0 | 1 {
  const raw = record.fields[index]!.trim();
  if (raw === '0') return 0;
  if (raw === '1') return 1;
  throw new TrainingDataError(file, record.line, column, `label "${raw}" is not 0 or 1`);
}

function readDate(file: string, record: CsvRecord, index: number, column: string): IsoDate {
  const raw = record.fields[index]!.trim();
  if (!isIsoDate(raw)) throw new TrainingDataError(file, record.line, column, `"${raw}" is not a calendar date in the form YYYY-MM-DD`);
  return raw;
}

function checkBothClasses(file: string, column: string, labels: Uint8Array): void {
  let positives = 0;
  for (const y of labels) positives += y;
  if (labels.length === 0) throw new TrainingDataError(file, null, null, 'the file has a header but no rows');
  if (positives === 0 || positives === labels.length) {
    throw new TrainingDataError(file, null, column, `every one of the ${labels.length} labels is ${positives === 0 ? 0 : 1}: a model needs rows of both classes`);
  }
}

function readIds(file: string, table: CsvTable, idColumn: string | undefined): string[] {
  if (idColumn === undefined) return table.records.map((_, i) => String(i + 1));
  const index = columnIndex(file, table, idColumn, '--id');
  return table.records.map((record) => {
    const id = record.fields[index]!.trim();
    if (id === '') throw new TrainingDataError(file, record.line, idColumn, 'the id is empty');
    return id;
  });
}

export interface FeatureTableOptions {
  label: string;
  /** Row ids (the debtor, for grouped cross-validation); default: the data row number. */
  id?: string;
  /** A date column: rows are then split in time; without it the split is random. */
  asOfColumn?: string;
  /**
   * Plain columns also taken as segments (`--segment`), with readable values. The column stays a
   * feature: naming it a segment only lets a report compare groups by it.
   */
  segments?: readonly SegmentSpec[];
}

/**
 * A ready feature table for training: every column except the label, id and date columns and the
 * `segment.<name>` columns is a numeric feature; `segment.<name>` columns (text, empty = unknown) and
 * the columns named by options.segments are the table's segments.
 */
export async function readFeatureTableCsv(file: string, options: FeatureTableOptions): Promise<TrainingTable> {
  const table = await readCsvTable(file);
  const labelIndex = columnIndex(file, table, options.label, '--label');
  const ids = readIds(file, table, options.id);
  const dateIndex = options.asOfColumn === undefined ? -1 : columnIndex(file, table, options.asOfColumn, '--as-of-column');
  const reserved = new Set([options.label, options.id, options.asOfColumn].filter((c): c is string => c !== undefined));
  const segments = readSegments(file, table, options.segments ?? []);
  const featureIndexes = table.header.flatMap((name, i) => (reserved.has(name) || name.startsWith(SEGMENT_PREFIX) ? [] : [i]));
  if (featureIndexes.length === 0) throw new TrainingDataError(file, 1, null, 'the table has no feature columns besides the label, id, date and segments');
  const rowCount = table.records.length;
  const columns = featureIndexes.map(() => new Float64Array(rowCount));
  const labels = new Uint8Array(rowCount);
  const asOf: (IsoDate | null)[] = new Array<IsoDate | null>(rowCount).fill(null);
  table.records.forEach((record, r) => {
    labels[r] = readLabel(file, record, labelIndex, options.label);
    if (dateIndex >= 0) asOf[r] = readDate(file, record, dateIndex, options.asOfColumn!);
    featureIndexes.forEach((index, f) => {
      columns[f]![r] = readNumber(file, record, index, table.header[index]!);
    });
  });
  checkBothClasses(file, options.label, labels);
  return {
    ids,
    asOf,
    dataset: { featureNames: featureIndexes.map((i) => table.header[i]!), rowCount, columns, labels },
    oracle: null,
    featureSet: 'table',
    catalogueVersion: null,
    segments,
  };
}

/** `segment.<name>` columns as they are, then the specified columns with their labels, in name order. */
function readSegments(file: string, table: CsvTable, specs: readonly SegmentSpec[]): Record<string, (string | null)[]> {
  const found = new Map<string, (string | null)[]>();
  table.header.forEach((column, index) => {
    if (!column.startsWith(SEGMENT_PREFIX)) return;
    const name = column.slice(SEGMENT_PREFIX.length);
    if (name === '') throw new TrainingDataError(file, 1, column, `a segment column needs a name after "${SEGMENT_PREFIX}"`);
    found.set(name, table.records.map((record) => {
      const value = record.fields[index]!.trim();
      return value === '' ? null : value;
    }));
  });
  for (const spec of specs) {
    const index = columnIndex(file, table, spec.column, '--segment');
    if (found.has(spec.name)) throw new TrainingDataError(file, 1, spec.column, `segment "${spec.name}" is given twice (a ${SEGMENT_PREFIX}${spec.name} column or another --segment)`);
    found.set(spec.name, table.records.map((record) => {
      try {
        return segmentValueOf(spec, record.fields[index]!);
      } catch (error) {
        if (error instanceof SegmentSpecError) throw new TrainingDataError(file, record.line, spec.column, error.message);
        throw error;
      }
    }));
  }
  const segments: Record<string, (string | null)[]> = {};
  for (const name of [...found.keys()].sort()) segments[name] = found.get(name)!;
  return segments;
}

/** Rows to score: the model's features picked out by name (extra columns, a label among them, are ignored). */
export async function readPredictionTableCsv(file: string, featureNames: readonly string[], options: { id?: string } = {}): Promise<{ ids: string[]; columns: Float64Array[] }> {
  const table = await readCsvTable(file);
  const ids = readIds(file, table, options.id);
  const indexes = featureNames.map((name) => {
    const index = table.header.indexOf(name);
    if (index < 0) throw new TrainingDataError(file, 1, name, `the model needs the feature column "${name}", which the table does not have`);
    return index;
  });
  const columns = indexes.map((index) => Float64Array.from(table.records, (record) => readNumber(file, record, index, table.header[index]!)));
  return { ids, columns };
}

export const OUTCOME_COLUMNS = ['debtorRef', 'asOf', 'label'] as const;

/**
 * The outcomes that go with a folder of bank files: `debtorRef,asOf,label` (1 = arrears within the
 * horizon after asOf), any further numeric columns a creditor knows of the claim (amount, term,
 * instalment), which become features, and `segment.<name>` columns (text), which become segments. `knownDebtorRefs` (the bank files present) refuses a row whose
 * debtor has no bank file before any file is parsed.
 */
export async function readOutcomesCsv(file: string, options: { knownDebtorRefs?: ReadonlySet<string> } = {}): Promise<{ outcomes: OutcomeRow[]; extraColumns: string[] }> {
  const table = await readCsvTable(file);
  const [refIndex, dateIndex, labelIndex] = OUTCOME_COLUMNS.map((name) => {
    const index = table.header.indexOf(name);
    if (index < 0) throw new TrainingDataError(file, 1, name, `the outcomes need the columns ${OUTCOME_COLUMNS.join(', ')}; "${name}" is missing`);
    return index;
  }) as [number, number, number];
  // segment.<name> columns (an age band, a region the creditor knows) group rows in reports; they are not features.
  const segmentValues = readSegments(file, table, []);
  const extraIndexes = table.header.flatMap((name, i) => ((OUTCOME_COLUMNS as readonly string[]).includes(name) || name.startsWith(SEGMENT_PREFIX) ? [] : [i]));
  const extraColumns = extraIndexes.map((i) => table.header[i]!);
  const outcomes = table.records.map((record, r): OutcomeRow => {
    const debtorRef = record.fields[refIndex]!.trim();
    if (debtorRef === '') throw new TrainingDataError(file, record.line, 'debtorRef', 'the debtorRef is empty');
    if (options.knownDebtorRefs && !options.knownDebtorRefs.has(debtorRef)) throw new TrainingDataError(file, record.line, 'debtorRef', `unknown debtorRef "${debtorRef}": there is no bank file for it`);
    const extras: Record<string, number> = {};
    for (const index of extraIndexes) extras[table.header[index]!] = readNumber(file, record, index, table.header[index]!);
    const segments: Record<string, string | null> = {};
    for (const [name, values] of Object.entries(segmentValues)) segments[name] = values[r]!;
    return { debtorRef, asOf: readDate(file, record, dateIndex, 'asOf'), label: readLabel(file, record, labelIndex, 'label'), extras, segments, line: record.line };
  });
  checkBothClasses(file, 'label', Uint8Array.from(outcomes, (o) => o.label));
  return { outcomes, extraColumns };
}

/** `id,probability[,label]` lines with a header; probabilities printed in full so the file round-trips exactly. */
export function probabilityCsv(ids: readonly string[], probability: Float64Array, labels?: Uint8Array): string {
  const lines = [labels ? 'id,probability,label' : 'id,probability'];
  ids.forEach((id, i) => lines.push(`${csvField(id)},${probability[i]!}${labels ? `,${labels[i]!}` : ''}`));
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
