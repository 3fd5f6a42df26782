/**
 * The model card's words for one model version: what it is for, what it is not for, what it was
 * built on, where it should not be trusted, the law it answers to and the command that rebuilds it.
 * The report (JSON and HTML) carries it as `modelCard`; the markdown card (src/risk-models/model-card.ts)
 * and docs/model-governance.md say the same, so the three cannot tell different stories.
 *
 * Built from the bundle (and, when known, the evaluation set and how the version was made) only, so
 * it is the same every time for the same version.
 */
import type { EvaluationSet } from './evaluation-set.js';
import { KNOWN_SEGMENTS } from './evaluation-set.js';
import type { ModelCardSection } from './report.types.js';
import type { RiskModelBundle } from '../risk-models/risk-model-bundle.js';

/** How a version came to be, so the card can name the command that rebuilds it. */
export type ModelProvenance =
  | { kind: 'starter' }
  | { kind: 'taiwan' }
  | { kind: 'training-run'; runId: string | null; options: { modelId: string; featureSet: string; learner?: string; seed?: number } }
  | { kind: 'directory'; command: string | null };

export const STARTER_REPRODUCE = 'npm run model:starter';
export const TAIWAN_REPRODUCE = 'npm run model:taiwan';
export const TAIWAN_MODEL_ID = 'taiwan-credit-default';

export const INTENDED_USE =
  'An early warning: the calibrated probability that a debtor falls into arrears within the horizon, with its reasons, so that a ' +
  'creditor can offer help sooner (a call, an affordable payment plan, a payment date after income arrives, a referral to debt help). ' +
  'A person reads the score and its reasons and decides what to offer.';

export const NOT_INTENDED_FOR =
  'Never an automated refusal or any decision with legal or similarly significant effect taken on the score alone: not refusing or ' +
  'ending a contract or supply, not setting prices, limits or deposits, not starting collection or enforcement, not ranking people ' +
  'for less favourable treatment. Not for debtors or populations unlike the training data (see limitations), and not for the bank ' +
  'features of a debtor without a valid consent covering early-warning monitoring.';

export const LEGAL_CONTEXT =
  'Credit scoring of natural persons is a high-risk AI use under the EU AI Act (Regulation (EU) 2024/1689, Annex III point 5(b)): ' +
  'it needs risk management, data governance, logging, accuracy reporting (the model report), human oversight and transparency. ' +
  'GDPR (Regulation (EU) 2016/679) art. 22 forbids subjecting a person to a solely automated decision with legal or similarly ' +
  'significant effect without safeguards, and art. 15(1)(h) gives a right to meaningful information about the logic involved. ' +
  'The CJEU held in SCHUFA Holding (Scoring), C-634/21, 7 December 2023, that computing a probability score is itself such a ' +
  'decision when a third party draws strongly on it to decide. Hence a human decides: every score carries its model version, ' +
  'feature snapshot and reasons so a person can review and explain it, the debtor can contest it, and consent can be withdrawn ' +
  'with the data erased.';

const FEATURE_SET_TEXT: Record<RiskModelBundle['featureSet'], string> = {
  'bank-and-data-points': 'bank data (transactions, balances, income streams, affordability) and payment-behaviour data points',
  'data-points-only': 'payment-behaviour data points only (invoices, payments, direct debits and their returns, reminders, promises, contact changes)',
  table: 'the columns of a feature table supplied with the model',
};

/** The command (or API request) that rebuilds the version. */
export function reproduceCommand(bundle: RiskModelBundle, provenance: ModelProvenance): string {
  switch (provenance.kind) {
    case 'starter':
      return `${STARTER_REPRODUCE} (rebuilds models/${bundle.modelId} bit for bit: seed ${bundle.seed}, training-table fingerprint ${bundle.fingerprint})`;
    case 'taiwan':
      return `${TAIWAN_REPRODUCE} (rebuilds models/${TAIWAN_MODEL_ID} from the UCI Taiwan default data: seed ${bundle.seed}, training-table fingerprint ${bundle.fingerprint})`;
    case 'training-run': {
      const body = JSON.stringify({
        featureSet: provenance.options.featureSet,
        modelId: provenance.options.modelId,
        ...(provenance.options.learner ? { learner: provenance.options.learner } : {}),
        seed: provenance.options.seed ?? bundle.seed,
      });
      return (
        `POST /v1/models/training-runs ${body}` +
        `${provenance.runId ? ` (training run ${provenance.runId})` : ''}; on the same stored data it gives the same training-table fingerprint ${bundle.fingerprint} and the same model`
      );
    }
    case 'directory':
      return provenance.command ?? `draagkracht model train … --seed ${bundle.seed} --model-id ${bundle.modelId} (training-table fingerprint ${bundle.fingerprint}; the source data is not recorded in the model directory)`;
  }
}

