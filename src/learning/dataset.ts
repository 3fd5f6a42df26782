/**
 * The learner's input: a numeric table held column by column in typed arrays, so a million rows of
 * thirty features are 240 MB of doubles and no objects. Missing values are NaN; every learner treats
 * them as information (their own bin, a learned direction), never as zero.
 *
 * This module and everything in src/learning/ imports nothing from the rest of the service: it is a
 * library that happens to live in this repository.
 */
export interface Dataset {
  featureNames: readonly string[];
  rowCount: number;
  /** columns[f][row]; NaN marks a missing value. */
  columns: Float64Array[];
  /** 0 or 1 per row. */
  labels: Uint8Array;
  /** Optional row weights (default 1). */
  weights?: Float64Array;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Checks shapes and labels; the learners call it before they start. */
export function assertDataset(data: Dataset): void {
  if (data.columns.length !== data.featureNames.length) throw new DatasetError(`${data.columns.length} columns for ${data.featureNames.length} feature names`);
  for (let f = 0; f < data.columns.length; f++) {
    if (data.columns[f]!.length !== data.rowCount) throw new DatasetError(`column ${data.featureNames[f]} has ${data.columns[f]!.length} values for ${data.rowCount} rows`);
  }
  if (data.labels.length !== data.rowCount) throw new DatasetError(`${data.labels.length} labels for ${data.rowCount} rows`);
  if (data.weights && data.weights.length !== data.rowCount) throw new DatasetError(`${data.weights.length} weights for ${data.rowCount} rows`);
  for (let i = 0; i < data.rowCount; i++) {
    const y = data.labels[i]!;
    if (y !== 0 && y !== 1) throw new DatasetError(`label ${y} on row ${i} is not 0 or 1`);
  }
}

/** The rows at the given indices, in that order (used for splits and folds). */
export function takeRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const n = rows.length;
  const columns = data.columns.map((column) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = column[rows[i]!]!;
    return out;
  });
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = data.labels[rows[i]!]!;
  let weights: Float64Array | undefined;
  if (data.weights) {
    weights = new Float64Array(n);
    for (let i = 0; i < n; i++) weights[i] = data.weights[rows[i]!]!;
  }
  return { featureNames: data.featureNames, rowCount: n, columns, labels, ...(weights ? { weights } : {}) };
}
