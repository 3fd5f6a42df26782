/**
 * The report's charts as Vega-Lite v6 specifications, data inlined. They go into the report JSON
 * (so analysts can restyle them in any Vega-Lite editor) and are rendered to SVG on the server for
 * the HTML page (render-svg.ts). Built from the ModelReport alone, never from the rows, so a chart
 * cannot show something the JSON does not contain.
 *
 * Chart ids are stable: analysts refer to them and the browser test looks them up. A chart whose
 * data is absent (no stability reference, no scorecard, no comparison, no monitoring series) is left
 * out rather than drawn empty.
 */
import type { ChartSpec, ModelReport } from './report.types.js';
import { PSI_ACT, PSI_WATCH } from './population-stability.js';

/** Fonts metric-compatible with the width table in render-svg.ts, so server layout and browser agree. */
export const CHART_FONT = 'Liberation Sans, Arial, Helvetica, sans-serif';
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 420;
/** Bar charts over features show at most this many (the page's tables list every feature). */
export const MAX_FEATURE_BARS = 25;
const HEIGHT = 240;
/** Colours readable by people with the common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = { blue: '#0072B2', orange: '#E69F00', green: '#009E73', red: '#D55E00', purple: '#CC79A7', grey: '#777777', sky: '#56B4E9' };

type Spec = Record<string, unknown>;

const CONFIG: Spec = {
  font: CHART_FONT,
  background: 'white',
  view: { stroke: '#dddddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eeeeee' },
  // Legend labels name models and groups in full (vega's default cuts them at 160 px).
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 320 },
  title: { fontSize: 14, anchor: 'start' },
  range: { category: [COLOURS.blue, COLOURS.orange, COLOURS.green, COLOURS.red, COLOURS.purple, COLOURS.sky, COLOURS.grey] },
};

function spec(title: string, body: Spec): Spec {
  return { $schema: SCHEMA, title, config: CONFIG, ...body };
}

/** Lower-case, dashes only: a feature or segment name becomes part of a stable chart id. */
export function chartIdPart(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'x' : slug;
}

const isNumber = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);
const round = (value: number, digits = 6): number => Number(value.toFixed(digits));
const fmt = (value: number | null, digits = 3): string => (isNumber(value) ? value.toFixed(digits) : 'n/a');

const diagonal = (): Spec => ({
  data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
  mark: { type: 'line', strokeDash: [4, 4], color: COLOURS.grey },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
});

function rocChart(report: ModelReport): ChartSpec | null {
  const d = report.discrimination;
  const points = d.roc.filter((p) => isNumber(p.falsePositiveRate) && isNumber(p.truePositiveRate));
  if (points.length < 2) return null;
  const values = points.map((p) => ({ falsePositiveRate: round(p.falsePositiveRate), truePositiveRate: round(p.truePositiveRate), threshold: isNumber(p.threshold) ? round(p.threshold) : null }));
  const title = `ROC curve (AUC ${fmt(d.auc)})`;
  return {
    id: 'roc',
    title,
    spec: spec(title, {
      width: HEIGHT + 40,
      height: HEIGHT + 40,
      layer: [
        diagonal(),
        {
          data: { values },
          mark: { type: 'line', color: COLOURS.blue, strokeWidth: 2 },
          encoding: {
            x: { field: 'falsePositiveRate', type: 'quantitative', title: 'False positive rate (no arrears, flagged)', scale: { domain: [0, 1] } },
            y: { field: 'truePositiveRate', type: 'quantitative', title: 'True positive rate (arrears, flagged)', scale: { domain: [0, 1] } },
            order: { field: 'falsePositiveRate', type: 'quantitative' },
          },
        },
      ],
    }),
  };
}

