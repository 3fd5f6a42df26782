/**
 * The self-contained HTML report, read as text: every chart is there as inline SVG with marks, the
 * page cannot load anything (CSP, no external references), hostile strings from users' files stay
 * text, it prints, and it is byte-identical when rendered twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, renderModelReportHtml, REPORT_CSP } from '../../src/model-reports/report-html.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import { dataMarkCount, figuresById } from './html-inspect.js';
import { sampleReport } from './sample-report.js';

const HOSTILE_MODEL = 'evil<script>alert("model")</script>';
const HOSTILE_REGION = '"><img src=x onerror=alert(1)>';

/** Every start tag's name and attributes (values are quoted and escaped, so a value never holds a quote). */
function tags(html: string): { name: string; attributes: [string, string][] }[] {
  return [...html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>"']+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: [...m[2]!.matchAll(/\s+([^\s=>"']+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? ''] as [string, string]),
  }));
}

/** Every attribute value that names a resource, and every CSS url(). */
function references(html: string): string[] {
  const resourceAttributes = new Set(['src', 'href', 'xlink:href', 'action', 'formaction', 'srcset', 'poster', 'data', 'background', 'ping']);
  const attributes = tags(html).flatMap((t) => t.attributes.filter(([name]) => resourceAttributes.has(name)).map(([, value]) => value));
  const cssUrls = [...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]!);
  return [...attributes, ...cssUrls];
}

/** The first match of a pattern (undefined when none): small failure messages instead of a 1 MB page. */
const first = (html: string, pattern: RegExp): string | undefined => html.match(pattern)?.[0];

