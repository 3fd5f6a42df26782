/**
 * Trains the starter early-warning models that ship in models/, so a new tenant can score from day
 * one: `npm run model:starter` (or `npm run model:starter -- --out DIR` to write elsewhere).
 *
 * It simulates one fixed world in a temporary directory (in-process, the same code as
 * `draagkracht simulate`), builds the two training tables from it and trains:
 * - models/early-warning/: bank data and data points, for debtors with a consent covering
 *   early-warning monitoring;
 * - models/early-warning-data-points/: data points only, for debtors without one.
 * Each directory holds model.json (with the reference profile of its training population),
 * model-card.md, metrics.json and evaluation.csv (the test slice, for `model report`); models/README.md is written from
 * the two bundles. Every step is seeded and thread-count independent, so the files are reproduced bit
 * for bit, which test/risk-models/starter-model.test.ts checks.
 *
 * The world runs 30 months so that, with monthly as-of dates and a 90-day gap before each cut, train,
 * calibration and test all keep several dates (18 months would leave calibration a single date).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWorldTrainingTable } from '../src/risk-features/training-table.js';
import type { FeatureSetId } from '../src/risk-features/catalogue.js';
import { writeModelDirectory } from '../src/model-reports/evaluation-csv.js';
import type { RiskModelBundle } from '../src/risk-models/risk-model-bundle.js';
import { trainRiskModel } from '../src/risk-models/training-pipeline.js';
import { runSimulationToDirectory } from '../src/simulation/simulation-run.js';

const ROOT = join(import.meta.dirname, '..');
export const STARTER_MODELS_DIR = join(ROOT, 'models');

/** The world the starter models learn from. Changing any of it changes the models: rerun the command and commit. */
export const STARTER_WORLD = { households: 500, months: 30, seed: 2026, startDate: '2025-01-01', truthRuns: 32 } as const;
export const STARTER_TRAINING_SEED = 1;

export const STARTER_MODELS: readonly { modelId: string; featureSet: FeatureSetId }[] = [
  { modelId: 'early-warning', featureSet: 'bank-and-data-points' },
  { modelId: 'early-warning-data-points', featureSet: 'data-points-only' },
];

export interface StarterResult {
  bundles: RiskModelBundle[];
  seconds: { simulate: number; features: number[]; train: number[]; total: number };
}

export async function trainStarterModels(outDir: string, log: (line: string) => void = () => {}): Promise<StarterResult> {
  const started = Date.now();
  const worldDir = await mkdtemp(join(tmpdir(), 'draagkracht-starter-world-'));
  try {
    log(`simulating ${STARTER_WORLD.households} households × ${STARTER_WORLD.months} months (seed ${STARTER_WORLD.seed}) in ${worldDir}`);
    await runSimulationToDirectory({ ...STARTER_WORLD, outDir: worldDir, formats: ['berlin-group'], workers: 2 });
    const simulate = (Date.now() - started) / 1000;
    const bundles: RiskModelBundle[] = [];
    const features: number[] = [];
    const train: number[] = [];
    for (const { modelId, featureSet } of STARTER_MODELS) {
      let t = Date.now();
      log(`${modelId}: computing ${featureSet} features`);
      const table = await buildWorldTrainingTable(worldDir, { featureSet, workers: 2 });
      features.push((Date.now() - t) / 1000);
      t = Date.now();
      log(`${modelId}: training on ${table.dataset.rowCount} rows × ${table.dataset.featureNames.length} features`);
      const { bundle, evaluation } = await trainRiskModel(table, { modelId, seed: STARTER_TRAINING_SEED });
      train.push((Date.now() - t) / 1000);
      await writeModelDirectory(join(outDir, modelId), bundle, evaluation, { reproduce: 'npm run model:starter' });
      log(`${modelId}: test AUC ${bundle.metrics.testAuc.toFixed(4)} (oracle ${bundle.metrics.oracleAuc?.toFixed(4)})`);
      bundles.push(bundle);
    }
    await writeFile(join(outDir, 'README.md'), renderModelsReadme(bundles));
    return { bundles, seconds: { simulate, features, train, total: (Date.now() - started) / 1000 } };
  } finally {
    await rm(worldDir, { recursive: true, force: true });
  }
}

