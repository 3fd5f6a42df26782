/**
 * Training tables: feature rows with a label, from a simulated world or from a folder of bank files
 * plus the creditor's outcomes. Rows come out in a fixed order (the order of the truth file or of the
 * outcomes), whatever the number of worker threads.
 *
 * World (`draagkracht simulate` output, see src/simulation/simulation-output.ts): one row per line of
 * truth-arrears.csv `household,as_of,p_arrears_90d,realised`; label = realised, oracle =
 * p_arrears_90d. The truth's window is [as_of, as_of + 90 days), the as-of day included, so features
 * are computed as of the day BEFORE as_of: features as of D and an outcome in (D, D + 90], nothing of
 * the label's window in the features. `asOf` of each row is that feature date; the id is
 * `<household>@<as_of>` with the truth's date. The household composition given to the affordability
 * figures is the one at the start of the simulation (the one at its end may be a later separation).
 *
 * Bank-data folder: one bank file per debtor named `<debtorRef>.<ext>` (the debtorRef is the name up
 * to its first dot), any supported format, auto-detected; outcome rows `debtorRef,asOf,label` plus
 * extra numeric columns, which become features `claim.<column>`, and `segment.<name>` columns, which
 * become the table's segments. Features as of the row's asOf.
 * There are no data points in this path, so the table holds the bank features and the claim features.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Dataset } from '../learning/dataset.js';
import { NormsError, type HouseholdType } from '../affordability/norms/norms.js';
import { addDays, isIsoDate, type IsoDate } from '../platform/dates.js';
import { TaskError, WorkerPool } from '../platform/workers/worker-pool.js';
import { FEATURE_CATALOGUE, FEATURE_CATALOGUE_VERSION, claimFeatureName, featureNamesOf, type FeatureSetId } from './catalogue.js';
import { BankFileUnreadable, cachedNormsAt, debtorRows, type DebtorRowsRequest } from './debtor-rows.js';
import { WORLD_SEGMENTS, worldSegmentsOf, type WorldHouseholdFacts } from './segments.js';

export interface TrainingTable {
  /** Row ids: `<debtorRef>@<date>`. */
  ids: string[];
  /** The date each row's features are as of (null for a ready-made table without dates). */
  asOf: (IsoDate | null)[];
  dataset: Dataset;
  /** The world's own probability per row (the best any model can do); null outside a simulated world. */
  oracle: Float64Array | null;
  featureSet: FeatureSetId | 'table';
  catalogueVersion: string | null;
  /**
   * Segment name → value per row (null when unknown), for reports that compare groups; never a
   * feature. World tables carry household_type, income_source and region (see segments.ts); a
   * table without segments has {}.
   */
  segments: Record<string, (string | null)[]>;
}

export interface OutcomeRow {
  debtorRef: string;
  asOf: IsoDate;
  label: 0 | 1;
  extras: Record<string, number>;
  /** Segment name → value (null when unknown), from the outcomes' segment.<name> columns; every row of a file has the same names. */
  segments?: Record<string, string | null>;
  /** Line in the outcomes file (1 = header), for error messages. */
  line: number;
}