function liftChart(report: ModelReport): ChartSpec | null {
  const values = report.discrimination.deciles.filter((d) => isNumber(d.lift)).map((d) => ({ decile: d.decile, lift: round(d.lift!), observedRate: d.observedRate === null ? null : round(d.observedRate), rows: d.rows }));
  if (values.length === 0) return null;
  const title = 'Lift by decile (1 = riskiest 10 %)';
  return {
    id: 'lift',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values },
          mark: { type: 'bar', color: COLOURS.blue },
          encoding: {
            x: { field: 'decile', type: 'ordinal', title: 'Decile of predicted risk', sort: 'ascending', axis: { labelAngle: 0 } },
            y: { field: 'lift', type: 'quantitative', title: 'Arrears rate ÷ overall rate' },
          },
        },
        { data: { values: [{ y: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: COLOURS.grey }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      ],
    }),
  };
}

function gainChart(report: ModelReport): ChartSpec | null {
  const deciles = report.discrimination.deciles.filter((d) => isNumber(d.cumulativeGain));
  if (deciles.length === 0) return null;
  const total = report.discrimination.deciles.reduce((sum, d) => sum + d.rows, 0);
  let cumulativeRows = 0;
  const values = [{ populationShare: 0, cumulativeGain: 0 }];
  for (const d of report.discrimination.deciles) {
    cumulativeRows += d.rows;
    if (isNumber(d.cumulativeGain) && total > 0) values.push({ populationShare: round(cumulativeRows / total), cumulativeGain: round(d.cumulativeGain) });
  }
  const title = 'Cumulative gain: share of all arrears found in the riskiest share of rows';
  return {
    id: 'cumulative-gain',
    title,
    spec: spec(title, {
      width: HEIGHT + 40,
      height: HEIGHT + 40,
      layer: [
        diagonal(),
        {
          data: { values },
          mark: { type: 'line', point: true, color: COLOURS.blue, strokeWidth: 2 },
          encoding: {
            x: { field: 'populationShare', type: 'quantitative', title: 'Share of rows, riskiest first', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
            y: { field: 'cumulativeGain', type: 'quantitative', title: 'Share of all arrears', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
          },
        },
      ],
    }),
  };
}

function scoreDistributionChart(report: ModelReport): ChartSpec | null {
  const bins = report.discrimination.scoreDistribution;
  const negatives = bins.reduce((s, b) => s + b.negatives, 0);
  const positives = bins.reduce((s, b) => s + b.positives, 0);
  if (negatives + positives === 0) return null;
  // Shares within each outcome: arrears are rare, so raw counts would hide their distribution.
  const values = bins.flatMap((b) => [
    ...(negatives > 0 ? [{ binStart: b.binStart, binEnd: b.binEnd, outcome: 'no arrears', rows: b.negatives, share: round(b.negatives / negatives) }] : []),
    ...(positives > 0 ? [{ binStart: b.binStart, binEnd: b.binEnd, outcome: 'arrears', rows: b.positives, share: round(b.positives / positives) }] : []),
  ]);
  const title = 'Predicted probability by outcome';
  return {
    id: 'score-distribution',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      // rect with explicit y2: a bar with x and x2 would be read as a horizontal range bar.
      mark: { type: 'rect', opacity: 0.55 },
      encoding: {
        x: { field: 'binStart', type: 'quantitative', title: 'Predicted probability of arrears', scale: { domain: [0, 1] } },
        x2: { field: 'binEnd' },
        y: { field: 'share', type: 'quantitative', title: 'Share of rows with this outcome', axis: { format: '.0%' } },
        y2: { datum: 0 },
        color: { field: 'outcome', type: 'nominal', title: 'Outcome', sort: ['no arrears', 'arrears'] },
      },
    }),
  };
}