const fixed = (value: number | null, digits = 3) => (value === null ? '–' : value.toFixed(digits));

/** models/README.md, from the bundles alone (no timings), so it is reproduced with them. */
export function renderModelsReadme(bundles: readonly RiskModelBundle[]): string {
  const w = STARTER_WORLD;
  const rows = bundles.map((b) => {
    const m = b.metrics;
    return `| [\`${b.modelId}\`](${b.modelId}/model-card.md) | \`${b.featureSet}\` (${b.featureNames.length}) | ${m.rows.train} / ${m.rows.calibration} / ${m.rows.test} | ${m.positives.test} | **${fixed(m.testAuc)}** | ${fixed(m.oracleAuc)} | ${fixed(m.testBrier, 4)} | ${m.calibration} |`;
  });
  return `# models/

The starter early-warning risk models that ship with the service, so a new tenant can score from day
one: the probability that a debtor falls into arrears within 90 days, calibrated, with its risk band
and reasons. They are trained on the synthetic world, not on real debtors; a tenant should retrain on
its own history (\`draagkracht model train\` or the training-runs API) and compare before relying on them.

| model | feature set (features) | rows train / calibration / test | test positives | test AUC | oracle AUC | Brier | calibration |
|---|---|---|---:|---:|---:|---:|---|
${rows.join('\n')}

- \`early-warning\` reads bank data and data points: use it only for debtors with a valid consent whose
  purpose covers early-warning monitoring.
- \`early-warning-data-points\` reads data points only: for debtors without such a consent.
- The oracle AUC ranks the world's own hidden probability (\`p_arrears_90d\`, a Monte Carlo over the
  household's exact state) against what happened on the same test rows: the best any model could do.

Each directory holds \`model.json\` (the bundle: model, calibration, bands, feature names and catalogue
version, data window, training-table fingerprint, seed, code version, metrics, and the reference
profile of the training population that stability is measured against), \`model-card.md\`
(intended use, data, performance, bands, limitations, the command that reproduces it), \`metrics.json\`
and \`evaluation.csv\` (the test slice with each row's household type, income source and region, which
\`draagkracht model report\` scores).

\`taiwan-credit-default/\` is not a starter model: a benchmark on real credit-card clients (the Taiwan
default data, CC BY 4.0, test/fixtures/credit/taiwan/SOURCES.md) so that a model report can be read on
data the simulator did not make. \`npm run model:taiwan\` reproduces it bit for bit; its figures are in
its model card. Never use it to score anyone.

## How they are trained

\`\`\`sh
npm run model:starter
\`\`\`

This simulates ${w.households} households over ${w.months} months (seed ${w.seed}, from ${w.startDate}, ${w.truthRuns} Monte Carlo runs per
as-of date, Berlin Group bank files for all) in a temporary directory, builds the training tables (one
row per household and monthly as-of date, features as of the day before), and trains gradient-boosted
trees (seed ${STARTER_TRAINING_SEED}) with the pipeline of \`draagkracht model train\`: a time-ordered split with a 90-day gap before
each cut, early stopping on the end of the training period, isotonic or Platt calibration on the
calibration slice, bands by observed rate on the test slice. The same command reproduces these files
bit for bit; \`test/risk-models/starter-model.test.ts\` checks that. With \`-- --out DIR\` it writes
elsewhere.

## The law

Credit scoring of natural persons is a high-risk use under the EU AI Act and falls under GDPR
art. 22; see docs/domain.md, "Models and the law", for what that asks of a model here. Scores are an
early warning to offer help, never the sole ground for a decision about a person.
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const outDir = resolve(values.out ?? STARTER_MODELS_DIR);
  const result = await trainStarterModels(outDir, (line) => process.stderr.write(`model:starter: ${line}\n`));
  const s = result.seconds;
  process.stdout.write(
    `wrote ${result.bundles.map((b) => b.modelId).join(', ')} and README.md to ${outDir} in ${s.total.toFixed(1)} s ` +
      `(simulate ${s.simulate.toFixed(1)} s; features ${s.features.map((x) => x.toFixed(1)).join(' + ')} s; train ${s.train.map((x) => x.toFixed(1)).join(' + ')} s)\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