describe('renderModelReportHtml on a full report', () => {
  let report: ModelReport;
  let html: string;
  beforeAll(async () => {
    report = sampleReport();
    html = await renderModelReportHtml(report);
  });

  it('has every chart as one non-empty inline SVG with data marks and a caption', () => {
    const figures = figuresById(html);
    expect([...figures.keys()].sort()).toEqual(report.charts.map((c) => c.id).sort());
    for (const chart of report.charts) {
      const svg = figures.get(chart.id)!;
      expect(svg, chart.id).toMatch(/^<svg[^>]*\swidth="[1-9]\d*"[^>]*\sheight="[1-9]\d*"/);
      expect(dataMarkCount(svg), chart.id).toBeGreaterThan(0);
      const figureHtml = html.slice(html.indexOf(`id="chart-${chart.id}"`));
      expect(figureHtml.slice(0, figureHtml.indexOf('</figure>'))).toContain('<figcaption>');
      expect(html.split(`data-chart-id="${chart.id}"`).length - 1, chart.id).toBe(2); // the figure and its svg
    }
    // Each chart's clip paths are its own: ids unique across the page.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]!);
  });

  it('puts the summary first: headline numbers and the drift flag before any chart', () => {
    const summary = html.indexOf('id="summary"');
    const flag = html.indexOf('id="drift-flag"');
    const firstChart = html.indexOf('<figure');
    expect(summary).toBeGreaterThan(0);
    expect(flag).toBeGreaterThan(summary);
    expect(flag).toBeLessThan(firstChart);
    expect(report.stability!.drift).toBe(true);
    expect(html.slice(flag, firstChart)).toContain('Drift: the population has moved');
    expect(html.slice(summary, firstChart)).toContain(report.discrimination.auc!.toFixed(3));
    expect(html.slice(summary, firstChart)).toContain(report.calibration.brier!.toFixed(4));
    // Every section, in the committee's order.
    const order = ['summary', 'discrimination', 'calibration', 'decisions', 'stability', 'explanation', 'fairness', 'comparison', 'monitoring', 'model-card'].map((id) => html.search(new RegExp(`<h2[^>]*\\sid="${id}"`)));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('states the fairness gaps, the model card with its legal context and the reproduce command', () => {
    for (const segment of report.fairness.segments) for (const statement of segment.statements) expect(html.includes(escapeHtml(statement)), statement).toBe(true);
    expect(html.includes('Not supplied, so not checked: age band'), 'Not supplied, so not checked: age band').toBe(true);
    expect(html.includes('GDPR art. 22'), 'GDPR art. 22').toBe(true);
    expect(html.includes(`<pre><code>${escapeHtml(report.modelCard.reproduce)}</code></pre>`)).toBe(true);
  });

  it('cannot reach the network: strict CSP, no scripts, no external references', () => {
    expect(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`), `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`).toBe(true);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    // The CSP comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style'));
    expect(first(html, /<(script|link|iframe|img|object|embed|base|form|meta http-equiv="refresh")\b/i)).toBeUndefined();
    expect(first(html, /@import/i)).toBeUndefined();
    for (const ref of references(html)) expect(ref, ref).toMatch(/^#|^data:/);
    // A URL may appear only as text, never inside a tag.
    expect(tags(html).flatMap((t) => t.attributes.filter(([, value]) => /https?:\/\//.test(value)))).toEqual([]);
  });

  it('reads well when printed: print and page rules, no chart split across pages', () => {
    const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(css).toContain('@media print');
    expect(css).toContain('@page');
    const print = css.slice(css.indexOf('@media print'));
    expect(print).toMatch(/figure[^{]*\{[^}]*break-inside:\s*avoid/);
    expect(print).toMatch(/svg[^{]*\{[^}]*max-width:\s*100%/);
  });

  it('is byte-identical when rendered again', async () => {
    expect(await renderModelReportHtml(report)).toBe(html);
  });
});

describe('renderModelReportHtml with hostile strings', () => {
  it('escapes a model id and a segment value everywhere, in text, attributes and charts', async () => {
    const report = sampleReport({ modelId: HOSTILE_MODEL, regionValue: HOSTILE_REGION });
    const html = await renderModelReportHtml(report);
    expect(first(html, /<script/i)).toBeUndefined();
    expect(first(html, /<img/i)).toBeUndefined();
    // Only the tags the renderer writes, and none carries an event handler.
    const parsed = tags(html);
    expect([...new Set(parsed.map((t) => t.name))].filter((n) => !['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'nav', 'strong', 'ol', 'ul', 'li', 'a', 'main', 'section', 'div', 'dl', 'dt', 'dd', 'small', 'figure', 'figcaption', 'svg', 'g', 'path', 'rect', 'line', 'text', 'defs', 'clippath', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'pre', 'code', 'footer'].includes(n))).toEqual([]);
    expect(parsed.flatMap((t) => t.attributes.filter(([name]) => name.startsWith('on')))).toEqual([]);
    expect(html.includes('evil&lt;script&gt;alert(&quot;model&quot;)&lt;/script&gt;')).toBe(true);
    expect(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')).toBe(true);
    // The hostile value still shows in the fairness chart (as text).
    const region = figuresById(html).get('fairness-region')!;
    expect(region.includes('&gt;&lt;img src=x onerror=alert(1)&gt;')).toBe(true);
  });
});

describe('renderModelReportHtml on a report with sections absent', () => {
  it('says what is missing instead of drawing empty charts', async () => {
    const full = sampleReport();
    const bare: ModelReport = { ...full, stability: null, comparison: null, monitoring: null, explanation: { ...full.explanation, scorecard: null }, charts: [] };
    const html = await renderModelReportHtml(bare);
    const ids = [...figuresById(html).keys()];
    for (const absent of ['score-psi', 'feature-psi', 'comparison', 'monitoring', 'scorecard-iv']) expect(ids).not.toContain(absent);
    expect(ids).toContain('roc');
    expect(html.includes('Stability not measured'), 'Stability not measured').toBe(true);
    expect(html.includes('No challenger was compared on this window.'), 'No challenger was compared on this window.').toBe(true);
    expect(html.includes('No monitoring run has read this model version yet.'), 'No monitoring run has read this model version yet.').toBe(true);
    for (const svg of figuresById(html).values()) expect(dataMarkCount(svg)).toBeGreaterThan(0);
  });

  it('places a chart it does not know under "More charts" rather than dropping it', async () => {
    const full = sampleReport();
    const extra = { id: 'analyst-extra', title: 'An analyst\'s chart', spec: { data: { values: [{ a: 1, b: 2 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'ordinal' }, y: { field: 'b', type: 'quantitative' } } } };
    const html = await renderModelReportHtml({ ...full, charts: [...full.charts, extra] });
    expect(html.indexOf('id="chart-analyst-extra"')).toBeGreaterThan(html.indexOf('id="more-charts"'));
  });
});
