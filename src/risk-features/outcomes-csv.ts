/**
 * The outcomes file a creditor brings with its bank files: `debtorRef,asOf,label` (1 = arrears within
 * the horizon after asOf) plus any extra numeric columns, which become claim features. Every error
 * names the file, the line (1 is the header) and the column, because a data-science team fixes the
 * file, not our code.
 */
import { isIsoDate } from '../platform/dates.js';
import { TrainingDataError, type OutcomeRow } from './training-table.js';

export interface OutcomesFile {
  rows: OutcomeRow[];
  /** The extra columns in file order: each becomes the feature claim.<column>. */
  extraColumns: string[];
}

const REQUIRED = ['debtorRef', 'asOf', 'label'] as const;

/** One CSV line into cells: commas, double-quoted cells with "" for a quote. */
function cells(line: string, file: string, lineNumber: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new TrainingDataError(file, lineNumber, null, 'a quoted cell is not closed');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      out.push(value);
      if (i < line.length && line[i] !== ',') throw new TrainingDataError(file, lineNumber, null, 'text after a quoted cell');
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end).trim());
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return out;
    i++; // the comma
  }
}

export function parseOutcomesCsv(text: string, file: string): OutcomesFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = cells(lines[0] ?? '', file, 1).map((c) => c.trim());
  for (const column of REQUIRED) {
    if (!header.includes(column)) throw new TrainingDataError(file, 1, column, `the header needs the columns ${REQUIRED.join(',')}; "${column}" is missing`);
  }
  const seen = new Set<string>();
  for (const column of header) {
    if (column === '') throw new TrainingDataError(file, 1, null, 'a column without a name');
    if (seen.has(column)) throw new TrainingDataError(file, 1, column, `the column "${column}" appears twice`);
    seen.add(column);
  }
  const index = Object.fromEntries(header.map((c, i) => [c, i])) as Record<string, number>;
  const extraColumns = header.filter((c) => !(REQUIRED as readonly string[]).includes(c));

  const rows: OutcomeRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i]!.trim() === '') continue;
    const values = cells(lines[i]!, file, line);
    if (values.length !== header.length) throw new TrainingDataError(file, line, null, `${values.length} cells for ${header.length} columns`);
    const debtorRef = values[index.debtorRef!]!;
    if (debtorRef === '') throw new TrainingDataError(file, line, 'debtorRef', 'empty');
    const asOf = values[index.asOf!]!;
    if (!isIsoDate(asOf)) throw new TrainingDataError(file, line, 'asOf', `"${asOf}" is not a date (YYYY-MM-DD)`);
    const label = values[index.label!]!;
    if (label !== '0' && label !== '1') throw new TrainingDataError(file, line, 'label', `"${label}" is not 0 or 1`);
    const extras: Record<string, number> = {};
    for (const column of extraColumns) {
      const cell = values[index[column]!]!;
      // An empty cell is a value the creditor does not know: missing, never zero.
      if (cell === '') continue;
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new TrainingDataError(file, line, column, `"${cell}" is not a number`);
      extras[column] = value;
    }
    rows.push({ debtorRef, asOf, label: label === '1' ? 1 : 0, extras, line });
  }
  if (rows.length === 0) throw new TrainingDataError(file, null, null, 'no outcome rows after the header');
  return { rows, extraColumns };
}
