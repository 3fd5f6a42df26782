/**
 * `draagkracht model train|predict`: a risk analyst's tools, with no server or database.
 *
 * train reads one of three sources (a simulated world, a folder of bank files with an outcomes CSV, or a
 * ready feature table), runs the training pipeline and writes a model directory (model.json,
 * model-card.md, metrics.json, and evaluation.csv: the test slice with its segments, which
 * `model report` scores). Everything is read and trained before anything is written, and the model
 * directory appears by a rename, so a refused input or a crash leaves --out untouched. The model card
 * ends with the command that reproduces it (as typed, --out aside, so the card does not depend on
 * where it was written).
 *
 * predict scores a feature table or a folder of bank files with a model directory and prints
 * `id,probability` CSV (calibrated probabilities) to stdout.
 *
 * Progress goes to stderr: a bar on a terminal, plain lines otherwise (logs of a batch job stay
 * readable); results go to stdout.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelFormatError } from '../../learning/load-model.js';
import { isIsoDate } from '../../platform/dates.js';
import { CLAIM_FEATURE_PREFIX, isFeatureSetId, type FeatureSetId } from '../../risk-features/catalogue.js';
import { bankFilesByDebtorRef, buildBankDataTrainingTable, buildWorldTrainingTable, TrainingDataError, type TrainingTable } from '../../risk-features/training-table.js';
import { writeModelDirectory } from '../../model-reports/evaluation-csv.js';
import { parseSegmentSpec, SegmentSpecError, type SegmentSpec } from '../../risk-features/segments.js';
import { ModelBundleError, readModelDirectory, RISK_LEARNERS, type RiskLearner } from '../../risk-models/risk-model-bundle.js';
import { RiskModel } from '../../risk-models/risk-model.js';
import { probabilityCsv, readFeatureTableCsv, readOutcomesCsv, readPredictionTableCsv } from '../../risk-models/table-csv.js';
import { RiskTrainingError, trainRiskModel } from '../../risk-models/training-pipeline.js';
import { COMMAND_MODULES, type CliIo } from '../commands.js';

const usage = (): string => COMMAND_MODULES.model!.usage;

class UsageError extends Error {}

export async function modelCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  try {
    if (action === 'train') return await trainCommand(rest, io);
    if (action === 'predict') return await predict(rest, io);
    throw new UsageError(action === undefined ? 'model needs an action: train or predict' : `unknown action "${action}": train or predict`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SegmentSpecError || (error as NodeJS.ErrnoException | undefined)?.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\nusage: draagkracht ${usage()}\n`);
      return 1;
    }
    if (error instanceof TrainingDataError || error instanceof ModelBundleError || error instanceof ModelFormatError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${value}"`);
  return Number(value);
}

export interface TrainCommandOptions {
  /** The reproduce line for the model card; default: `draagkracht model train` with these arguments (--out aside). */
  reproduce?: string;
}