function reliabilityChart(report: ModelReport): ChartSpec | null {
  const bins = report.calibration.reliability.filter((b) => b.rows > 0);
  if (bins.length === 0) return null;
  const values = bins.map((b) => ({ binStart: b.binStart, binEnd: b.binEnd, meanPredicted: round(b.meanPredicted), observedRate: round(b.observedRate), rows: b.rows }));
  const title = `Reliability: observed against predicted (ECE ${fmt(report.calibration.ece)})`;
  return {
    id: 'reliability',
    title,
    spec: spec(title, {
      vconcat: [
        {
          width: HEIGHT + 40,
          height: HEIGHT + 40,
          layer: [
            diagonal(),
            {
              data: { values },
              mark: { type: 'line', point: { filled: true, size: 50 }, color: COLOURS.blue },
              encoding: {
                x: { field: 'meanPredicted', type: 'quantitative', title: 'Mean predicted probability', scale: { domain: [0, 1] } },
                y: { field: 'observedRate', type: 'quantitative', title: 'Observed arrears rate', scale: { domain: [0, 1] } },
              },
            },
          ],
        },
        {
          width: HEIGHT + 40,
          height: 90,
          data: { values },
          mark: { type: 'rect', color: COLOURS.sky, stroke: 'white', strokeWidth: 1 },
          encoding: {
            x: { field: 'binStart', type: 'quantitative', title: 'Predicted probability bin', scale: { domain: [0, 1] } },
            x2: { field: 'binEnd' },
            y: { field: 'rows', type: 'quantitative', title: 'Rows in bin' },
            y2: { datum: 0 },
          },
        },
      ],
    }),
  };
}

function bandsChart(report: ModelReport): ChartSpec | null {
  const values = report.calibration.bands.flatMap((b) =>
    [
      { measure: 'predicted (mean)', rate: b.meanPredicted },
      { measure: 'observed', rate: b.observedRate },
      { measure: 'observed at training', rate: b.trainingObservedRate },
    ]
      .filter((m): m is { measure: string; rate: number } => isNumber(m.rate))
      .map((m) => ({ band: b.band.replace('_', ' '), measure: m.measure, rate: round(m.rate), rows: b.rows })),
  );
  if (values.length === 0) return null;
  const bandOrder = report.calibration.bands.map((b) => b.band.replace('_', ' '));
  const title = 'Observed against predicted arrears rate per risk band';
  return {
    id: 'bands',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'band', type: 'nominal', title: 'Risk band', sort: bandOrder, axis: { labelAngle: 0 } },
        xOffset: { field: 'measure', type: 'nominal', sort: ['predicted (mean)', 'observed', 'observed at training'] },
        y: { field: 'rate', type: 'quantitative', title: 'Arrears rate', axis: { format: '.0%' } },
        color: { field: 'measure', type: 'nominal', title: null, sort: ['predicted (mean)', 'observed', 'observed at training'] },
      },
    }),
  };
}

function confusionChart(report: ModelReport): ChartSpec | null {
  const measures = ['share flagged', 'precision', 'recall (TPR)', 'false positive rate'];
  const values = report.decisions.flatMap((c) =>
    [c.flaggedRate, c.precision, c.recall, c.falsePositiveRate]
      .map((rate, i) => ({ at: `${c.label} (≥ ${c.threshold.toFixed(3)})`, measure: measures[i]!, rate }))
      .filter((m): m is { at: string; measure: string; rate: number } => isNumber(m.rate))
      .map((m) => ({ ...m, rate: round(m.rate) })),
  );
  if (values.length === 0) return null;
  const title = 'Decision rates at the operating threshold and the band edges';
  return {
    id: 'confusion-rates',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'at', type: 'nominal', title: 'Flag when probability is at least', sort: null, axis: { labelAngle: -20 } },
        xOffset: { field: 'measure', type: 'nominal', sort: measures },
        y: { field: 'rate', type: 'quantitative', title: 'Rate', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
        color: { field: 'measure', type: 'nominal', title: null, sort: measures },
      },
    }),
  };
}

