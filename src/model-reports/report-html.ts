/**
 * The model report as ONE self-contained HTML page for people: risk analysts and the model-risk
 * committee. Rendered from the ModelReport alone (the same object served as JSON), so the page and
 * the JSON cannot disagree.
 *
 * Self-contained means: styles inline, no script, every chart inline SVG rendered on the server, and
 * a Content-Security-Policy that forbids the page from loading anything (`default-src 'none'`), so it
 * reads the same offline, from an e-mail attachment or an archive in ten years, and opening it tells
 * nobody that it was opened. Every string from the report is escaped: model ids, feature names and
 * segment values come from users' files.
 *
 * Reading order follows the committee's questions: the summary with the headline numbers and the
 * drift flag first, then discrimination, calibration, decisions, stability, explanation, fairness,
 * comparison, monitoring, and the model card. Charts carry a caption and, where exact figures
 * matter, a table with the same numbers (for print, for screen readers, and for copying).
 */
import { chartIdPart, chartSpecs } from './charts.js';
import { PSI_ACT, PSI_WATCH } from './population-stability.js';
import { renderSvg } from './render-svg.js';
import type { ChartSpec, ConfidenceInterval, ModelReport } from './report.types.js';
import { escapeHtml } from '../platform/html.js';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export { escapeHtml };
const e = escapeHtml;