/** `model train` (argv without "train"); exported so scripts train through the very same path. */
export async function trainCommand(argv: string[], io: CliIo, commandOptions: TrainCommandOptions = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      world: { type: 'string' },
      'feature-set': { type: 'string' },
      households: { type: 'string' },
      'bank-data': { type: 'string' },
      outcomes: { type: 'string' },
      table: { type: 'string' },
      label: { type: 'string' },
      id: { type: 'string' },
      'as-of-column': { type: 'string' },
      segment: { type: 'string', multiple: true },
      'horizon-days': { type: 'string' },
      learner: { type: 'string' },
      cv: { type: 'string' },
      oof: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'model-id': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const sources = (['world', 'bank-data', 'table'] as const).filter((s) => values[s] !== undefined);
  if (sources.length !== 1) throw new UsageError('give exactly one of --world, --bank-data or --table');
  if (!values.out) throw new UsageError('--out is required');
  const learner = (values.learner ?? 'gradient-boosting') as RiskLearner;
  if (!RISK_LEARNERS.includes(learner)) throw new UsageError(`--learner must be one of ${RISK_LEARNERS.join(', ')}, not "${values.learner}"`);
  const cvFolds = wholeNumber(values.cv, 'cv', 2);
  if ((cvFolds === undefined) !== (values.oof === undefined)) throw new UsageError('--cv K and --oof FILE go together');
  const seed = wholeNumber(values.seed, 'seed', 0);
  if (seed !== undefined && seed > 0xffffffff) throw new UsageError('--seed must be below 2^32');
  const featureSet = values['feature-set'] ?? 'bank-and-data-points';
  if (!isFeatureSetId(featureSet)) throw new UsageError(`--feature-set must be bank-and-data-points or data-points-only, not "${featureSet}"`);
  if (values.world === undefined && (values['feature-set'] !== undefined || values.households !== undefined)) throw new UsageError('--feature-set and --households go with --world');
  if (values['bank-data'] !== undefined && !values.outcomes) throw new UsageError('--bank-data needs --outcomes FILE.csv');
  if (values.table !== undefined && !values.label) throw new UsageError('--table needs --label COLUMN');
  if (values.table === undefined && (values.label !== undefined || values.id !== undefined || values['as-of-column'] !== undefined || values.segment !== undefined)) {
    throw new UsageError('--label, --id, --as-of-column and --segment go with --table');
  }
  const segments: SegmentSpec[] = (values.segment ?? []).map(parseSegmentSpec);
  const horizonDays = wholeNumber(values['horizon-days'], 'horizon-days', 1);
  const outDir = resolve(values.out);
  const modelId = values['model-id'] ?? basename(outDir);

  const progress = new ProgressReporter(io.stderr);
  const started = Date.now();
  let table: TrainingTable;
  let sourceName: string;
  try {
    if (values.world !== undefined) {
      sourceName = values.world;
      table = await buildWorldTrainingTable(values.world, {
        featureSet: featureSet as FeatureSetId,
        ...(values.households !== undefined ? { households: wholeNumber(values.households, 'households', 1)! } : {}),
        onProgress: (done, total) => progress.update('features', done, total),
      });
    } else if (values['bank-data'] !== undefined) {
      sourceName = values.outcomes!;
      const files = bankFilesByDebtorRef(values['bank-data']);
      const { outcomes, extraColumns } = await readOutcomesCsv(values.outcomes!, { knownDebtorRefs: new Set(files.keys()) });
      table = await buildBankDataTrainingTable(values['bank-data'], outcomes, { outcomesFile: values.outcomes!, extraColumns, onProgress: (done, total) => progress.update('features', done, total) });
    } else {
      sourceName = values.table!;
      table = await readFeatureTableCsv(values.table!, {
        label: values.label!,
        ...(values.id !== undefined ? { id: values.id } : {}),
        ...(values['as-of-column'] !== undefined ? { asOfColumn: values['as-of-column'] } : {}),
        segments,
      });
    }
  } finally {
    progress.finish();
  }
  const tableSeconds = (Date.now() - started) / 1000;

  let result;
  try {
    result = await trainRiskModel(table, {
      modelId,
      learner,
      ...(seed !== undefined ? { seed } : {}),
      ...(horizonDays !== undefined ? { horizonDays } : {}),
      ...(cvFolds !== undefined ? { cvFolds } : {}),
      onProgress: (p) => progress.update(p.stage, p.done, p.total),
    });
  } catch (error) {
    if (error instanceof RiskTrainingError) {
      io.stderr.write(`${sourceName}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    progress.finish();
  }
  const { bundle, oof, evaluation } = result;
  // Both outputs are complete in memory; each appears by a rename, the model last, so a reader never sees half of either.
  if (oof && values.oof) await writeFileAtomically(values.oof, probabilityCsv(oof.ids, oof.probability, oof.labels));
  await writeModelDirectory(outDir, bundle, evaluation, { reproduce: commandOptions.reproduce ?? reproduceLine(argv) });

  const m = bundle.metrics;
  const seconds = (Date.now() - started) / 1000;
  const lines = [
    `trained ${bundle.modelId} (${bundle.learner}, ${bundle.featureNames.length} features, seed ${bundle.seed}) in ${seconds.toFixed(1)} s (features ${tableSeconds.toFixed(1)} s) → ${outDir}`,
    `split ${m.split}: train ${m.rows.train} rows (${m.positives.train} in arrears), calibration ${m.rows.calibration} (${m.positives.calibration}), test ${m.rows.test} (${m.positives.test})` +
      (m.rowsDroppedForGap > 0 ? `, ${m.rowsDroppedForGap} rows left out for the ${bundle.horizonDays}-day gap` : ''),
    `test AUC ${m.testAuc.toFixed(4)}${m.oracleAuc !== null ? ` (oracle ${m.oracleAuc.toFixed(4)})` : ''} · Brier ${m.testBrier.toFixed(4)} · log-loss ${m.testLogLoss.toFixed(4)} · calibration ${m.calibration}`,
    ...(m.cv ? [`${m.cv.folds}-fold CV grouped by debtor: AUC ${m.cv.meanAuc.toFixed(4)} (${m.cv.auc.map((a) => a.toFixed(4)).join(', ')}); out-of-fold probabilities in ${values.oof}`] : []),
    `evaluation.csv: the ${evaluation.ids.length} test rows${Object.keys(evaluation.segments).length > 0 ? ` with segments ${Object.keys(evaluation.segments).join(', ')}` : ''}, for draagkracht model report`,
    `bands: ${bundle.bands.map((b) => `${b.name} ${(100 * b.minProbability).toFixed(0)}–${(100 * b.maxProbability).toFixed(0)} %: ${b.rows} rows, observed ${b.observedRate === null ? '–' : `${(100 * b.observedRate).toFixed(1)} %`}`).join(' · ')}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `draagkracht model train …` as typed, with --out's value left as DIR: the card must not depend on where it was written. */
function reproduceLine(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') {
      words.push('--out', 'DIR');
      i++;
    } else if (arg.startsWith('--out=')) {
      words.push('--out', 'DIR');
    } else {
      words.push(shellWord(arg));
    }
  }
  return ['draagkracht', 'model', 'train', ...words].join(' ');
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

async function writeFileAtomically(file: string, text: string): Promise<void> {
  const staging = join(dirname(resolve(file)), `.${basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(staging, text);
    await rename(staging, file);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}

async function predict(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, table: { type: 'string' }, id: { type: 'string' }, 'bank-data': { type: 'string' }, 'as-of': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.model) throw new UsageError('--model DIR is required');
  if ((values.table === undefined) === (values['bank-data'] === undefined)) throw new UsageError('give exactly one of --table or --bank-data');
  if (values.table !== undefined) {
    if (values['as-of'] !== undefined) throw new UsageError('--as-of goes with --bank-data');
    const model = RiskModel.fromBundle(await readModelDirectory(values.model));
    const names = model.bundle.featureNames;
    const { ids, columns } = await readPredictionTableCsv(values.table, names, values.id !== undefined ? { id: values.id } : {});
    io.stdout.write(probabilityCsv(ids, model.scoreColumns(columns)));
    return 0;
  }
  if (values.id !== undefined) throw new UsageError('--id goes with --table');
  const asOf = values['as-of'];
  if (asOf === undefined) throw new UsageError('--bank-data needs --as-of DATE');
  if (!isIsoDate(asOf)) throw new UsageError(`--as-of "${asOf}" is not a calendar date in the form YYYY-MM-DD`);
  const model = RiskModel.fromBundle(await readModelDirectory(values.model));
  const names = model.bundle.featureNames;
  const bankDir = values['bank-data']!;
  const files = bankFilesByDebtorRef(bankDir);
  const refs = [...files.keys()];
  if (refs.length === 0) throw new TrainingDataError(bankDir, null, null, 'holds no bank files');
  // The bank features come from the files; claim features the model knows cannot, so they are missing.
  const claimColumns = names.filter((n) => n.startsWith(CLAIM_FEATURE_PREFIX)).map((n) => n.slice(CLAIM_FEATURE_PREFIX.length));
  const table = await buildBankDataTrainingTable(
    bankDir,
    refs.map((debtorRef) => ({ debtorRef, asOf, label: 0, extras: {}, line: 0 })),
    { outcomesFile: '--as-of', extraColumns: claimColumns },
  );
  const available = new Map(table.dataset.featureNames.map((name, f) => [name, table.dataset.columns[f]!]));
  const absent = names.filter((n) => !available.has(n) || n.startsWith(CLAIM_FEATURE_PREFIX));
  if (absent.length === names.length) {
    io.stderr.write(`${values.model}: model ${model.bundle.modelId} (feature set ${model.bundle.featureSet}) reads no feature that bank files give; score it with --table\n`);
    return 1;
  }
  if (absent.length > 0) {
    io.stderr.write(`note: ${absent.length} of the model's ${names.length} features do not come from bank files and are scored as missing: ${absent.join(', ')}\n`);
  }
  const columns = names.map((n) => available.get(n) ?? new Float64Array(refs.length).fill(Number.NaN));
  io.stdout.write(probabilityCsv(refs, model.scoreColumns(columns)));
  return 0;
}

/**
 * A bar redrawn at most ten times a second on a terminal; on a file or pipe one line per stage and
 * tenth, since carriage returns would make a mess of a log.
 */
class ProgressReporter {
  private readonly isTty: boolean;
  private stage = '';
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    this.isTty = (stream as { isTTY?: boolean }).isTTY === true;
  }

  update(stage: string, done: number, total: number): void {
    if (stage !== this.stage) {
      this.finish();
      this.stage = stage;
      this.lastDecile = -1;
    }
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    if (this.isTty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r${stage.padEnd(14)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(100 * fraction).toFixed(0).padStart(3)} % ${done}/${total}`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(10 * fraction);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`model train: ${stage} ${(100 * fraction).toFixed(0)} % (${done}/${total})\n`);
    }
  }

  finish(): void {
    if (this.isTty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
