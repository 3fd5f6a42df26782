/**
 * The HTML report as a person sees it: opened in Debian's Chromium (playwright-core drives the
 * installed browser, nothing is downloaded), every chart drawn with a nonzero size and visible marks,
 * no console errors (a CSP violation would be one), no request leaving the page, and nothing cut off
 * when printed on A4. Saves a full-page screenshot and a print PDF to test-output/ as artefacts.
 *
 * Runs once per CI: the suite runs twice (PGlite, then PostgreSQL with TEST_DATABASE_URL) and this
 * test has no database in it, so the second run skips it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildModelReport } from '../../src/model-reports/build-report.js';
import { chartSpecs } from '../../src/model-reports/charts.js';
import { readEvaluationFile } from '../../src/model-reports/evaluation-csv.js';
import { renderModelReportHtml } from '../../src/model-reports/report-html.js';
import { readModelDirectory } from '../../src/risk-models/risk-model-bundle.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import { sampleReport } from './sample-report.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve('test-output');
const hasChromium = existsSync(CHROMIUM);
const secondRun = Boolean(process.env.TEST_DATABASE_URL);

if (!hasChromium) console.warn(`browser test skipped: ${CHROMIUM} not found; install Debian's chromium (apt-get install chromium)`);
else if (secondRun) console.warn('browser test skipped on the PostgreSQL run: it has no database and already ran on the PGlite run');

interface Watch {
  requests: string[];
  errors: string[];
  dialogs: string[];
}

async function open(browser: Browser, html: string, watch: Watch, viewport = { width: 1200, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('request', (request) => watch.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watch.errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.errors.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/** The few DOM types the in-page functions use: the project compiles without lib.dom (casts vanish when the function is sent to the page). */
interface DomBox {
  top: number;
  right: number;
  width: number;
  height: number;
}
interface DomElement {
  getBoundingClientRect(): DomBox;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  textContent: string | null;
  caption?: DomElement | null;
}
interface DomWindow {
  document: DomElement & { documentElement: { clientWidth: number } };
  getComputedStyle(element: DomElement): { display: string };
}

interface ChartBox {
  id: string;
  width: number;
  height: number;
  right: number;
  marks: number;
  visibleMarks: number;
}

/** Each figure's svg: its box, and its data marks (not axes) with a nonzero drawn box. */
function measureCharts(page: Page): Promise<ChartBox[]> {
  return page.evaluate(() =>
    [...(globalThis as unknown as DomWindow).document.querySelectorAll('figure.chart')].map((figure) => {
      const svg = figure.querySelector('svg')!;
      const box = svg.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('g.role-mark > path, g.role-mark > line')];
      const visibleMarks = marks.filter((mark) => {
        const b = mark.getBoundingClientRect();
        return b.width > 0 || b.height > 0;
      }).length;
      return { id: figure.getAttribute('data-chart-id') ?? '', width: box.width, height: box.height, right: box.right, marks: marks.length, visibleMarks };
    }),
  );
}

