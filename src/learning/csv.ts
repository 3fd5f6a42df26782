/**
 * A small, fast reader for numeric CSV tables (a header line, then numbers): what the learner bench and
 * the learner tests read. The service reads creditors' files with its own, stricter reader; this one
 * only needs to be quick on hundreds of thousands of rows and clear when a cell is not a number.
 * Empty cells and NaN/NA are missing values (NaN).
 */
export interface NumericTable {
  header: string[];
  rowCount: number;
  /** columns[c][row] */
  columns: Float64Array[];
}

export class NumericCsvError extends Error {
  override name = 'NumericCsvError';
}

export function parseNumericCsv(text: string, source = 'CSV'): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new NumericCsvError(`${source}: no header line`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const rowCount = lines.length - 1;
  const columns = header.map(() => new Float64Array(rowCount));
  for (let r = 0; r < rowCount; r++) {
    const line = lines[r + 1]!;
    let start = 0;
    for (let c = 0; c < header.length; c++) {
      let end = line.indexOf(',', start);
      if (end < 0) end = line.length;
      if (c === header.length - 1 && end !== line.length) throw new NumericCsvError(`${source}: line ${r + 2} has more than ${header.length} fields`);
      if (start > line.length) throw new NumericCsvError(`${source}: line ${r + 2} has ${c} fields, the header ${header.length}`);
      const cell = line.slice(start, end).trim();
      let value: number;
      if (cell === '' || cell === 'NaN' || cell === 'nan' || cell === 'NA') value = Number.NaN;
      else {
        value = Number(cell);
        if (Number.isNaN(value)) throw new NumericCsvError(`${source}: line ${r + 2}, column ${header[c]}: ${JSON.stringify(cell)} is not a number`);
      }
      columns[c]![r] = value;
      start = end + 1;
    }
  }
  return { header, rowCount, columns };
}

/**
 * Writes columns as CSV, numbers in their shortest exact form. Missing values are empty cells by
 * default; `missing: 'nan'` writes "nan", which numpy's fast loadtxt reads (it refuses empty cells).
 */
export function formatNumericCsv(header: readonly string[], columns: readonly ArrayLike<number>[], missing: '' | 'nan' = ''): string {
  const rowCount = columns.length > 0 ? columns[0]!.length : 0;
  const parts: string[] = [header.join(',')];
  const cells = new Array<string>(columns.length);
  for (let r = 0; r < rowCount; r++) {
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![r]!;
      cells[c] = Number.isNaN(v) ? missing : String(v);
    }
    parts.push(cells.join(','));
  }
  return parts.join('\n') + '\n';
}
