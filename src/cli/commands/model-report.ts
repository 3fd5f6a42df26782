/**
 * `draagkracht model report --model DIR --out FILE.html|.json`: the model report of a model directory
 * (model.json plus the evaluation.csv that `draagkracht model train` writes beside it), with no server
 * or database. The same report the API serves for a registry version: same numbers, same charts, same
 * page.
 *
 * --challenger DIR adds a side-by-side comparison on the same rows (it must read the same features).
 * --predictions-out FILE.csv writes `id,probability,label,outcomeKnown`, every evaluation row with the
 * calibrated probability the report scored, for checking the figures elsewhere (scripts/model-report-
 * reference.py). Everything is computed before anything is written, and each file appears by a rename,
 * so a refused input or a crash leaves no half-written report.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ModelFormatError } from '../../learning/load-model.js';
import { predictionsCsv } from '../../model-reports/build-report.js';
import { modelCardSection, provenanceOfDirectory } from '../../model-reports/model-card-section.js';
import { defaultReportEngine, readModelEvaluation } from '../../model-reports/report-engine.js';
import { createModelReport, type ReportEngine } from '../../model-reports/report-service.js';
import type { ModelReport } from '../../model-reports/report.types.js';
import { AppError } from '../../platform/errors.js';
import { TrainingDataError } from '../../risk-features/training-table.js';
import { MODEL_CARD_FILE, ModelBundleError, readModelDirectory, type RiskModelBundle } from '../../risk-models/risk-model-bundle.js';
import type { CliIo } from '../commands.js';

export const MODEL_REPORT_USAGE =
  'model report --model DIR --out FILE.html|FILE.json [--challenger DIR] [--predictions-out FILE.csv] [--seed N] [--resamples N]\n' +
  '                                          the model report of a model directory (its evaluation.csv): discrimination,\n' +
  '                                          calibration, decisions, stability, explanation, segments, model card; HTML\n' +
  '                                          (one self-contained page) or JSON by the extension of --out';

class UsageError extends Error {}

function wholeNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

/** Writes a file by a rename from a sibling temporary file, so no reader ever sees half of it. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const staging = join(dirname(file), `.${basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(staging, content);
    await rename(staging, file);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}

/** The reproduce command the directory's model card ends with (model train writes it), or null. */
async function reproduceLine(dir: string): Promise<string | null> {
  let card: string;
  try {
    card = await readFile(join(dir, MODEL_CARD_FILE), 'utf8');
  } catch {
    return null;
  }
  const match = /\n## Reproduce\n[\s\S]*?```sh\n([\s\S]*?)\n```/.exec(card);
  return match ? match[1]!.trim() : null;
}

export async function modelReportCommand(argv: string[], io: CliIo, engine: ReportEngine = defaultReportEngine): Promise<number> {
  try {
    return await report(argv, io, engine);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException | undefined)?.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\nusage: draagkracht ${MODEL_REPORT_USAGE}\n`);
      return 1;
    }
    if (error instanceof ModelBundleError || error instanceof ModelFormatError || error instanceof TrainingDataError || error instanceof AppError || (error instanceof Error && error.name === 'EvaluationSetError')) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR') {
      io.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Which PSI raised the drift flag: the score's or the largest feature's (features come sorted by PSI). */
function driftNote(built: ModelReport): string {
  const stability = built.stability;
  if (!stability?.drift) return '';
  const top = stability.features[0];
  return top && top.psi !== null && (stability.score.psi === null || top.psi > stability.score.psi) ? `; drift: ${top.feature} PSI ${top.psi.toFixed(3)}` : '; drift: the score';
}

async function provenanceOf(bundle: RiskModelBundle, dir: string) {
  const known = provenanceOfDirectory(bundle);
  return known.kind === 'directory' ? { kind: 'directory' as const, command: await reproduceLine(dir) } : known;
}

async function report(argv: string[], io: CliIo, engine: ReportEngine): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      challenger: { type: 'string' },
      'predictions-out': { type: 'string' },
      seed: { type: 'string' },
      resamples: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.model) throw new UsageError('--model DIR is required (a directory written by draagkracht model train)');
  if (!values.out) throw new UsageError('--out FILE.html or FILE.json is required');
  const format = extname(values.out).toLowerCase();
  if (format !== '.html' && format !== '.json') throw new UsageError(`--out must end in .html or .json (the format follows the extension), not "${basename(values.out)}"`);
  if (values['predictions-out'] !== undefined && extname(values['predictions-out']).toLowerCase() !== '.csv') throw new UsageError('--predictions-out must end in .csv');
  const seed = wholeNumber(values.seed, 'seed', 0, 2 ** 31 - 1);
  const resamples = wholeNumber(values.resamples, 'resamples', 1, 100_000);
  const outFile = resolve(values.out);
  const predictionsFile = values['predictions-out'] === undefined ? null : resolve(values['predictions-out']);
  if (predictionsFile === outFile) throw new UsageError('--out and --predictions-out must be different files');

  const started = performance.now();
  const bundle: RiskModelBundle = await readModelDirectory(values.model);
  const evaluation = await readModelEvaluation(values.model, bundle.featureNames);
  if (!evaluation) {
    throw new UsageError(`${values.model} has no evaluation.csv: a report is computed on rows the model never learned from; train the model again with draagkracht model train, which writes it`);
  }
  const challenger = values.challenger ? await readModelDirectory(values.challenger) : null;
  if (challenger && (challenger.featureNames.length !== bundle.featureNames.length || challenger.featureNames.some((name, i) => name !== bundle.featureNames[i]))) {
    throw new UsageError(`the challenger ${challenger.modelId} reads other features than ${bundle.modelId}: a comparison scores both on the same rows, so they must read the same features in the same order`);
  }

  const built = createModelReport(engine, {
    bundle,
    version: null,
    evaluation,
    modelCard: modelCardSection(bundle, { provenance: await provenanceOf(bundle, values.model), evaluation }),
    challenger: challenger ? { bundle: challenger, version: null } : null,
    monitoring: null,
    ...(seed !== undefined ? { seed } : {}),
    ...(resamples !== undefined ? { resamples } : {}),
  });
  const content = format === '.html' ? await engine.html(built) : `${JSON.stringify(built, null, 2)}\n`;
  const predictions = predictionsFile ? predictionsCsv(evaluation, engine.score(bundle, evaluation)) : null;
  const seconds = (performance.now() - started) / 1000;

  if (predictionsFile && predictions !== null) await writeAtomically(predictionsFile, predictions);
  await writeAtomically(outFile, content);
  const d = built.discrimination;
  const c = built.calibration;
  const fmt = (value: number | null, digits = 4) => (value === null ? '–' : value.toFixed(digits));
  io.stdout.write(
    `${bundle.modelId}: ${built.evaluation.rows} evaluation rows (${built.evaluation.positives} positive): AUC ${fmt(d.auc)}, KS ${fmt(d.ks)}, Brier ${fmt(c.brier)}, ECE ${fmt(c.ece)}, ` +
      `score PSI ${fmt(built.stability?.score.psi ?? null)}${driftNote(built)}\n` +
      `report written to ${outFile}${predictionsFile ? `; predictions to ${predictionsFile}` : ''} (${seconds.toFixed(1)} s)\n`,
  );
  return 0;
}
