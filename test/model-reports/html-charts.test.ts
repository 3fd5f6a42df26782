/**
 * The report's charts: which exist for which data, that their inlined data is the report's, and that
 * the server-side SVG renderer refuses anything that would reach the network, measures text sensibly
 * and gives the same bytes every time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chartIdPart, chartSpecs } from '../../src/model-reports/charts.js';
import { PSI_ACT, PSI_WATCH } from '../../src/model-reports/population-stability.js';
import { renderSvg, roundGeometry, textWidth, UnsafeChartSpecError } from '../../src/model-reports/render-svg.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import { sampleReport } from './sample-report.js';

const report = sampleReport();

type Layer = { data?: { values?: Record<string, unknown>[] }; mark?: unknown; encoding?: Record<string, { field?: string }> };
const layers = (spec: Record<string, unknown>): Layer[] => {
  const out: Layer[] = [];
  const walk = (node: Record<string, unknown>): void => {
    out.push(node as Layer);
    for (const key of ['layer', 'vconcat', 'hconcat'] as const) for (const child of (node[key] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(spec);
  return out;
};

describe('chartSpecs', () => {
  it('draws every section of a full report, with stable, unique ids', () => {
    const ids = report.charts.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['roc', 'lift', 'cumulative-gain', 'score-distribution', 'reliability', 'bands', 'confusion-rates', 'score-psi', 'feature-psi', 'importance', 'scorecard-iv', 'comparison', 'monitoring']) expect(ids).toContain(id);
    for (const d of report.explanation.dependence) expect(ids).toContain(`dependence-${chartIdPart(d.feature)}`);
    for (const s of report.fairness.segments) expect(ids).toContain(`fairness-${chartIdPart(s.segment)}`);
    // Same report, same specs: ids and data do not depend on anything but the report.
    expect(JSON.stringify(chartSpecs(report))).toBe(JSON.stringify(report.charts));
  });

  it('leaves out the charts whose data is absent', () => {
    const bare: ModelReport = { ...report, stability: null, comparison: null, monitoring: null, explanation: { ...report.explanation, scorecard: null, dependence: [] }, fairness: { segments: [], notSupplied: ['age_band'] } };
    const ids = chartSpecs(bare).map((c) => c.id);
    expect(ids).toEqual(['roc', 'lift', 'cumulative-gain', 'score-distribution', 'reliability', 'bands', 'confusion-rates', 'importance']);
    // Monitoring without points (latest only) has no time series to draw.
    expect(chartSpecs({ ...report, monitoring: { latest: report.monitoring!.latest, drift: true } }).map((c) => c.id)).not.toContain('monitoring');
  });

  it('inlines the report\'s own numbers: ROC points, PSI per feature with the 0.1 / 0.25 rules, importance', () => {
    const byId = new Map(report.charts.map((c) => [c.id, c.spec]));
    const roc = layers(byId.get('roc')!).find((l) => l.encoding?.x?.field === 'falsePositiveRate')!;
    expect(roc.data!.values!.length).toBe(report.discrimination.roc.length);
    roc.data!.values!.forEach((v, i) => {
      expect(v.falsePositiveRate).toBeCloseTo(report.discrimination.roc[i]!.falsePositiveRate, 6);
      expect(v.truePositiveRate).toBeCloseTo(report.discrimination.roc[i]!.truePositiveRate, 6);
    });
    const psiLayers = layers(byId.get('feature-psi')!);
    const bars = psiLayers.find((l) => l.encoding?.x?.field === 'psi')!.data!.values!;
    expect(bars.map((b) => b.feature)).toEqual(report.stability!.features.map((f) => f.feature));
    bars.forEach((b, i) => expect(b.psi).toBeCloseTo(report.stability!.features[i]!.psi!, 6));
    const rules = psiLayers.find((l) => (l.mark as { type?: string } | undefined)?.type === 'rule')!.data!.values!.map((v) => v.x);
    expect(rules).toEqual([PSI_WATCH, PSI_ACT]);
    const importance = layers(byId.get('importance')!)[0]!.data!.values!;
    expect(importance.map((v) => v.feature)).toEqual(report.explanation.importance.map((i) => i.feature));
    // Every chart's data is inlined: no spec names a URL to load.
    for (const c of report.charts) expect(JSON.stringify(c.spec)).not.toMatch(/"url"\s*:/);
  });

  it('turns any feature or segment name into an id of lower-case letters, digits and dashes', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(chartIdPart(name)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$|^x$/);
      }),
    );
  });
});

describe('renderSvg', () => {
  const bar = (values: Record<string, unknown>[]): Record<string, unknown> => ({ data: { values }, mark: 'bar', encoding: { y: { field: 'f', type: 'nominal' }, x: { field: 'v', type: 'quantitative' } } });

  it('renders an SVG with data marks and the full text of labels that fit', async () => {
    const svg = await renderSvg(bar([{ f: 'balance_to_income_ratio', v: 1 }, { f: 'income_stability', v: 2 }]));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/class="mark-rect role-mark/);
    // With vega's 0.8 em guess this label (23 characters, 10 px) would be cut at the 180 px limit.
    expect(svg).toContain('>balance_to_income_ratio</text>');
  });

  it('refuses specs that would load anything: data URLs, image marks, links', async () => {
    await expect(renderSvg({ data: { url: 'https://example.org/data.json' }, mark: 'bar' })).rejects.toBeInstanceOf(UnsafeChartSpecError);
    await expect(renderSvg({ layer: [{ data: { url: 'data/cars.json' }, mark: 'point' }] })).rejects.toBeInstanceOf(UnsafeChartSpecError);
    await expect(renderSvg({ data: { values: [{ u: 'x.png' }] }, mark: 'image', encoding: { url: { field: 'u' } } })).rejects.toBeInstanceOf(UnsafeChartSpecError);
    await expect(renderSvg({ data: { values: [{ u: 'https://example.org' }] }, mark: 'point', encoding: { href: { field: 'u' } } })).rejects.toBeInstanceOf(UnsafeChartSpecError);
    // A refused spec does not block the next render.
    await expect(renderSvg(bar([{ f: 'a', v: 1 }]))).resolves.toMatch(/^<svg/);
  });

  it('gives the same bytes for the same spec, whatever was rendered before', async () => {
    const spec = report.charts.find((c) => c.id === 'reliability')!.spec;
    const first = await renderSvg(spec);
    await renderSvg(report.charts.find((c) => c.id === 'monitoring')!.spec);
    const [second, third] = await Promise.all([renderSvg(spec), renderSvg(spec)]);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('rounds geometry to 1/100 px and leaves text alone', () => {
    const svg = '<g transform="translate(84,116.22631999999999)"><path d="M0.4371,-2.7391L3.5,1"/><text x="1.23456">0.075–0.095</text></g>';
    expect(roundGeometry(svg)).toBe('<g transform="translate(84,116.23)"><path d="M0.44,-2.74L3.5,1"/><text x="1.23">0.075–0.095</text></g>');
  });

  it('measures text like Arial: digits share one width, narrow letters are narrow, bold is wider', () => {
    const digit = textWidth('0', 10);
    for (const d of '123456789') expect(textWidth(d, 10)).toBe(digit);
    expect(textWidth('iiii', 10)).toBeLessThan(textWidth('MMMM', 10) / 2);
    expect(textWidth('Arrears rate', 12, true)).toBeGreaterThan(textWidth('Arrears rate', 12));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 40 }), (a, b, size) => {
        // Width adds up over concatenation and scales with the font size.
        expect(textWidth(a + b, size)).toBeCloseTo(textWidth(a, size) + textWidth(b, size), 6);
        expect(textWidth(a, 2 * size)).toBeCloseTo(2 * textWidth(a, size), 6);
      }),
    );
  });
});