const isNumber = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);
/** Fixed digits, with a real minus sign (a hyphen reads as a dash in ranges like −0.12–−0.04). */
const num = (value: number | null | undefined, digits = 3): string => (isNumber(value) ? value.toFixed(digits).replace(/^-/, '−') : 'n/a');
/** A difference between two rates, in percentage points. */
const points = (value: number | null | undefined, digits = 1): string => (isNumber(value) ? `${(100 * value).toFixed(digits).replace(/^-/, '−')} points` : 'n/a');
const pct = (value: number | null | undefined, digits = 1): string => (isNumber(value) ? `${(100 * value).toFixed(digits).replace(/^-/, '−')} %` : 'n/a');
/** Thousands with a thin space: deterministic, unlike toLocaleString, which depends on the ICU build. */
const int = (value: number): string => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
const ci = (interval: ConfidenceInterval | null): string => (interval === null ? '' : ` (${Math.round(100 * interval.level)} % CI ${num(interval.low)}–${num(interval.high)})`);
const signed = (value: number | null, digits = 3): string => (isNumber(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}` : 'n/a');

const STYLE = `
:root { --ink: #1d1d1f; --muted: #5b5b66; --line: #d9d9e0; --warn: #8a4b00; --warn-bg: #fff3df; --ok: #0b6b45; --ok-bg: #e6f5ee; --accent: #0b5c94; }
* { box-sizing: border-box; }
html { font: 15px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0 auto; max-width: 1040px; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 6px; }
p, li { max-width: 78ch; }
.muted, figcaption, .note { color: var(--muted); }
.subtitle { margin: 0 0 16px; color: var(--muted); }
nav ol { columns: 2; padding-left: 20px; margin: 8px 0 0; }
nav a, a { color: var(--accent); }
.flag { border-left: 6px solid var(--warn); background: var(--warn-bg); padding: 10px 14px; margin: 12px 0; font-weight: bold; }
.flag.ok { border-color: var(--ok); background: var(--ok-bg); }
.flag p { margin: 4px 0 0; font-weight: normal; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 12px 0; padding: 0; }
.headline div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.headline dt { font-size: 0.8rem; color: var(--muted); }
.headline dd { margin: 2px 0 0; font-size: 1.25rem; font-weight: bold; }
.headline dd small { display: block; font-size: 0.75rem; font-weight: normal; color: var(--muted); }
figure { margin: 16px 0; max-width: 100%; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85rem; margin-top: 4px; max-width: 78ch; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
.table-wrap { overflow-x: auto; }
pre { background: #f4f4f6; padding: 10px 12px; border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
code { font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 0.9em; }
.reading-shifted { color: #a33a00; font-weight: bold; }
.reading-watch { color: var(--warn); }
footer { margin-top: 48px; font-size: 0.8rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-before: page; border-top: none; margin-top: 0; }
  h2.first { break-before: auto; }
  h2, h3 { break-after: avoid; }
  figure, table, .flag, .headline div, tr { break-inside: avoid; }
  .charts { display: block; }
  figure svg { max-width: 100%; max-height: 235mm; width: auto; }
  .table-wrap { overflow: visible; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 5px 2px 0; }
  a { color: inherit; text-decoration: none; }
}
`;

interface Ctx {
  svgs: Map<string, string>;
  charts: Map<string, ChartSpec>;
  /** Charts a section has placed; the rest go to "More charts", so none is lost. */
  placed: Set<string>;
}

/**
 * Namespaces a chart's internal ids (clip paths, gradients) by its chart id, since every chart on
 * the page starts numbering at 1, and drops the namespace declarations, which inline SVG in HTML does
 * not need.
 */
function inlineSvg(chart: ChartSpec, svg: string): string {
  const prefix = `${chart.id}-`;
  return svg
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/\bhref="#([^"]+)"/g, (_, id: string) => `href="#${prefix}${id}"`)
    .replace(/^<svg\b/, `<svg role="img" aria-label="${e(chart.title)}" data-chart-id="${e(chart.id)}"`);
}

function figure(ctx: Ctx, id: string, caption: string): string {
  const chart = ctx.charts.get(id);
  const svg = ctx.svgs.get(id);
  if (!chart || svg === undefined) return '';
  ctx.placed.add(id);
  // The figure is as wide as its chart, so the caption wraps under it and two charts can share a row.
  const width = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1];
  const style = width === undefined ? '' : ` style="width: ${width}px"`;
  return `<figure class="chart" id="chart-${e(id)}" data-chart-id="${e(id)}"${style}>${inlineSvg(chart, svg)}<figcaption><strong>${e(chart.title)}.</strong> ${e(caption)}</figcaption></figure>`;
}

function table(captionText: string, head: string[], rows: (string | number)[][], textColumns: number[] = [0]): string {
  if (rows.length === 0) return '';
  const cls = (i: number): string => (textColumns.includes(i) ? ' class="text"' : '');
  return (
    `<div class="table-wrap"><table><caption>${e(captionText)}</caption><thead><tr>${head.map((h, i) => `<th scope="col"${cls(i)}>${e(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${e(c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table></div>'
  );
}

const readingCell = (reading: string | null): string => reading ?? 'n/a';

function summary(report: ModelReport): string {
  const d = report.discrimination;
  const c = report.calibration;
  const s = report.stability;
  const operating = report.decisions.find((x) => x.label === 'operating') ?? null;
  const monitoringDrift = report.monitoring?.drift ?? false;
  const parts: string[] = ['<h2 class="first" id="summary">Summary</h2>'];
  if ((s?.drift ?? false) || monitoringDrift) {
    const worst = s?.features[0];
    const reasons: string[] = [];
    if (s !== null && isNumber(s.score.psi)) reasons.push(`the score's PSI is ${num(s.score.psi)} (${s.score.reading})`);
    if (worst && isNumber(worst.psi)) reasons.push(`the most shifted feature, ${worst.feature}, has PSI ${num(worst.psi)} (${worst.reading})`);
    const latest = report.monitoring?.latest;
    if (monitoringDrift && latest) reasons.push(`the latest monitoring window (${latest.windowFrom} to ${latest.windowTo}) is flagged`);
    parts.push(
      `<div class="flag" role="alert" id="drift-flag">Drift: the population has moved away from the one the model was built on.<p>${e(
        reasons.join('; '),
      )}. Above ${PSI_ACT} the model's figures on this window may not hold; look at the stability section before relying on it.</p></div>`,
    );
  } else if (s !== null) {
    parts.push(`<div class="flag ok" id="drift-flag">No drift: the score and every feature have PSI at or below ${PSI_ACT}.</div>`);
  } else {
    parts.push('<div class="flag ok" id="drift-flag">Stability not measured: the model carries no reference population.</div>');
  }
  const cells: [string, string, string][] = [
    ['AUC', num(d.auc), d.aucInterval ? `95 % CI ${num(d.aucInterval.low)}–${num(d.aucInterval.high)}` : ''],
    ['Gini', num(d.gini), d.giniInterval ? `95 % CI ${num(d.giniInterval.low)}–${num(d.giniInterval.high)}` : ''],
    ['KS', num(d.ks), isNumber(d.ksThreshold) ? `at probability ${num(d.ksThreshold)}` : ''],
    ['Brier score', num(c.brier, 4), 'lower is better'],
    ['Expected calibration error', num(c.ece, 4), 'lower is better'],
    ['Log loss', num(c.logLoss, 4), ''],
    ['Rows evaluated', int(report.evaluation.rowsUsed), `${int(report.evaluation.positives)} in arrears (${pct(report.evaluation.rows > 0 ? report.evaluation.positives / report.evaluation.rows : null)})`],
    ['Flagged at the operating threshold', pct(operating?.flaggedRate), `probability ≥ ${num(report.evaluation.operatingThreshold)}`],
    ['Score PSI', s === null ? 'n/a' : num(s.score.psi), s?.score.reading ?? 'no reference'],
  ];
  parts.push(`<dl class="headline">${cells.map(([k, v, sub]) => `<div><dt>${e(k)}</dt><dd>${e(v)}${sub ? `<small>${e(sub)}</small>` : ''}</dd></div>`).join('')}</dl>`);
  parts.push(
    `<p>${e(report.modelCard.intendedUse)} <strong>A person decides; the score is never an automated refusal.</strong></p>` +
      `<p class="muted">Evaluated on: ${e(report.evaluation.description)}, as-of dates ${e(report.evaluation.window.from ?? 'undated')} to ${e(report.evaluation.window.to ?? 'undated')}` +
      `${report.evaluation.rowsUsed < report.evaluation.rows ? `, a seeded sample of ${int(report.evaluation.rowsUsed)} of ${int(report.evaluation.rows)} rows` : ''}.</p>`,
  );
  return parts.join('\n');
}

function discrimination(report: ModelReport, ctx: Ctx): string {
  const d = report.discrimination;
  return [
    '<h2 id="discrimination">Discrimination: does the model rank arrears above the rest?</h2>',
    `<p>AUC ${e(num(d.auc))}${e(ci(d.aucInterval))}: the chance that a debtor who fell into arrears scored higher than one who did not. Gini ${e(num(d.gini))}${e(ci(d.giniInterval))}. KS ${e(num(d.ks))}: the largest gap between the two groups' score distributions.</p>`,
    '<div class="charts">',
    figure(ctx, 'roc', 'Each point is a threshold: how many arrears it catches against how many others it flags. The dashed diagonal is a coin toss.'),
    figure(ctx, 'cumulative-gain', 'How many of all arrears are among the riskiest rows. The dashed diagonal is a random order.'),
    '</div><div class="charts">',
    figure(ctx, 'lift', 'How much more often the rows in each decile fell into arrears than rows on average (1 = average).'),
    figure(ctx, 'score-distribution', 'Where the predicted probabilities of each outcome fall, as shares within that outcome. Less overlap means better separation.'),
    '</div>',
    table(
      'Deciles by predicted risk (1 = riskiest 10 %)',
      ['Decile', 'Rows', 'Arrears', 'Probability range', 'Mean predicted', 'Observed rate', 'Lift', 'Cumulative gain'],
      d.deciles.map((x) => [x.decile, int(x.rows), int(x.positives), `${num(x.minProbability)}–${num(x.maxProbability)}`, num(x.meanProbability), pct(x.observedRate), num(x.lift, 2), pct(x.cumulativeGain)]),
    ),
  ].join('\n');
}

function calibration(report: ModelReport, ctx: Ctx): string {
  const c = report.calibration;
  return [
    '<h2 id="calibration">Calibration: are the probabilities right?</h2>',
    `<p>Brier score ${e(num(c.brier, 4))}, log loss ${e(num(c.logLoss, 4))}, expected calibration error ${e(num(c.ece, 4))}: on average the predicted probability is ${e(pct(c.ece))} away from the observed rate of its bin.</p>`,
    '<div class="charts">',
    figure(ctx, 'reliability', 'Points on the dashed diagonal are well calibrated: of the rows predicted at 20 %, 20 % fell into arrears. The bars below show how many rows each point rests on.'),
    figure(ctx, 'bands', 'Per risk band: the mean predicted probability, the observed arrears rate on this window and the rate observed at training.'),
    '</div>',
    table(
      'Reliability bins',
      ['Probability bin', 'Rows', 'Mean predicted', 'Observed rate'],
      c.reliability.map((b) => [`${num(b.binStart, 1)}–${num(b.binEnd, 1)}`, int(b.rows), num(b.meanPredicted), pct(b.observedRate)]),
    ),
    table(
      'Risk bands',
      ['Band', 'Probability range', 'Rows', 'Mean predicted', 'Observed rate', 'Observed at training'],
      c.bands.map((b) => [b.band.replace('_', ' '), `${num(b.minProbability, 2)}–${num(b.maxProbability, 2)}`, int(b.rows), pct(b.meanPredicted), pct(b.observedRate), pct(b.trainingObservedRate)]),
    ),
  ].join('\n');
}

function decisions(report: ModelReport, ctx: Ctx): string {
  return [
    '<h2 id="decisions">Decisions: what happens at the threshold?</h2>',
    `<p>A row is flagged for early help when its probability is at least the threshold. The operating threshold is ${e(num(report.evaluation.operatingThreshold))}; the other rows show the edges of the risk bands.</p>`,
    figure(ctx, 'confusion-rates', 'Recall is the share of arrears that are flagged; the false positive rate is the share of debtors without arrears who are flagged anyway; precision is the share of flagged debtors who did fall into arrears.'),
    table(
      'Confusion matrix and rates',
      ['Threshold', 'Flag when ≥', 'Flagged, arrears (TP)', 'Flagged, no arrears (FP)', 'Not flagged, no arrears (TN)', 'Not flagged, arrears (FN)', 'Share flagged', 'Precision', 'Recall', 'False positive rate', 'Specificity'],
      report.decisions.map((x) => [x.label.replace('_', ' '), num(x.threshold), int(x.truePositives), int(x.falsePositives), int(x.trueNegatives), int(x.falseNegatives), pct(x.flaggedRate), pct(x.precision), pct(x.recall), pct(x.falsePositiveRate), pct(x.specificity)]),
    ),
  ].join('\n');
}

function stability(report: ModelReport, ctx: Ctx): string {
  const s = report.stability;
  const parts = ['<h2 id="stability">Stability: has the population moved?</h2>'];
  if (s === null) {
    parts.push('<p>Not measured: this model carries no profile of the population it was trained on, so there is nothing to compare the window with. Retrain it with the current version to add one.</p>');
    return parts.join('\n');
  }
  parts.push(
    `<p>Compared with: ${e(s.reference)}. The population stability index (PSI) reads below ${PSI_WATCH} as stable, ${PSI_WATCH} to ${PSI_ACT} as a shift worth watching, and above ${PSI_ACT} as a shift that calls for a look at the model. ` +
      `Score PSI ${e(num(s.score.psi))} (${e(readingCell(s.score.reading))}).</p>`,
    '<div class="charts">',
    figure(ctx, 'score-psi', 'Bins are cut at the deciles of the reference population, so there each holds about 10 % of rows; differences in the window show where the scores moved.'),
    figure(ctx, 'feature-psi', `Dashed lines at ${PSI_WATCH} and ${PSI_ACT}.`),
    '</div>',
    table(
      'Feature stability and characteristic analysis',
      ['Feature', 'PSI', 'Reading', 'Shift of the mean score (characteristic analysis)'],
      s.features.map((f) => [f.feature, num(f.psi), readingCell(f.reading), signed(f.characteristicShift, 4)]),
    ),
  );
  for (const f of s.features.filter((x) => x.reading === 'shifted' || x.reading === 'watch')) {
    parts.push(
      table(
        `${f.feature}: reference against window per bin`,
        ['Bin', 'Reference share', 'Window share', 'Arrears rate, reference', 'Arrears rate, window', 'Mean contribution'],
        f.bins.map((b) => [b.label, pct(b.referenceShare), pct(b.windowShare), pct(b.referenceObservedRate), pct(b.windowObservedRate), signed(b.meanContribution, 4)]),
      ),
    );
  }
  return parts.join('\n');
}

function explanation(report: ModelReport, ctx: Ctx): string {
  const x = report.explanation;
  const unit = x.outputSpace === 'log-odds' ? 'log-odds' : 'probability';
  const parts = [
    '<h2 id="explanation">Explanation: what drives the score?</h2>',
    `<p>Each row's score is split into one contribution per feature (TreeSHAP for tree models, coefficient × centred weight of evidence for a scorecard), in ${e(unit)}, on ${e(int(x.rowsExplained))} rows. A feature's importance is its mean absolute contribution.</p>`,
    figure(ctx, 'importance', 'Features at the top move scores the most, in either direction.'),
    table('Global importance', ['Feature', `Mean |contribution| (${unit})`, 'Share'], x.importance.map((i) => [i.feature, num(i.meanAbsContribution, 4), pct(i.share)])),
  ];
  const dependence = [...ctx.charts.keys()].filter((id) => id.startsWith('dependence-'));
  if (dependence.length > 0) {
    parts.push('<h3>Dependence: how each top feature moves the score</h3><div class="charts">');
    for (const id of dependence) parts.push(figure(ctx, id, 'One point per row: the feature\'s value against its contribution. Above zero raises the risk, below lowers it.'));
    parts.push('</div>');
  }
  if (x.scorecard !== null && x.scorecard.length > 0) {
    parts.push('<h3>Scorecard: weight of evidence and information value</h3>');
    parts.push(figure(ctx, 'scorecard-iv', 'Information value reads below 0.02 as not predictive, 0.02–0.1 weak, 0.1–0.3 medium, above 0.3 strong (dashed lines).'));
    for (const f of x.scorecard) {
      parts.push(
        table(
          `${f.feature} (information value ${num(f.informationValue)})`,
          ['Bin', 'Weight of evidence', 'Points', 'Rows', 'Arrears rate'],
          f.bins.map((b) => [b.label, num(b.woe), b.points === null ? 'n/a' : String(b.points), b.rows === null ? 'n/a' : int(b.rows), pct(b.eventRate)]),
        ),
      );
    }
  }
  return parts.join('\n');
}

function fairness(report: ModelReport, ctx: Ctx): string {
  const f = report.fairness;
  const parts = [
    '<h2 id="fairness">Fairness and segments: does it work equally well for everyone?</h2>',
    '<p>Every measure per group, and the largest gaps between groups with enough rows to compare. A gap is not by itself unfair (arrears rates differ between groups), but a gap in calibration or in the false positive rate means one group is flagged more often for the same risk, and needs an explanation.</p>',
  ];
  if (f.notSupplied.length > 0) parts.push(`<p class="note">Not supplied, so not checked: ${e(f.notSupplied.map((s) => s.replace(/_/g, ' ')).join(', '))}.</p>`);
  const used = new Set<string>();
  for (const segment of f.segments) {
    const name = segment.segment.replace(/_/g, ' ');
    parts.push(`<h3>By ${e(name)}</h3>`);
    if (segment.statements.length > 0) parts.push(`<ul class="statements">${segment.statements.map((s) => `<li>${e(s)}</li>`).join('')}</ul>`);
    else parts.push('<p class="note">Fewer than two groups with enough rows: no gaps stated.</p>');
    // The same id chartSpecs gives this segment's chart (ids are deduplicated in segment order).
    let chartId = `fairness-${chartIdPart(segment.segment)}`;
    for (let n = 2; used.has(chartId); n++) chartId = `fairness-${chartIdPart(segment.segment)}-${n}`;
    used.add(chartId);
    parts.push(figure(ctx, chartId, 'Per group (rows in brackets): AUC, the share flagged at the operating threshold and the false positive rate.'));
    parts.push(
      table(
        `Metrics by ${name}`,
        ['Group', 'Rows', 'Arrears', 'Mean predicted', 'Observed rate', 'AUC', 'Brier', 'ECE', 'Share flagged', 'False positive rate', 'True positive rate'],
        segment.groups.map((g) => [g.value, int(g.rows), int(g.positives), pct(g.meanPredicted), pct(g.observedRate), num(g.auc), num(g.brier, 4), num(g.ece, 4), pct(g.flaggedRate), pct(g.falsePositiveRate), pct(g.truePositiveRate)]),
      ),
    );
    const gaps = segment.gaps;
    parts.push(`<p class="muted">Largest gaps: AUC ${e(num(gaps.auc))}, share flagged ${e(points(gaps.flaggedRate))}, false positive rate ${e(points(gaps.falsePositiveRate))}, true positive rate ${e(points(gaps.truePositiveRate))}, calibration (predicted against observed) ${e(points(gaps.calibrationGap))}.</p>`);
  }
  return parts.join('\n');
}

function comparison(report: ModelReport, ctx: Ctx): string {
  const c = report.comparison;
  const parts = ['<h2 id="comparison">Champion against challenger</h2>'];
  if (c === null) {
    parts.push('<p>No challenger was compared on this window.</p>');
    return parts.join('\n');
  }
  const name = (side: typeof c.champion): string => `${side.modelId}${side.version === null ? '' : ` v${side.version}`}`;
  const better = isNumber(c.difference.auc) ? (c.difference.auc > 0 ? 'the challenger ranks better' : c.difference.auc < 0 ? 'the champion ranks better' : 'they rank equally') : 'no AUC difference could be computed';
  const significant = c.aucDifferenceInterval !== null && (c.aucDifferenceInterval.low > 0 || c.aucDifferenceInterval.high < 0);
  parts.push(
    `<p>Both scored on the same ${e(int(c.rows))} rows. AUC difference (challenger − champion) ${e(signed(c.difference.auc))}${e(ci(c.aucDifferenceInterval))}: ${e(better)}${c.aucDifferenceInterval === null ? '' : significant ? ', and the interval excludes zero' : ', but the interval includes zero, so the difference may be chance'}.</p>`,
    figure(ctx, 'comparison', 'Higher is better for AUC, Gini and KS; lower is better for Brier and ECE.'),
    table(
      'Side by side',
      ['Measure', `Champion: ${name(c.champion)}`, `Challenger: ${name(c.challenger)}`, 'Difference'],
      [
        ['AUC', num(c.champion.auc), num(c.challenger.auc), signed(c.difference.auc)],
        ['Gini', num(c.champion.gini), num(c.challenger.gini), ''],
        ['KS', num(c.champion.ks), num(c.challenger.ks), signed(c.difference.ks)],
        ['Brier score', num(c.champion.brier, 4), num(c.challenger.brier, 4), signed(c.difference.brier, 4)],
        ['Expected calibration error', num(c.champion.ece, 4), num(c.challenger.ece, 4), signed(c.difference.ece, 4)],
        ['Log loss', num(c.champion.logLoss, 4), num(c.challenger.logLoss, 4), ''],
      ],
    ),
  );
  return parts.join('\n');
}

function monitoring(report: ModelReport, ctx: Ctx): string {
  const m = report.monitoring;
  const parts = ['<h2 id="monitoring">Monitoring over time</h2>'];
  if (m === null) {
    parts.push('<p>No monitoring run has read this model version yet.</p>');
    return parts.join('\n');
  }
  const l = m.latest;
  parts.push(
    l === null
      ? '<p>No monitoring point yet.</p>'
      : `<p>${m.drift ? '<strong>Drift flagged.</strong> ' : ''}Latest window ${e(l.windowFrom)} to ${e(l.windowTo)} (computed ${e(l.computedAt)}): ${e(int(l.rows))} scores, score PSI ${e(num(l.scorePsi))}, largest feature PSI ${e(num(l.maxFeaturePsi))}${l.maxFeature ? ` (${e(l.maxFeature)})` : ''}; ${e(int(l.rowsWithOutcome))} with a matured outcome, AUC ${e(num(l.auc))}, Brier ${e(num(l.brier, 4))}, ECE ${e(num(l.ece, 4))}.</p>`,
  );
  parts.push(figure(ctx, 'monitoring', `Score PSI and the largest feature PSI per window, with the watch (${PSI_WATCH}) and drift (${PSI_ACT}) rules; below, the AUC once outcomes have matured.`));
  parts.push(
    table(
      'Monitoring points, oldest first',
      ['Window', 'Rows', 'Score PSI', 'Largest feature PSI', 'Feature', 'With outcome', 'AUC', 'Brier', 'ECE', 'Drift'],
      (m.points ?? []).map((p) => [`${p.windowFrom} to ${p.windowTo}`, int(p.rows), num(p.scorePsi), num(p.maxFeaturePsi), p.maxFeature ?? '', int(p.rowsWithOutcome), num(p.auc), num(p.brier, 4), num(p.ece, 4), p.drift ? 'yes' : 'no']),
      [0, 4, 9],
    ),
  );
  return parts.join('\n');
}

function modelCard(report: ModelReport): string {
  const card = report.modelCard;
  const m = report.model;
  return [
    '<h2 id="model-card">Model card</h2>',
    '<h3>Intended use</h3>',
    `<p>${e(card.intendedUse)}</p>`,
    '<h3>Not intended for</h3>',
    `<p>${e(card.notIntendedFor)}</p>`,
    '<h3>Data and window</h3>',
    `<p>${e(card.data)}</p>`,
    '<h3>Features</h3>',
    `<p>${e(card.features)}</p>`,
    '<h3>Limitations</h3>',
    card.limitations.length > 0 ? `<ul>${card.limitations.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : '<p>None stated.</p>',
    '<h3>Legal context</h3>',
    `<p>${e(card.legalContext)}</p>`,
    '<h3>How to reproduce this model</h3>',
    `<pre><code>${e(card.reproduce)}</code></pre>`,
    table(
      'Version and provenance',
      ['Field', 'Value'],
      [
        ['Model id', m.modelId],
        ['Version', m.version === null ? 'trained from files' : String(m.version)],
        ['Learner', m.learner],
        ['Feature set', m.featureSet],
        ['Feature catalogue', m.catalogueVersion ?? 'none (feature table)'],
        ['Horizon', `${m.horizonDays} days`],
        ['Training window', `${m.trainingWindow.from ?? 'undated'} to ${m.trainingWindow.to ?? 'undated'}`],
        ['Training-table fingerprint (sha256)', m.fingerprint],
        ['Code version', m.codeVersion],
        ['Report seed', String(report.seed)],
      ],
      [0, 1],
    ),
  ].join('\n');
}

const SECTIONS: [string, string][] = [
  ['summary', 'Summary'],
  ['discrimination', 'Discrimination'],
  ['calibration', 'Calibration'],
  ['decisions', 'Decisions'],
  ['stability', 'Stability'],
  ['explanation', 'Explanation'],
  ['fairness', 'Fairness and segments'],
  ['comparison', 'Champion and challenger'],
  ['monitoring', 'Monitoring'],
  ['model-card', 'Model card'],
];

/**
 * The report's charts: report.charts (which analysts may have restyled) when present, otherwise the
 * default specs built from the report.
 */
function reportCharts(report: ModelReport): ChartSpec[] {
  return report.charts.length > 0 ? report.charts : chartSpecs(report);
}

/** One self-contained HTML page for the report (see the module comment). */
export async function renderModelReportHtml(report: ModelReport): Promise<string> {
  const list = reportCharts(report);
  const ctx: Ctx = { svgs: new Map(), charts: new Map(list.map((c) => [c.id, c])), placed: new Set() };
  // One at a time: render-svg serialises anyway, and order keeps the output byte-identical.
  for (const chart of list) ctx.svgs.set(chart.id, await renderSvg(chart.spec));
  const m = report.model;
  const title = `Model report: ${m.modelId}${m.version === null ? '' : `, version ${m.version}`}`;
  const sections = [summary(report), discrimination(report, ctx), calibration(report, ctx), decisions(report, ctx), stability(report, ctx), explanation(report, ctx), fairness(report, ctx), comparison(report, ctx), monitoring(report, ctx), modelCard(report)];
  const unplaced = list.filter((c) => !ctx.placed.has(c.id));
  const body = [
    `<header><h1>${e(title)}</h1><p class="subtitle">${e(m.learner)} · feature set ${e(m.featureSet)} · horizon ${e(m.horizonDays)} days · evaluated ${e(report.evaluation.window.from ?? 'undated')} to ${e(report.evaluation.window.to ?? 'undated')}</p></header>`,
    `<nav aria-label="Contents"><strong>Contents</strong><ol>${SECTIONS.map(([id, label]) => `<li><a href="#${id}">${e(label)}</a></li>`).join('')}</ol></nav>`,
    `<main>`,
    ...sections.map((section) => `<section>${section}</section>`),
    unplaced.length > 0 ? `<section><h2 id="more-charts">More charts</h2>${unplaced.map((c) => figure(ctx, c.id, '')).join('\n')}</section>` : '',
    `</main>`,
    `<footer>${e(report.format)} format ${e(report.formatVersion)} · model fingerprint ${e(m.fingerprint)} · code ${e(m.codeVersion)} · seed ${e(report.seed)}. The same report is available as JSON, with every chart's Vega-Lite specification.</footer>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