function scorePsiChart(report: ModelReport): ChartSpec | null {
  const s = report.stability;
  if (s === null || s.score.bins.length === 0) return null;
  const values = s.score.bins.flatMap((b, index) => [
    { bin: b.label, index, population: 'reference', share: round(b.referenceShare) },
    { bin: b.label, index, population: 'window', share: round(b.windowShare) },
  ]);
  const title = `Score stability: share of rows per score bin (PSI ${fmt(s.score.psi)}, ${s.score.reading ?? 'n/a'})`;
  return {
    id: 'score-psi',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'bin', type: 'nominal', title: 'Score bin (cut on the reference)', sort: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'population', type: 'nominal', sort: ['reference', 'window'] },
        y: { field: 'share', type: 'quantitative', title: 'Share of rows', axis: { format: '.0%' } },
        color: { field: 'population', type: 'nominal', title: null, sort: ['reference', 'window'] },
      },
    }),
  };
}

function featurePsiChart(report: ModelReport): ChartSpec | null {
  const s = report.stability;
  if (s === null) return null;
  const all = s.features.filter((f) => isNumber(f.psi)).sort((a, b) => b.psi! - a.psi!);
  const values = all.slice(0, MAX_FEATURE_BARS).map((f) => ({ feature: f.feature, psi: round(f.psi!), reading: f.reading ?? 'n/a' }));
  if (values.length === 0) return null;
  const top = all.length > values.length ? `, ${values.length} most shifted of ${all.length}` : '';
  const title = `Feature stability (PSI${top}; ${PSI_WATCH} = watch, ${PSI_ACT} = shifted)`;
  return {
    id: 'feature-psi',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: Math.max(120, 18 * values.length),
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'feature', type: 'nominal', title: null, sort: '-x' },
            x: { field: 'psi', type: 'quantitative', title: 'Population stability index' },
            color: { field: 'reading', type: 'nominal', title: 'Reading', scale: { domain: ['stable', 'watch', 'shifted'], range: [COLOURS.green, COLOURS.orange, COLOURS.red] } },
          },
        },
        {
          data: { values: [{ x: PSI_WATCH, rule: 'watch' }, { x: PSI_ACT, rule: 'shifted' }] },
          mark: { type: 'rule', strokeDash: [4, 4], color: COLOURS.grey },
          encoding: { x: { field: 'x', type: 'quantitative' } },
        },
      ],
    }),
  };
}

function importanceChart(report: ModelReport): ChartSpec | null {
  const all = report.explanation.importance.filter((i) => isNumber(i.meanAbsContribution)).sort((a, b) => b.meanAbsContribution - a.meanAbsContribution);
  const values = all.slice(0, MAX_FEATURE_BARS).map((i) => ({ feature: i.feature, meanAbsContribution: round(i.meanAbsContribution), share: round(i.share) }));
  if (values.length === 0) return null;
  const unit = report.explanation.outputSpace === 'log-odds' ? 'log-odds' : 'probability';
  const top = all.length > values.length ? `, top ${values.length} of ${all.length}` : '';
  const title = `Global importance: mean |SHAP contribution| (${unit}${top})`;
  return {
    id: 'importance',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: Math.max(120, 18 * values.length),
      data: { values },
      mark: { type: 'bar', color: COLOURS.blue },
      encoding: {
        y: { field: 'feature', type: 'nominal', title: null, sort: '-x' },
        x: { field: 'meanAbsContribution', type: 'quantitative', title: `Mean |contribution| (${unit})` },
      },
    }),
  };
}