/** The provenance a model id implies when nothing else is known (a model directory read from disk). */
export function provenanceOfDirectory(bundle: RiskModelBundle): ModelProvenance {
  if (bundle.modelId === TAIWAN_MODEL_ID) return { kind: 'taiwan' };
  if ((bundle.modelId === 'early-warning' || bundle.modelId === 'early-warning-data-points') && bundle.metrics.oracleAuc !== null) return { kind: 'starter' };
  return { kind: 'directory', command: null };
}

export function modelCardSection(bundle: RiskModelBundle, options: { provenance: ModelProvenance; evaluation?: EvaluationSet | null }): ModelCardSection {
  const m = bundle.metrics;
  const total = m.rows.train + m.rows.calibration + m.rows.test;
  const evaluation = options.evaluation ?? null;
  const window = `${bundle.window.from ?? 'undated'} to ${bundle.window.to ?? 'undated'}`;
  const simulated = bundle.featureSet !== 'table' && m.oracleAuc !== null;
  const source =
    options.provenance.kind === 'taiwan'
      ? 'the UCI "Default of credit card clients" data (Taiwan, 2005; 30,000 card holders, CC BY 4.0)'
      : simulated
        ? 'a simulated world of Dutch households (src/simulation), not real debtors'
        : options.provenance.kind === 'training-run'
          ? 'the tenant’s own stored debtors: one row per debtor and month start, labelled by arrears_started data points in the next 90 days'
          : 'the rows the model directory was trained from';
  const data =
    `Trained on ${source}: ${total} rows, as-of dates ${window}, ${m.split === 'time-ordered' ? 'split by time (earliest ~70 % train, next ~15 % calibration, latest ~15 % test, with a gap of the horizon before each cut)' : 'split at random (~70/15/15)'}; ` +
    `${m.positives.train + m.positives.calibration + m.positives.test} rows with label 1 (${bundle.featureSet === 'table' ? 'the table’s outcome' : `arrears within ${bundle.horizonDays} days`}). ` +
    (evaluation
      ? `This report is computed on ${evaluation.ids.length} rows the model never learned from (${evaluation.description}), as-of dates ${evaluation.window.from ?? 'undated'} to ${evaluation.window.to ?? 'undated'}.`
      : 'No evaluation set is stored with this version.');
  const features = `${bundle.featureNames.length} features, feature set ${bundle.featureSet}: ${FEATURE_SET_TEXT[bundle.featureSet]}${bundle.catalogueVersion ? `; catalogue ${bundle.catalogueVersion} (docs/features.md), every value as of the as-of date, nothing later` : ''}.`;

  const limitations: string[] = [];
  if (simulated) {
    limitations.push('Trained on a simulated world, not on real debtors: it gives a new tenant scores from day one; retrain on the tenant’s own history and compare the two before relying on it.');
  }
  if (options.provenance.kind === 'taiwan') {
    limitations.push('Taiwanese credit-card holders in 2005 are not Dutch debtors of energy, telecom or housing creditors: the model shows the method on public data and must not score Dutch debtors.');
  }
  limitations.push(
    'A probability describes a group of similar debtors, not what this person will do; it is never the sole ground for a decision about a person.',
    'Quality drifts when the economy, the creditor’s process or the mix of debtors changes: read the stability section (PSI above 0.1 asks for attention, above 0.25 for action) and the monitoring series, and retrain when they drift.',
    `Calibration is fitted on the calibration slice (${bundle.calibration.kind}); on a population unlike it the probabilities can be too high or too low even when the ranking (AUC) holds.`,
  );
  const supplied = evaluation ? KNOWN_SEGMENTS.filter((s) => evaluation.segments[s]?.some((v) => v !== null)) : [];
  const missing = KNOWN_SEGMENTS.filter((s) => !supplied.includes(s));
  if (!evaluation) {
    limitations.push('Performance per segment (household type, income source, age band, region) and the gaps between segments are measured in the model report (draagkracht model report, or GET /v1/models/{modelId}/versions/{version}/report), not here.');
  } else if (missing.length > 0) {
    limitations.push(
      `Segment gaps cannot be measured for ${missing.map((s) => s.replace(/_/g, ' ')).join(', ')}: the evaluation rows do not carry ${missing.length === 1 ? 'it' : 'them'}` +
        `${missing.includes('age_band') ? ' (age band only where the creditor supplies it)' : ''}. Differences between groups may exist unseen.`,
    );
  }
  limitations.push('Groups with few rows give wide, unstable figures: a gap between small groups is a question to investigate, not a finding.');

  return {
    intendedUse: INTENDED_USE,
    notIntendedFor: NOT_INTENDED_FOR,
    data,
    features,
    limitations,
    legalContext: LEGAL_CONTEXT,
    reproduce: reproduceCommand(bundle, options.provenance),
  };
}
