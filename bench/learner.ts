/**
 * Learner benchmark: our gradient boosting, random forest and scorecard against scikit-learn's
 * HistGradientBoostingClassifier and RandomForestClassifier and xgboost (hist), on the same data in
 * one run. Each data set is written once as CSV into a temporary directory; ours train on the same
 * numbers in memory, bench/learner_reference.py reads the CSVs. Only fitting and predicting are timed.
 *
 * Data sets:
 *   synthetic-40k / synthetic-400k: 40,000 / 400,000 training rows × 30 features from a known
 *     generator (below), tested on a separately drawn 20 % slice (10,000 / 100,000 rows);
 *   taiwan: the Taiwan credit-card default data (test/fixtures/credit/taiwan), hold-out ID % 5 == 0.
 * Comparable settings: boosting 200 iterations, learning rate 0.1, 31 leaves, no depth limit, at
 * least 20 rows per leaf, no L2, 255 bins, no early stopping; forest 100 trees, √features per split,
 * at least 20 rows per leaf; two threads everywhere. On Taiwan also our GBDT with its default options
 * (tuned defaults, early stopping) against the goal AUC 0.790.
 *
 *   npm run bench:learner            (BENCH_LEARNER_SETS=synthetic-40k,taiwan to run fewer)
 *   Goal: GBDT train time ≤ 1.5 × HistGradientBoosting at an AUC no more than 0.005 below it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseNumericCsv } from '../src/learning/csv.js';
import { takeRows, type Dataset } from '../src/learning/dataset.js';
import { defaultGradientBoostingOptions, trainGradientBoosting } from '../src/learning/gradient-boosting.js';
import { auc } from '../src/learning/metrics.js';
import { TreeEnsemblePredictor } from '../src/learning/predictor.js';
import { trainRandomForest } from '../src/learning/random-forest.js';
import { ScorecardPredictor, trainScorecard } from '../src/learning/scorecard.js';
import { SeededRandom } from '../src/learning/seeded-random.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)); // dist/bench → project root
const TAIWAN_CSV = join(ROOT, 'test/fixtures/credit/taiwan/default_of_credit_card_clients.csv');
const REFERENCE_SCRIPT = join(ROOT, 'bench/learner_reference.py');
const THREADS = 2;
const TAIWAN_GOAL = 0.79;

interface BenchSet {
  name: string;
  train: Dataset;
  test: Dataset;
  /** The generator's own probability of each test row, when known. */
  truth?: Float64Array;
}