function dependenceCharts(report: ModelReport): ChartSpec[] {
  const unit = report.explanation.outputSpace === 'log-odds' ? 'log-odds' : 'probability';
  const used = new Set<string>();
  const charts: ChartSpec[] = [];
  for (const d of report.explanation.dependence) {
    const values = d.points.filter((p) => isNumber(p.value) && isNumber(p.contribution)).map((p) => ({ value: round(p.value!), contribution: round(p.contribution) }));
    if (values.length === 0) continue;
    let id = `dependence-${chartIdPart(d.feature)}`;
    for (let n = 2; used.has(id); n++) id = `dependence-${chartIdPart(d.feature)}-${n}`;
    used.add(id);
    const title = `Dependence: ${d.feature}`;
    charts.push({
      id,
      title,
      spec: spec(title, {
        width: WIDTH,
        height: HEIGHT - 40,
        layer: [
          {
            data: { values },
            // No per-point description: a screen reader listing 1,000 points helps nobody, and it doubles the SVG.
            mark: { type: 'point', filled: true, opacity: 0.4, size: 18, color: COLOURS.blue, aria: false },
            encoding: {
              x: { field: 'value', type: 'quantitative', title: d.feature, scale: { zero: false } },
              y: { field: 'contribution', type: 'quantitative', title: `Contribution (${unit})` },
            },
          },
          { data: { values: [{ y: 0 }] }, mark: { type: 'rule', color: COLOURS.grey }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        ],
      }),
    });
  }
  return charts;
}

function scorecardChart(report: ModelReport): ChartSpec | null {
  const card = report.explanation.scorecard;
  if (card === null || card.length === 0) return null;
  const all = card.filter((f) => isNumber(f.informationValue)).sort((a, b) => b.informationValue - a.informationValue);
  const values = all.slice(0, MAX_FEATURE_BARS).map((f) => ({ feature: f.feature, informationValue: round(f.informationValue) }));
  if (values.length === 0) return null;
  const title = `Scorecard: information value per feature${all.length > values.length ? ` (top ${values.length} of ${all.length})` : ''}`;
  return {
    id: 'scorecard-iv',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: Math.max(120, 18 * values.length),
      layer: [
        {
          data: { values },
          mark: { type: 'bar', color: COLOURS.green },
          encoding: {
            y: { field: 'feature', type: 'nominal', title: null, sort: '-x' },
            x: { field: 'informationValue', type: 'quantitative', title: 'Information value' },
          },
        },
        // The usual reading: below 0.02 not predictive, 0.1 medium, above 0.3 strong.
        { data: { values: [{ x: 0.02 }, { x: 0.1 }, { x: 0.3 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: COLOURS.grey }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      ],
    }),
  };
}

function fairnessCharts(report: ModelReport): ChartSpec[] {
  const measures = ['AUC', 'share flagged', 'false positive rate'];
  const used = new Set<string>();
  const charts: ChartSpec[] = [];
  for (const segment of report.fairness.segments) {
    const values = segment.groups.flatMap((g) =>
      [g.auc, g.flaggedRate, g.falsePositiveRate]
        .map((rate, i) => ({ group: `${g.value} (${g.rows})`, measure: measures[i]!, rate }))
        .filter((m): m is { group: string; measure: string; rate: number } => isNumber(m.rate))
        .map((m) => ({ ...m, rate: round(m.rate) })),
    );
    if (values.length === 0) continue;
    let id = `fairness-${chartIdPart(segment.segment)}`;
    for (let n = 2; used.has(id); n++) id = `fairness-${chartIdPart(segment.segment)}-${n}`;
    used.add(id);
    const title = `By ${segment.segment.replace(/_/g, ' ')}: AUC, share flagged and false positive rate`;
    charts.push({
      id,
      title,
      spec: spec(title, {
        width: WIDTH,
        height: HEIGHT,
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'group', type: 'nominal', title: 'Group (rows)', sort: null, axis: { labelAngle: -20 } },
          xOffset: { field: 'measure', type: 'nominal', sort: measures },
          y: { field: 'rate', type: 'quantitative', title: null, scale: { domain: [0, 1] } },
          color: { field: 'measure', type: 'nominal', title: null, sort: measures },
        },
      }),
    });
  }
  return charts;
}

