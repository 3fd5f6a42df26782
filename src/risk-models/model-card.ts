/**
 * The model card: what a model is for, what it was trained on, how well it did on data it never saw,
 * and where it should not be trusted. Rendered from the bundle alone, so it cannot drift from the
 * model it describes and is byte-identical whenever the bundle is. Credit scoring of natural persons
 * is a high-risk use under the EU AI Act (Annex III 5(b)) and GDPR art. 22 applies, so the card is
 * written for the person who must answer for a decision, not only for the data scientist.
 */
import { modelCardSection, provenanceOfDirectory, type ModelProvenance } from '../model-reports/model-card-section.js';
import type { RiskModelBundle } from './risk-model-bundle.js';

const percent = (value: number, digits = 1): string => `${(100 * value).toFixed(digits)} %`;
const fixed = (value: number, digits = 3): string => value.toFixed(digits);

const LEARNER_TEXT: Record<RiskModelBundle['learner'], string> = {
  'gradient-boosting': 'gradient-boosted decision trees (log-loss) from the service\'s own learner (src/learning/); reasons are exact TreeSHAP contributions in log-odds',
  'random-forest': 'a random forest from the service\'s own learner (src/learning/); reasons are exact TreeSHAP contributions in probability',
  scorecard: 'a logistic regression on weight-of-evidence bins (a scorecard); reasons are coefficient × centred weight of evidence, in log-odds',
};

const FEATURE_SET_TEXT: Record<RiskModelBundle['featureSet'], string> = {
  'bank-and-data-points': 'bank data (transactions, balances, income streams, affordability) and payment-behaviour data points; use only for debtors with a valid consent whose purpose covers early-warning monitoring',
  'data-points-only': 'payment-behaviour data points only (invoices, payments, direct debits, reminders, promises, contact changes); for debtors without a bank-data consent',
  table: 'the columns of a ready feature table supplied by the user',
};

/** The card in markdown; its intended use, limitations, legal context and reproduce command are the report's (model-card-section.ts). */
export function renderModelCard(bundle: RiskModelBundle, provenance: ModelProvenance = provenanceOfDirectory(bundle)): string {
  const m = bundle.metrics;
  const section = modelCardSection(bundle, { provenance });
  const total = m.rows.train + m.rows.calibration + m.rows.test;
  const lines: string[] = [];
  lines.push(`# Model card: ${bundle.modelId}`, '');
  lines.push('## What it predicts', '');
  lines.push(
    `The probability that a debtor falls into arrears within ${bundle.horizonDays} days of the as-of date, calibrated so that ` +
      'a score of 0.10 means about one in ten such debtors did. It is an early warning to offer help (a call, an affordable plan, ' +
      'a payment date after income arrives), not a decision about a person. Every score carries its top reasons, the model version and ' +
      'the feature snapshot it was computed from, so a person can check and contest it.',
    '',
  );
  lines.push('## Intended use', '', section.intendedUse, '');
  lines.push('## Not intended for', '', section.notIntendedFor, '');
  lines.push('## Version and provenance', '');
  lines.push('| field | value |', '|---|---|');
  lines.push(`| model id | \`${bundle.modelId}\` |`);
  lines.push(`| learner | ${LEARNER_TEXT[bundle.learner]} |`);
  lines.push(`| features | ${bundle.featureNames.length}, feature set \`${bundle.featureSet}\`: ${FEATURE_SET_TEXT[bundle.featureSet]} |`);
  lines.push(`| feature catalogue | ${bundle.catalogueVersion === null ? 'none (feature table)' : `\`${bundle.catalogueVersion}\` (docs/features.md)`} |`);
  lines.push(`| data window (as-of dates) | ${bundle.window.from ?? 'undated'} to ${bundle.window.to ?? 'undated'} |`);
  lines.push(`| training-table fingerprint (sha256) | \`${bundle.fingerprint}\` |`);
  lines.push(`| seed | ${bundle.seed} |`);
  lines.push(`| code version | ${bundle.codeVersion} |`);
  lines.push(`| calibration | ${bundle.calibration.kind} (fitted on the calibration slice) |`, '');

  lines.push('## Training data and split', '');
  if (m.split === 'time-ordered') {
    lines.push(
      `${total} rows, ordered by as-of date: the earliest ~70 % to train, the next ~15 % to calibrate, the latest ~15 % to test. ` +
        `A row's outcome window (as-of, as-of + ${bundle.horizonDays} days] never reaches into a later slice: ${m.rowsDroppedForGap} rows ` +
        `within ${bundle.horizonDays} days of the next slice's first as-of date were left out. Early stopping used the last ` +
        `${m.earlyStoppingRows} rows of the training period, with the same gap.`,
    );
  } else {
    lines.push(
      `${total} rows without dates, split at random (seed ${bundle.seed}) into ~70 % train, ~15 % calibration, ~15 % test. ` +
        'A random split can be optimistic when one debtor has several rows or when the future differs from the past.',
    );
  }
  lines.push('');
  lines.push('| slice | rows | in arrears |', '|---|---:|---:|');
  for (const slice of ['train', 'calibration', 'test'] as const) {
    const rows = m.rows[slice];
    lines.push(`| ${slice} | ${rows} | ${m.positives[slice]} (${rows > 0 ? percent(m.positives[slice] / rows) : '–'}) |`);
  }
  lines.push('');

  lines.push('## Performance on the test slice (never trained or calibrated on)', '');
  lines.push('| measure | value |', '|---|---:|');
  lines.push(`| AUC | ${fixed(m.testAuc)} |`);
  if (m.oracleAuc !== null) lines.push(`| oracle AUC (the simulated world's own hidden probability: the best any model can do) | ${fixed(m.oracleAuc)} |`);
  lines.push(`| Brier score | ${fixed(m.testBrier, 4)} |`);
  lines.push(`| log-loss | ${fixed(m.testLogLoss, 4)} |`);
  if (m.cv) lines.push(`| ${m.cv.folds}-fold cross-validated AUC, grouped by debtor (mean) | ${fixed(m.cv.meanAuc)} (${m.cv.auc.map((a) => fixed(a)).join(', ')}) |`);
  lines.push('');

  lines.push('## Risk bands', '');
  lines.push('Bands cut the calibrated probability; the observed rate is the share of test rows in the band that fell into arrears.', '');
  lines.push('| band | probability | test rows | observed arrears rate |', '|---|---|---:|---:|');
  for (const band of bundle.bands) {
    lines.push(`| ${band.name} | ${percent(band.minProbability)} – ${percent(band.maxProbability)} | ${band.rows} | ${band.observedRate === null ? '–' : percent(band.observedRate)} |`);
  }
  lines.push('');

  lines.push('## Limitations', '');
  lines.push(...section.limitations.map((limitation) => `- ${limitation}`), '');
  lines.push('## The law', '', section.legalContext, '');
  lines.push('## Features', '');
  lines.push(bundle.featureNames.map((name) => `\`${name}\``).join(', '), '');
  // How to reproduce it is added by whoever writes the directory (evaluation-csv.ts modelCardText): only it knows the command.
  return `${lines.join('\n')}`;
}