/** Bad training input, naming the file, line and column where they are known. */
export class TrainingDataError extends Error {
  constructor(
    public file: string,
    public line: number | null,
    public column: string | null,
    message: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}${column === null ? '' : ` (${column})`}: ${message}`);
    this.name = 'TrainingDataError';
  }
}

export interface RowsChunkRequest {
  chunk: number;
  featureSet: FeatureSetId;
  featureNames: string[];
  debtors: DebtorRowsRequest[];
}

export interface RowsChunkResult {
  chunk: number;
  /** Rows × features, row-major, debtors in request order. */
  values: Float64Array;
}

export interface RowsChunkError {
  file: string;
  reason: string;
}

// ---------------------------------------------------------------------------------------------
// World

export interface WorldTrainingOptions {
  featureSet: FeatureSetId;
  /** Use only the first this-many households of the world (of those with bank files for the bank feature set). */
  households?: number;
  /** Keep every n-th as-of date of each household (1 = all): neighbouring months of one household are nearly the same row. */
  asOfEvery?: number;
  /** Worker threads; 1 computes on this thread. Default: the machine's parallelism. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

interface WorldHousehold {
  debtorRef: string;
  truthDates: IsoDate[];
  oracle: number[];
  labels: (0 | 1)[];
  lines: number[];
}

/** Debtors per worker task: large enough that messaging costs little, small enough to spread the work. */
const WORLD_CHUNK_DEBTORS = 8;
const WORKER_HEAP_MB = 512;

export async function buildWorldTrainingTable(worldDir: string, options: WorldTrainingOptions): Promise<TrainingTable> {
  const featureNames = featureNamesOf(options.featureSet);
  const asOfEvery = options.asOfEvery ?? 1;
  if (!Number.isInteger(asOfEvery) || asOfEvery < 1) throw new RangeError('asOfEvery must be a whole number ≥ 1');
  const manifestFile = join(worldDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new TrainingDataError(manifestFile, null, null, 'not a simulated world (no manifest.json); write one with `draagkracht simulate`');

  let households = readArrearsTruth(join(worldDir, 'truth-arrears.csv'), asOfEvery);
  let bankFiles = new Map<string, string[]>();
  if (options.featureSet === 'bank-and-data-points') {
    bankFiles = worldBankFiles(worldDir);
    households = households.filter((h) => bankFiles.has(h.debtorRef));
  }
  if (options.households !== undefined) households = households.slice(0, options.households);
  const facts = await householdFacts(join(worldDir, 'truth.jsonl'), new Set(households.map((h) => h.debtorRef)));
  // Only the bank features read the composition (affordability norms); the data-points features never did.
  const compositionOf = (ref: string): HouseholdType | null =>
    options.featureSet === 'bank-and-data-points' ? ((facts.get(ref)?.compositionAtStart as HouseholdType | null | undefined) ?? null) : null;

  const totalRows = households.reduce((a, h) => a + h.truthDates.length, 0);
  const requests = eventsByHousehold(join(worldDir, 'events.jsonl'), households, (household, eventLines) => ({
    debtorRef: household.debtorRef,
    eventLines,
    featureDates: household.truthDates.map((date) => addDays(date, -1)),
    bankFiles: bankFiles.get(household.debtorRef) ?? [],
    composition: compositionOf(household.debtorRef),
  }));
  const columns = featureNames.map(() => new Float64Array(totalRows));
  // Rows arrive row-major per chunk and go straight into the columns: no second copy of the table.
  const put = (firstRow: number, values: Float64Array) => {
    const width = featureNames.length;
    for (let r = 0; r < values.length / width; r++) for (let f = 0; f < width; f++) columns[f]![firstRow + r] = values[r * width + f]!;
  };
  await computeRows(requests, options.featureSet, featureNames, options.workers ?? availableParallelism(), totalRows, put, options.onProgress);

  const labels = new Uint8Array(totalRows);
  const oracle = new Float64Array(totalRows);
  const ids: string[] = [];
  const asOf: IsoDate[] = [];
  const segments: Record<string, (string | null)[]> = Object.fromEntries(WORLD_SEGMENTS.map((name) => [name, []]));
  let row = 0;
  for (const household of households) {
    const values = worldSegmentsOf(facts.get(household.debtorRef));
    household.truthDates.forEach((date, i) => {
      labels[row] = household.labels[i]!;
      oracle[row] = household.oracle[i]!;
      ids.push(`${household.debtorRef}@${date}`);
      asOf.push(addDays(date, -1));
      for (const name of WORLD_SEGMENTS) segments[name]!.push(values[name]);
      row++;
    });
  }
  return {
    ids,
    asOf,
    dataset: { featureNames, rowCount: totalRows, columns, labels },
    oracle,
    featureSet: options.featureSet,
    catalogueVersion: FEATURE_CATALOGUE_VERSION,
    segments,
  };
}

/** truth-arrears.csv grouped by household, in file order. */
function readArrearsTruth(file: string, asOfEvery: number): WorldHousehold[] {
  if (!existsSync(file)) throw new TrainingDataError(file, null, null, 'missing: not a complete simulated world');
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[0]?.trim() !== 'household,as_of,p_arrears_90d,realised') throw new TrainingDataError(file, 1, null, 'expected the header household,as_of,p_arrears_90d,realised');
  const households: WorldHousehold[] = [];
  const byRef = new Map<string, WorldHousehold>();
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    const line = i + 1;
    const [ref, date, p, realised] = text.split(',');
    if (!ref || date === undefined || p === undefined || realised === undefined) throw new TrainingDataError(file, line, null, 'expected four columns');
    if (!isIsoDate(date)) throw new TrainingDataError(file, line, 'as_of', `"${date}" is not a date`);
    const probability = Number(p);
    if (p.trim() === '' || !Number.isFinite(probability) || probability < 0 || probability > 1) throw new TrainingDataError(file, line, 'p_arrears_90d', `"${p}" is not a probability`);
    if (realised !== '0' && realised !== '1') throw new TrainingDataError(file, line, 'realised', `"${realised}" is not 0 or 1`);
    let household = byRef.get(ref);
    if (!household) {
      household = { debtorRef: ref, truthDates: [], oracle: [], labels: [], lines: [] };
      byRef.set(ref, household);
      households.push(household);
    }
    household.truthDates.push(date);
    household.oracle.push(probability);
    household.labels.push(realised === '1' ? 1 : 0);
    household.lines.push(line);
  }
  if (asOfEvery > 1) {
    for (const h of households) {
      const keep = (_: unknown, i: number) => i % asOfEvery === 0;
      h.truthDates = h.truthDates.filter(keep);
      h.oracle = h.oracle.filter(keep);
      h.labels = h.labels.filter(keep);
      h.lines = h.lines.filter(keep);
    }
  }
  return households;
}

/**
 * The bank files of each household: `bank/<shard>/<debtorRef>_<IBAN>.<format ext>`. A world may hold
 * each account in two formats; one file per account is read (Berlin Group, what the world loader
 * uploads to the service, else camt.053), in IBAN order.
 */
function worldBankFiles(worldDir: string): Map<string, string[]> {
  const bankDir = join(worldDir, 'bank');
  const byAccount = new Map<string, { ref: string; path: string; berlinGroup: boolean }>();
  if (!existsSync(bankDir)) return new Map();
  for (const shard of readdirSync(bankDir).sort()) {
    const shardDir = join(bankDir, shard);
    if (!statSync(shardDir).isDirectory()) continue;
    for (const name of readdirSync(shardDir).sort()) {
      const match = /^(.+)_([A-Z]{2}[0-9A-Z]+)\.(berlin-group\.json|camt053\.xml)$/.exec(name);
      if (!match) continue;
      const [, ref, iban, ext] = match as unknown as [string, string, string, string];
      const key = `${ref}\u0000${iban}`;
      const berlinGroup = ext === 'berlin-group.json';
      const existing = byAccount.get(key);
      if (!existing || (berlinGroup && !existing.berlinGroup)) byAccount.set(key, { ref, path: join(shardDir, name), berlinGroup });
    }
  }
  const byRef = new Map<string, string[]>();
  for (const key of [...byAccount.keys()].sort()) {
    const { ref, path } = byAccount.get(key)!;
    const list = byRef.get(ref);
    if (list) list.push(path);
    else byRef.set(ref, [path]);
  }
  return byRef;
}

/**
 * What truth.jsonl says of the wanted households (composition at the start, main income source, city),
 * read without parsing its large lines whole: each is the line's first occurrence of its key, which is
 * the household's own (HouseholdTruth lists them before any nested object).
 */
async function householdFacts(file: string, wanted: ReadonlySet<string>): Promise<Map<string, WorldHouseholdFacts>> {
  const result = new Map<string, WorldHouseholdFacts>();
  if (wanted.size === 0 || !existsSync(file)) return result;
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const field = (line: string, key: string): string | null => {
    const match = new RegExp(`"${key}":"((?:[^"\\\\]|\\\\.)*)"`).exec(line);
    return match ? (JSON.parse(`"${match[1]!}"`) as string) : null;
  };
  try {
    for await (const line of lines) {
      const ref = /"debtorRef":"([^"]+)"/.exec(line)?.[1];
      if (ref === undefined || !wanted.has(ref)) continue;
      result.set(ref, { compositionAtStart: field(line, 'compositionAtStart'), mainIncomeSource: field(line, 'mainIncomeSource'), city: field(line, 'city') });
      if (result.size === wanted.size) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return result;
}