function comparisonChart(report: ModelReport): ChartSpec | null {
  const c = report.comparison;
  if (c === null) return null;
  const measures = ['auc', 'gini', 'ks', 'brier', 'ece'] as const;
  const label = (side: { modelId: string; version: number | null }): string => `${side.modelId}${side.version === null ? '' : ` v${side.version}`}`;
  const champion = `champion: ${label(c.champion)}`;
  const challenger = `challenger: ${label(c.challenger)}`;
  const values = measures.flatMap((m) =>
    [
      { model: champion, value: c.champion[m] },
      { model: challenger, value: c.challenger[m] },
    ]
      .filter((v): v is { model: string; value: number } => isNumber(v.value))
      .map((v) => ({ measure: m === 'ks' ? 'KS' : m === 'ece' ? 'ECE' : m === 'auc' ? 'AUC' : m[0]!.toUpperCase() + m.slice(1), model: v.model, value: round(v.value) })),
  );
  if (values.length === 0) return null;
  const title = `Champion against challenger on the same ${c.rows} rows`;
  return {
    id: 'comparison',
    title,
    spec: spec(title, {
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'measure', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'model', type: 'nominal', sort: [champion, challenger] },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'model', type: 'nominal', title: null, sort: [champion, challenger] },
      },
    }),
  };
}

function monitoringChart(report: ModelReport): ChartSpec | null {
  const points = report.monitoring?.points ?? [];
  if (points.length === 0) return null;
  const psiValues = points.flatMap((p) =>
    [
      { series: 'score PSI', value: p.scorePsi },
      { series: 'largest feature PSI', value: p.maxFeaturePsi },
    ]
      .filter((v): v is { series: string; value: number } => isNumber(v.value))
      .map((v) => ({ windowTo: p.windowTo, series: v.series, value: round(v.value), drift: p.drift })),
  );
  const aucValues = points.filter((p) => isNumber(p.auc)).map((p) => ({ windowTo: p.windowTo, auc: round(p.auc!), rowsWithOutcome: p.rowsWithOutcome }));
  // Ordinal by window end: windows are what monitoring counts in, and both panels share the axis.
  const time = { field: 'windowTo', type: 'ordinal', title: 'End of window', sort: points.map((p) => p.windowTo), scale: { domain: points.map((p) => p.windowTo) }, axis: { labelAngle: -20 } };
  const panels: Spec[] = [];
  if (psiValues.length > 0) {
    panels.push({
      width: WIDTH,
      height: HEIGHT - 60,
      layer: [
        {
          data: { values: psiValues },
          mark: { type: 'line', point: true },
          encoding: { x: time, y: { field: 'value', type: 'quantitative', title: 'PSI' }, color: { field: 'series', type: 'nominal', title: null, sort: ['score PSI', 'largest feature PSI'] } },
        },
        { data: { values: [{ y: PSI_WATCH }, { y: PSI_ACT }] }, mark: { type: 'rule', strokeDash: [4, 4], color: COLOURS.red }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      ],
    });
  }
  if (aucValues.length > 0) {
    panels.push({
      width: WIDTH,
      height: HEIGHT - 80,
      data: { values: aucValues },
      mark: { type: 'line', point: true, color: COLOURS.blue },
      encoding: { x: time, y: { field: 'auc', type: 'quantitative', title: 'AUC (matured outcomes)', scale: { zero: false } } },
    });
  }
  if (panels.length === 0) return null;
  const title = `Monitoring: drift over time (rule at ${PSI_WATCH} and ${PSI_ACT})`;
  return { id: 'monitoring', title, spec: spec(title, { vconcat: panels, resolve: { scale: { color: 'independent' } } }) };
}

/** Every chart the report's data supports, in reading order. */
export function chartSpecs(report: ModelReport): ChartSpec[] {
  const charts: (ChartSpec | null)[] = [
    rocChart(report),
    liftChart(report),
    gainChart(report),
    scoreDistributionChart(report),
    reliabilityChart(report),
    bandsChart(report),
    confusionChart(report),
    scorePsiChart(report),
    featurePsiChart(report),
    importanceChart(report),
    ...dependenceCharts(report),
    scorecardChart(report),
    ...fairnessCharts(report),
    comparisonChart(report),
    monitoringChart(report),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}