interface Result {
  dataset: string;
  learner: string;
  trainSeconds?: number;
  predictSeconds?: number;
  auc?: number;
  note?: string;
  error?: string;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function gaussian(rng: SeededRandom): number {
  const u = Math.max(Number.MIN_VALUE, rng.nextFloat());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/**
 * The known generator: 30 features, values rounded to 4 decimals (so the CSV holds them exactly).
 *   f0–f4  Gaussian, f5–f9 uniform(0, 1), f10–f11 counts (Poisson-like 0–6), f12–f29 Gaussian noise.
 *   logit = −3.9 + 0.9 f0 + 0.7 sin(2 f1) + 0.8 f2·f3 + 0.5 max(0, f4)² + 0.9 [f5 > 0.6 and f6 < 0.3]
 *           + 0.6 |f7 − 0.5|·2 + 0.35 f10 + (f8 missing (15 %) ? +0.9 : −0.6 f8) + (f11 missing (10 %) ? 0 : 0.15 f11)
 *   f9 is missing in 5 % of rows at random (no signal in the missingness). About 10 % positives.
 */
function syntheticRows(rowCount: number, seed: number): { data: Dataset; truth: Float64Array } {
  const rng = new SeededRandom(seed);
  const featureCount = 30;
  const columns = Array.from({ length: featureCount }, () => new Float64Array(rowCount));
  const labels = new Uint8Array(rowCount);
  const truth = new Float64Array(rowCount);
  const count = () => {
    let k = 0;
    while (k < 6 && rng.nextFloat() < 0.45) k++;
    return k;
  };
  for (let i = 0; i < rowCount; i++) {
    for (let f = 0; f < 5; f++) columns[f]![i] = round4(gaussian(rng));
    for (let f = 5; f < 10; f++) columns[f]![i] = round4(rng.nextFloat());
    columns[10]![i] = count();
    columns[11]![i] = count();
    for (let f = 12; f < featureCount; f++) columns[f]![i] = round4(gaussian(rng));
    const f8Missing = rng.nextFloat() < 0.15;
    const f11Missing = rng.nextFloat() < 0.1;
    if (f8Missing) columns[8]![i] = Number.NaN;
    if (f11Missing) columns[11]![i] = Number.NaN;
    if (rng.nextFloat() < 0.05) columns[9]![i] = Number.NaN;
    const x = (f: number) => columns[f]![i]!;
    const logit =
      -3.9 +
      0.9 * x(0) +
      0.7 * Math.sin(2 * x(1)) +
      0.8 * x(2) * x(3) +
      0.5 * Math.max(0, x(4)) ** 2 +
      (x(5) > 0.6 && x(6) < 0.3 ? 0.9 : 0) +
      0.6 * Math.abs(x(7) - 0.5) * 2 +
      0.35 * x(10) +
      (f8Missing ? 0.9 : -0.6 * x(8)) +
      (f11Missing ? 0 : 0.15 * x(11));
    truth[i] = 1 / (1 + Math.exp(-logit));
    labels[i] = rng.nextFloat() < truth[i]! ? 1 : 0;
  }
  const featureNames = Array.from({ length: featureCount }, (_, f) => `f${f}`);
  return { data: { featureNames, rowCount, columns, labels }, truth };
}

function syntheticSet(name: string, trainRows: number, seed: number): BenchSet {
  const train = syntheticRows(trainRows, seed).data;
  const test = syntheticRows(Math.round(trainRows / 4), seed + 1000);
  return { name, train, test: test.data, truth: test.truth };
}

function taiwanSet(): BenchSet {
  const table = parseNumericCsv(readFileSync(TAIWAN_CSV, 'utf8'), TAIWAN_CSV);
  const id = table.columns[table.header.indexOf('ID')]!;
  const featureNames = table.header.filter((h) => h !== 'ID' && h !== 'Y');
  const all: Dataset = {
    featureNames,
    rowCount: table.rowCount,
    columns: featureNames.map((name) => table.columns[table.header.indexOf(name)]!),
    labels: Uint8Array.from(table.columns[table.header.indexOf('Y')]!),
  };
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < table.rowCount; i++) (id[i]! % 5 === 0 ? testRows : trainRows).push(i);
  return { name: 'taiwan', train: takeRows(all, trainRows), test: takeRows(all, testRows) };
}

/** Streams a data set to CSV (features, then y), 10,000 rows at a time; missing = "nan" (numpy's loadtxt reads it). */
function writeCsv(path: string, data: Dataset): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, [...data.featureNames, 'y'].join(',') + '\n');
    const cells = new Array<string>(data.columns.length + 1);
    let chunk: string[] = [];
    for (let i = 0; i < data.rowCount; i++) {
      for (let f = 0; f < data.columns.length; f++) {
        const v = data.columns[f]![i]!;
        cells[f] = Number.isNaN(v) ? 'nan' : String(v);
      }
      cells[data.columns.length] = String(data.labels[i]);
      chunk.push(cells.join(','));
      if (chunk.length === 10_000) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

async function timeOurs(set: BenchSet, learner: string, train: () => Promise<{ predictColumns(columns: readonly Float64Array[]): Float64Array }>, note?: string): Promise<Result> {
  try {
    const start = performance.now();
    const predictor = await train();
    const trainSeconds = (performance.now() - start) / 1000;
    const predictStart = performance.now();
    const p = predictor.predictColumns(set.test.columns);
    const predictSeconds = (performance.now() - predictStart) / 1000;
    return { dataset: set.name, learner, trainSeconds, predictSeconds, auc: auc(p, set.test.labels), ...(note ? { note } : {}) };
  } catch (error) {
    return { dataset: set.name, learner, error: (error as Error).message };
  }
}

const COMPARABLE_GBDT = {
  iterations: 200,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 0,
  minSamplesLeaf: 20,
  minChildWeight: 1e-3,
  l2: 0,
  maxBins: 255,
  earlyStoppingRounds: 0,
  rowSubsample: 1,
  columnSubsample: 1,
  seed: 1,
  threads: THREADS,
};

async function runOurs(set: BenchSet): Promise<Result[]> {
  const results: Result[] = [];
  results.push(
    await timeOurs(set, 'ours-gbdt', async () => new TreeEnsemblePredictor(await trainGradientBoosting(set.train, COMPARABLE_GBDT))),
  );
  if (set.name === 'taiwan') {
    let trees = 0;
    const result = await timeOurs(set, 'ours-gbdt-defaults', async () => {
      const model = await trainGradientBoosting(set.train, { threads: THREADS });
      trees = model.trees.length;
      return new TreeEnsemblePredictor(model);
    });
    const d = defaultGradientBoostingOptions();
    result.note = `defaults: lr ${d.learningRate}, ${d.maxLeaves} leaves, depth ${d.maxDepth}, early stopping ${d.earlyStoppingRounds} on ${d.validationFraction * 100} % → ${trees} trees`;
    results.push(result);
  }
  results.push(await timeOurs(set, 'ours-rf', async () => new TreeEnsemblePredictor(await trainRandomForest(set.train, { trees: 100, minSamplesLeaf: 20, maxFeatures: 'sqrt', maxBins: 255, seed: 1, threads: THREADS }))));
  results.push(await timeOurs(set, 'ours-scorecard', async () => new ScorecardPredictor(await trainScorecard(set.train))));
  return results;
}

/**
 * scikit-learn and xgboost come from Debian's packages (python3-sklearn, python3-xgboost), which belong
 * to the system Python; a python3 earlier on PATH (pyenv, a virtualenv) usually lacks them. PYTHON picks
 * another interpreter.
 */
function referencePython(): string {
  if (process.env.PYTHON) return process.env.PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function runReference(directory: string, names: string[]): { results: Result[]; problems: string[] } {
  const problems: string[] = [];
  const child = spawnSync(referencePython(), [REFERENCE_SCRIPT, directory, ...names], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { OMP_WAIT_POLICY: 'PASSIVE', ...process.env, OMP_NUM_THREADS: String(THREADS) } });
  if (child.error) return { results: [], problems: [`python3 could not be started (${child.error.message}): printing ours alone`] };
  if (child.status !== 0) problems.push(`python3 ${REFERENCE_SCRIPT} exited with ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const results: Result[] = [];
  for (const line of child.stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const r = JSON.parse(line) as { dataset: string; learner: string; train_s?: number; predict_s?: number; auc?: number; note?: string; error?: string };
    if (r.error) {
      problems.push(`${r.learner} on ${r.dataset}: ${r.error}`);
      if (r.dataset === '*') continue;
    }
    results.push({ dataset: r.dataset, learner: r.learner, trainSeconds: r.train_s, predictSeconds: r.predict_s, auc: r.auc, note: r.note, error: r.error });
  }
  return { results, problems };
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));

async function main(): Promise<void> {
  const wanted = (process.env.BENCH_LEARNER_SETS ?? 'synthetic-40k,synthetic-400k,taiwan').split(',').map((s) => s.trim());
  const directory = mkdtempSync(join(tmpdir(), 'dk-bench-learner-'));
  try {
    const sets: BenchSet[] = [];
    for (const name of wanted) {
      if (name === 'synthetic-40k') sets.push(syntheticSet(name, 40_000, 40));
      else if (name === 'synthetic-400k') sets.push(syntheticSet(name, 400_000, 400));
      else if (name === 'taiwan') sets.push(taiwanSet());
      else throw new Error(`unknown data set ${name}`);
    }
    for (const set of sets) {
      writeCsv(join(directory, `${set.name}-train.csv`), set.train);
      writeCsv(join(directory, `${set.name}-test.csv`), set.test);
      const positives = (d: Dataset) => d.labels.reduce((a, b) => a + b, 0) / d.rowCount;
      const oracle = set.truth ? `, oracle AUC ${auc(set.truth, set.test.labels).toFixed(4)}` : '';
      console.log(`${set.name}: ${set.train.rowCount} train / ${set.test.rowCount} test rows × ${set.train.columns.length} features, ${(100 * positives(set.train)).toFixed(1)} % positives${oracle}`);
    }

    // Ours and the references take turns per data set, so a change in the load of this shared
    // machine hits both sides of a comparison alike.
    const results: Result[] = [];
    const problems = new Set<string>();
    for (const set of sets) {
      const reference = runReference(directory, [set.name]);
      for (const r of [...(await runOurs(set)), ...reference.results]) {
        results.push(r);
        console.log(`  ${set.name} ${r.learner}: ${r.error ?? `train ${num(r.trainSeconds, 2)} s, AUC ${num(r.auc, 4)}`}`);
      }
      for (const problem of reference.problems) problems.add(problem);
    }

    console.log('\n| data set | learner | train s | predict s | test AUC | note |');
    console.log('|---|---|---:|---:|---:|---|');
    for (const set of sets) {
      for (const r of results.filter((x) => x.dataset === set.name)) {
        console.log(`| ${set.name} | ${r.learner} | ${num(r.trainSeconds, 2)} | ${num(r.predictSeconds, 3)} | ${num(r.auc, 4)} | ${r.error ?? r.note ?? ''} |`);
      }
    }
    console.log('');
    for (const set of sets) {
      const ours = results.find((r) => r.dataset === set.name && r.learner === 'ours-gbdt');
      const hist = results.find((r) => r.dataset === set.name && r.learner === 'sklearn-histgb');
      if (ours?.trainSeconds === undefined || ours.auc === undefined) continue;
      if (hist?.trainSeconds === undefined || hist.auc === undefined) {
        console.log(`${pad(set.name, 15)} no HistGradientBoosting figure to compare with`);
        continue;
      }
      const ratio = ours.trainSeconds / hist.trainSeconds;
      const diff = ours.auc - hist.auc;
      const met = ratio <= 1.5 && diff >= -0.005 ? 'goal met' : 'goal NOT met';
      console.log(`${pad(set.name, 15)} ours / HistGB train time ${ratio.toFixed(2)}× (goal ≤ 1.5×), AUC ${diff >= 0 ? '+' : ''}${diff.toFixed(4)} (goal ≥ −0.005): ${met}`);
    }
    const defaults = results.find((r) => r.dataset === 'taiwan' && r.learner === 'ours-gbdt-defaults');
    if (defaults?.auc !== undefined) console.log(`taiwan          ours GBDT with default options: AUC ${defaults.auc.toFixed(4)} against the goal ${TAIWAN_GOAL.toFixed(3)} (${defaults.auc >= TAIWAN_GOAL ? 'met' : 'not met'})`);
    for (const problem of problems) console.log(`reference: ${problem}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