/**
 * The households' data points, read from events.jsonl as one stream. The simulator appends a
 * household's events together and households in order, so a household is complete when the next
 * one starts; a household seen again later means the file is not a simulator's and is refused
 * rather than read wrong.
 */
async function* eventsByHousehold(
  file: string,
  households: readonly WorldHousehold[],
  request: (household: WorldHousehold, eventLines: string) => DebtorRowsRequest,
): AsyncGenerator<DebtorRowsRequest> {
  if (!existsSync(file)) throw new TrainingDataError(file, null, null, 'missing: not a complete simulated world');
  const wanted = new Map(households.map((h, i) => [h.debtorRef, i]));
  const collected = new Map<number, string>();
  let next = 0;
  const finished = new Set<string>();
  let current: string | null = null;
  let currentLines: string[] = [];
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  const flushUpTo = function* (limit: number) {
    while (next < households.length && next < limit) {
      yield request(households[next]!, collected.get(next) ?? '');
      collected.delete(next);
      next++;
    }
  };
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const ref = /"debtorRef":"([^"]+)"/.exec(line)?.[1];
      if (ref === undefined) throw new TrainingDataError(file, lineNumber, 'debtorRef', 'an event without a debtorRef');
      if (ref !== current) {
        let lastWantedDone = false;
        if (current !== null) {
          finished.add(current);
          const previous = wanted.get(current);
          if (previous !== undefined) collected.set(previous, currentLines.join('\n'));
          lastWantedDone = previous === households.length - 1;
        }
        const index = wanted.get(ref);
        if (finished.has(ref) || (index !== undefined && index < next)) {
          throw new TrainingDataError(file, lineNumber, 'debtorRef', `the events of ${ref} are not together or not in the order of truth-arrears.csv; events.jsonl must be in household order as the simulator writes it`);
        }
        // The last household wanted is complete: the rest of a large world need not be read.
        if (lastWantedDone) break;
        current = ref;
        currentLines = [];
        // Every wanted household before this one is complete (households come in order).
        if (index !== undefined) yield* flushUpTo(index);
      }
      if (wanted.has(ref)) currentLines.push(line);
    }
    if (current !== null && !finished.has(current)) {
      const index = wanted.get(current);
      if (index !== undefined) collected.set(index, currentLines.join('\n'));
    }
    yield* flushUpTo(households.length);
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Rows of every debtor, in request order. With one worker on this thread; with more, chunks of
 * debtors go to a pool and come back in any order, each into its own place, so the result does not
 * depend on the thread count.
 */
