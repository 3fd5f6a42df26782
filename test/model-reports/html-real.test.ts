/**
 * The HTML page for real reports: buildModelReport on the committed models (the starter
 * early-warning model and the Taiwan credit-default model) and their evaluation.csv, charts from
 * chartSpecs, rendered as the page. Checks that what the metrics code produces on real data (85
 * features, long segment labels, empty bins, nulls) comes out as a complete, self-contained page.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModelReport } from '../../src/model-reports/build-report.js';
import { chartIdPart, chartSpecs, MAX_FEATURE_BARS } from '../../src/model-reports/charts.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { escapeHtml, renderModelReportHtml } from '../../src/model-reports/report-html.js';
import type { ModelCardSection, ModelReport } from '../../src/model-reports/report.types.js';
import { readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import { dataMarkCount, figuresById } from './html-inspect.js';

const CARD: ModelCardSection = {
  intendedUse: 'An early warning to offer help before arrears.',
  notIntendedFor: 'Automated refusal of credit or any decision without a person.',
  data: 'The model directory\'s evaluation.csv.',
  features: 'See the model card.',
  limitations: ['Test data only.'],
  legalContext: 'EU AI Act high-risk credit scoring; GDPR art. 22 and the SCHUFA judgment: a human decides.',
  reproduce: 'npm run model:starter',
};

async function reportFor(model: string): Promise<{ report: ModelReport; html: string }> {
  const dir = join(import.meta.dirname, '..', '..', 'models', model);
  const bundle = await readModelDirectory(dir);
  const evaluation = await readEvaluationFile(dir, bundle.featureNames);
  if (evaluation === null) throw new Error(`${dir} has no evaluation.csv`);
  const report = buildModelReport({ bundle, version: 1, evaluation, modelCard: CARD, resamples: 100 });
  report.charts = chartSpecs(report);
  return { report, html: await renderModelReportHtml(report) };
}

function checkPage(report: ModelReport, html: string): void {
  const figures = figuresById(html);
  expect([...figures.keys()].sort()).toEqual(report.charts.map((c) => c.id).sort());
  for (const [id, svg] of figures) expect(dataMarkCount(svg), id).toBeGreaterThan(0);
  for (const id of ['roc', 'lift', 'cumulative-gain', 'score-distribution', 'reliability', 'bands', 'confusion-rates', 'importance']) expect(figures.has(id), id).toBe(true);
  for (const d of report.explanation.dependence) expect(figures.has(`dependence-${chartIdPart(d.feature)}`), d.feature).toBe(true);
  for (const s of report.fairness.segments) {
    expect(figures.has(`fairness-${chartIdPart(s.segment)}`), s.segment).toBe(true);
    for (const statement of s.statements) expect(html.includes(escapeHtml(statement)), statement).toBe(true);
    for (const g of s.groups) expect(html.includes(`<td class="text">${escapeHtml(g.value)}</td>`), g.value).toBe(true);
  }
  expect(figures.has('scorecard-iv')).toBe(report.explanation.scorecard !== null);
  expect(figures.has('score-psi')).toBe(report.stability !== null);
  // Headline numbers are the report's.
  const summary = html.slice(html.indexOf('id="summary"'), html.indexOf('id="discrimination"'));
  expect(summary.includes(`<dd>${report.discrimination.auc!.toFixed(3)}`)).toBe(true);
  expect(summary.includes(`<dd>${report.discrimination.ks!.toFixed(3)}`)).toBe(true);
  expect(summary.includes(`<dd>${report.calibration.brier!.toFixed(4)}`)).toBe(true);
  expect(summary.includes(`<dd>${report.calibration.ece!.toFixed(4)}`)).toBe(true);
  expect(summary.includes((report.stability?.drift ?? false) ? 'Drift: the population has moved' : 'No drift')).toBe(true);
  expect(html.includes('<script')).toBe(false);
}

describe('HTML page for the starter model (models/early-warning)', () => {
  let report: ModelReport;
  let html: string;
  beforeAll(async () => {
    ({ report, html } = await reportFor('early-warning'));
  }, 120_000);

  it('has every chart with marks, the headline numbers, the segments and their gaps', () => {
    checkPage(report, html);
    expect(report.fairness.segments.length).toBeGreaterThan(0);
  });

  it('draws the most shifted and most important features as bars and lists every feature in the tables', () => {
    const features = report.stability!.features;
    expect(features.length).toBeGreaterThan(MAX_FEATURE_BARS);
    const psiSvg = figuresById(html).get('feature-psi')!;
    const drawn = features.filter((f) => psiSvg.includes(`>${escapeHtml(f.feature)}</text>`));
    const largest = [...features].sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1)).slice(0, MAX_FEATURE_BARS);
    expect(drawn.map((f) => f.feature).sort()).toEqual(largest.map((f) => f.feature).sort());
    const stabilityTable = html.slice(html.indexOf('Feature stability and characteristic analysis'));
    for (const f of features) expect(stabilityTable.includes(`<td class="text">${escapeHtml(f.feature)}</td>`), f.feature).toBe(true);
  });
});

describe('HTML page for the Taiwan model (models/taiwan-credit-default)', () => {
  it('has every chart with marks, the headline numbers, the segments and their gaps', async () => {
    const { report, html } = await reportFor('taiwan-credit-default');
    checkPage(report, html);
    expect(report.fairness.segments.map((s) => s.segment)).toContain('age_band');
  }, 120_000);
});
