/**
 * The Taiwan credit-card default data (test/fixtures/credit/taiwan, see SOURCES.md) as learner
 * datasets: features X1–X23, label Y, hold-out = rows whose ID is divisible by 5.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNumericCsv } from '../../src/learning/csv.js';
import { takeRows, type Dataset } from '../../src/learning/dataset.js';

export const TAIWAN_CSV = fileURLToPath(new URL('../fixtures/credit/taiwan/default_of_credit_card_clients.csv', import.meta.url));

export function loadTaiwan(): { train: Dataset; holdout: Dataset } {
  const table = parseNumericCsv(readFileSync(TAIWAN_CSV, 'utf8'), TAIWAN_CSV);
  const id = table.columns[table.header.indexOf('ID')]!;
  const y = table.columns[table.header.indexOf('Y')]!;
  const featureNames = table.header.filter((h) => h !== 'ID' && h !== 'Y');
  const all: Dataset = {
    featureNames,
    rowCount: table.rowCount,
    columns: featureNames.map((name) => table.columns[table.header.indexOf(name)]!),
    labels: Uint8Array.from(y),
  };
  const trainRows: number[] = [];
  const holdoutRows: number[] = [];
  for (let i = 0; i < table.rowCount; i++) (id[i]! % 5 === 0 ? holdoutRows : trainRows).push(i);
  return { train: takeRows(all, trainRows), holdout: takeRows(all, holdoutRows) };
}