async function computeRows(
  requests: AsyncIterable<DebtorRowsRequest>,
  featureSet: FeatureSetId,
  featureNames: string[],
  workers: number,
  totalRows: number,
  put: (firstRow: number, values: Float64Array) => void,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<void> {
  let doneRows = 0;
  if (workers <= 1) {
    for await (const request of requests) {
      put(doneRows, runLocally(request, featureSet, featureNames));
      doneRows += request.featureDates.length;
      onProgress?.(doneRows, totalRows);
    }
    return;
  }
  const pool = new WorkerPool<RowsChunkRequest, never, RowsChunkResult>({ entry: workerEntry(), size: workers, maxHeapMb: WORKER_HEAP_MB });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  try {
    let chunk: DebtorRowsRequest[] = [];
    let firstRow = 0;
    const send = (debtors: DebtorRowsRequest[], at: number) => {
      const rowCount = debtors.reduce((a, d) => a + d.featureDates.length, 0);
      const task = pool
        .run({ chunk: at, featureSet, featureNames, debtors })
        .then((result) => {
          put(at, result.values);
          doneRows += rowCount;
          onProgress?.(doneRows, totalRows);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      return rowCount;
    };
    for await (const request of requests) {
      if (failure) break;
      chunk.push(request);
      if (chunk.length < WORLD_CHUNK_DEBTORS) continue;
      firstRow += send(chunk, firstRow);
      chunk = [];
      // Read ahead of the workers by a few chunks only, so a large world never sits in memory.
      while (inFlight.size >= workers * 3) await Promise.race(inFlight);
    }
    if (chunk.length > 0 && !failure) send(chunk, firstRow);
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  if (failure) throw asTrainingError(failure);
}

async function* asyncIterable<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function runLocally(request: DebtorRowsRequest, featureSet: FeatureSetId, featureNames: string[]): Float64Array {
  try {
    return debtorRows(request, featureSet, featureNames);
  } catch (error) {
    throw asTrainingError(error);
  }
}

function asTrainingError(error: unknown): unknown {
  if (error instanceof BankFileUnreadable) return new TrainingDataError(error.file, null, null, error.reason);
  if (error instanceof TaskError && error.data !== null && typeof error.data === 'object' && 'file' in error.data) {
    const data = error.data as RowsChunkError;
    return new TrainingDataError(data.file, null, null, data.reason);
  }
  return error;
}

function workerEntry(): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(`./training-table.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
}

// ---------------------------------------------------------------------------------------------
// Bank-data folder plus outcomes

export interface BankDataTrainingOptions {
  /** The outcomes file, named in errors. */
  outcomesFile: string;
  /** Extra numeric outcome columns, in order; each becomes the feature claim.<column>. */
  extraColumns: readonly string[];
  /** Worker threads; 1 computes on this thread. Default: the machine's parallelism. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The feature names of a bank-data table: the bank features, then the claim columns. */
export function bankDataFeatureNames(extraColumns: readonly string[]): string[] {
  return [...FEATURE_CATALOGUE.filter((f) => f.source === 'bank-data').map((f) => f.name), ...extraColumns.map(claimFeatureName)];
}

/** The bank file of each debtorRef in a folder (`<debtorRef>.<ext>`). */
export function bankFilesByDebtorRef(bankDir: string): Map<string, string> {
  if (!existsSync(bankDir) || !statSync(bankDir).isDirectory()) throw new TrainingDataError(bankDir, null, null, 'not a directory');
  const byRef = new Map<string, string>();
  for (const name of readdirSync(bankDir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(bankDir, name);
    if (!statSync(path).isFile()) continue;
    const dot = name.indexOf('.');
    const ref = dot < 0 ? name : name.slice(0, dot);
    const other = byRef.get(ref);
    if (other !== undefined) throw new TrainingDataError(bankDir, null, null, `two bank files for debtorRef "${ref}": ${other} and ${path}; one file per debtor`);
    byRef.set(ref, path);
  }
  return byRef;
}

export async function buildBankDataTrainingTable(bankDir: string, outcomes: readonly OutcomeRow[], options: BankDataTrainingOptions): Promise<TrainingTable> {
  const files = bankFilesByDebtorRef(bankDir);
  // Every reference is checked before any file is parsed: a typo should not wait for the slow part.
  for (const row of outcomes) {
    if (!files.has(row.debtorRef)) throw new TrainingDataError(options.outcomesFile, row.line, 'debtorRef', `no bank file for debtorRef "${row.debtorRef}" in ${bankDir}`);
  }
  // A date without norms is the outcome row's fault: named here, before any worker starts.
  for (const row of outcomes) {
    try {
      cachedNormsAt(row.asOf);
    } catch (error) {
      if (error instanceof NormsError) throw new TrainingDataError(options.outcomesFile, row.line, 'asOf', `no norms apply on ${row.asOf}: ${error.message}`);
      throw error;
    }
  }
  const byDebtor = new Map<string, number[]>();
  outcomes.forEach((row, i) => {
    const list = byDebtor.get(row.debtorRef);
    if (list) list.push(i);
    else byDebtor.set(row.debtorRef, [i]);
  });

  const featureNames = bankDataFeatureNames(options.extraColumns);
  const bankNames = featureNames.slice(0, featureNames.length - options.extraColumns.length);
  const rowCount = outcomes.length;
  const columns = featureNames.map(() => new Float64Array(rowCount));
  const labels = new Uint8Array(rowCount);
  // Each debtor's file is parsed and categorised once, its rows computed together; `order` maps
  // the rows as computed (debtor by debtor) back to their outcome lines.
  const order: number[] = [];
  const requests: DebtorRowsRequest[] = [];
  for (const [debtorRef, rows] of byDebtor) {
    requests.push({ debtorRef, eventLines: '', featureDates: rows.map((i) => outcomes[i]!.asOf), bankFiles: [files.get(debtorRef)!], composition: null });
    order.push(...rows);
  }
  const put = (firstRow: number, values: Float64Array) => {
    const width = bankNames.length;
    for (let r = 0; r < values.length / width; r++) {
      const i = order[firstRow + r]!;
      for (let f = 0; f < width; f++) columns[f]![i] = values[r * width + f]!;
    }
  };
  await computeRows(asyncIterable(requests), 'bank-and-data-points', bankNames, options.workers ?? availableParallelism(), rowCount, put, options.onProgress);
  outcomes.forEach((outcome, i) => {
    options.extraColumns.forEach((column, k) => {
      const value = outcome.extras[column];
      columns[bankNames.length + k]![i] = value === undefined ? Number.NaN : value;
    });
    labels[i] = outcome.label;
  });
  const segmentNames = [...new Set(outcomes.flatMap((o) => Object.keys(o.segments ?? {})))].sort();
  return {
    ids: outcomes.map((o) => `${o.debtorRef}@${o.asOf}`),
    asOf: outcomes.map((o) => o.asOf),
    dataset: { featureNames, rowCount, columns, labels },
    oracle: null,
    featureSet: 'bank-and-data-points',
    catalogueVersion: FEATURE_CATALOGUE_VERSION,
    segments: Object.fromEntries(segmentNames.map((name) => [name, outcomes.map((o) => o.segments?.[name] ?? null)])),
  };
}