describe.skipIf(!hasChromium || secondRun)('model report in Chromium', () => {
  let browser: Browser;
  let report: ModelReport;
  let html: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    report = sampleReport();
    html = await renderModelReportHtml(report);
    await mkdir(path.join(OUT, 'screenshots'), { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart with a nonzero size and visible marks, makes no request and logs no error', async () => {
    const watch: Watch = { requests: [], errors: [], dialogs: [] };
    const page = await open(browser, html, watch);
    const charts = await measureCharts(page);
    expect(charts.map((c) => c.id).sort()).toEqual(report.charts.map((c) => c.id).sort());
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(100);
      expect(chart.height, chart.id).toBeGreaterThan(100);
      expect(chart.visibleMarks, chart.id).toBeGreaterThan(0);
    }
    // The drift flag is the first thing after the headline (above the first chart).
    const flagTop = await page.locator('#drift-flag').evaluate((el) => el.getBoundingClientRect().top);
    const firstChartTop = await page.locator('figure.chart').first().evaluate((el) => el.getBoundingClientRect().top);
    expect(flagTop).toBeLessThan(firstChartTop);
    await page.screenshot({ path: path.join(OUT, 'screenshots', 'model-report.png'), fullPage: true });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('prints on A4 without cutting a chart: every chart fits the page width', async () => {
    const watch: Watch = { requests: [], errors: [], dialogs: [] };
    // A4 at 96 dpi is 794 px wide; less the 12 mm margins each side, about 703 px of content.
    const page = await open(browser, html, watch, { width: 703, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const pageWidth = await page.evaluate(() => (globalThis as unknown as DomWindow).document.documentElement.clientWidth);
    for (const chart of await measureCharts(page)) {
      expect(chart.right, chart.id).toBeLessThanOrEqual(pageWidth + 0.5);
      expect(chart.visibleMarks, chart.id).toBeGreaterThan(0);
    }
    // Tables too: a committee member reading on paper gets every column.
    const tableRights = await page.evaluate(() => [...(globalThis as unknown as DomWindow).document.querySelectorAll('table')].map((t) => ({ caption: t.caption?.textContent ?? '', right: t.getBoundingClientRect().right })));
    for (const t of tableRights) expect(t.right, t.caption).toBeLessThanOrEqual(pageWidth + 0.5);
    expect(await page.evaluate(() => {
      const w = globalThis as unknown as DomWindow;
      return w.getComputedStyle(w.document.querySelector('nav')!).display;
    })).toBe('none');
    await page.screenshot({ path: path.join(OUT, 'screenshots', 'model-report-print.png'), fullPage: true });
    const pdf = await page.pdf({ path: path.join(OUT, 'model-report.pdf'), format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws the starter model\'s real report (85 features, three segments) the same way', async () => {
    const dir = path.resolve('models', 'early-warning');
    const bundle = await readModelDirectory(dir);
    const evaluation = (await readEvaluationFile(dir, bundle.featureNames))!;
    const real = buildModelReport({
      bundle,
      version: 1,
      evaluation,
      resamples: 100,
      modelCard: { intendedUse: 'Early help.', notIntendedFor: 'Automated refusal.', data: 'evaluation.csv', features: '85', limitations: [], legalContext: 'A human decides.', reproduce: 'npm run model:starter' },
    });
    real.charts = chartSpecs(real);
    const watch: Watch = { requests: [], errors: [], dialogs: [] };
    const page = await open(browser, await renderModelReportHtml(real), watch);
    const charts = await measureCharts(page);
    expect(charts.map((c) => c.id).sort()).toEqual(real.charts.map((c) => c.id).sort());
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(100);
      expect(chart.height, chart.id).toBeGreaterThan(100);
      expect(chart.visibleMarks, chart.id).toBeGreaterThan(0);
    }
    await page.screenshot({ path: path.join(OUT, 'screenshots', 'model-report-starter.png'), fullPage: true });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows hostile strings from users\' files as text and runs nothing', async () => {
    const hostileModel = 'evil<script>alert("model")</script>';
    const hostileRegion = '"><img src=x onerror=alert(1)>';
    const watch: Watch = { requests: [], errors: [], dialogs: [] };
    const page = await open(browser, await renderModelReportHtml(sampleReport({ modelId: hostileModel, regionValue: hostileRegion })), watch);
    expect(await page.title()).toBe(`Model report: ${hostileModel}, version 3`);
    expect(await page.locator('h1').textContent()).toBe(`Model report: ${hostileModel}, version 3`);
    expect(await page.locator('script, img').count()).toBe(0);
    const regionTable = page.locator('table', { has: page.locator('caption', { hasText: 'Metrics by region' }) });
    expect(await regionTable.locator('td', { hasText: hostileRegion }).count()).toBe(1);
    expect(watch.dialogs).toEqual([]);
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 120_000);
});
