/**
 * Vega-Lite specification → SVG string, in Node, without a browser or the `canvas` package:
 * vega-lite compiles to Vega, a headless View (renderer 'none') runs the dataflow and `toSVG()`
 * serialises the scenegraph.
 *
 * Text widths. Without a canvas, Vega guesses every glyph at 0.8 em, which makes axis titles and
 * legends twice as wide as they are and pushes labels apart. We install a width table for Arial /
 * Helvetica (Liberation Sans on Debian is metric-compatible, and the charts ask for it first, see
 * CHART_FONT), so the layout computed here matches what a browser draws to within a pixel or two.
 * It goes in through `textMetrics.width`, the hook vega-scenegraph leaves for this (vl-convert uses it
 * too); it is process-wide, which is what we want: every View in this process measures the same way.
 *
 * Never the network. The page this SVG goes into must be readable offline and must not leak that it
 * was opened, so a spec that would load anything (data.url, image marks, hrefs) is refused before it
 * runs, and the View's loader refuses every load as a second line of defence.
 *
 * Determinism. Vega numbers clip paths and gradients from a process-wide counter; renders are
 * serialised and the counter is reset before each, so the same spec gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export class UnsafeChartSpecError extends Error {
  override name = 'UnsafeChartSpecError';
}

// Advance widths in 1/1000 em, ASCII 32..126 (Helvetica / Arial AFM; Liberation Sans matches Arial).
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
  722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
  722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
  611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
/** The non-ASCII characters the report's labels use. */
const OTHER: Record<string, number> = { '≥': 549, '≤': 549, '–': 556, '—': 1000, '×': 584, '÷': 584, '…': 1000, '€': 556, '·': 278, '|': 260, '−': 584, '’': 222, '‘': 222, '“': 333, '”': 333 };
const DEFAULT_WIDTH = 556;

function isBold(weight: unknown): boolean {
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || (typeof weight === 'string' && Number(weight) >= 600);
}

/** Width in pixels of a line of text at a font size, regular or bold. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 32 && code <= 126) units += table[code - 32]!;
    else if (OTHER[ch] !== undefined) units += OTHER[ch];
    else {
      // Accented letters are as wide as their base letter.
      const base = ch.normalize('NFD').codePointAt(0)!;
      units += base >= 32 && base <= 126 ? table[base - 32]! : DEFAULT_WIDTH;
    }
  }
  return (units * fontSize) / 1000;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

interface Scenegraph {
  textMetrics: TextMetrics;
  resetSVGDefIds: () => void;
}

const measure: TextMetrics['width'] = (item, text) => {
  const line = text == null ? '' : String(text).trim();
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  return textWidth(line, size, isBold(item.fontWeight));
};

/**
 * Every copy of vega-scenegraph in the install. npm nests several versions under vega's own packages
 * (vega-view renders with one, vega-label and vega-functions measure with others), and each keeps its
 * own text metrics and SVG id counter; patching only the one `vega` re-exports leaves the renderer
 * truncating labels by the 0.8 em guess and numbering clip paths on from the previous chart.
 */
let scenegraphs: Promise<Scenegraph[]> | null = null;
function allScenegraphs(): Promise<Scenegraph[]> {
  scenegraphs ??= (async () => {
    const require = createRequire(import.meta.url);
    const vegaMain = require.resolve('vega');
    const files = new Set<string>();
    const add = (from: string): void => {
      try {
        files.add(createRequire(from).resolve('vega-scenegraph'));
      } catch {
        // This package does not reach vega-scenegraph: nothing to patch.
      }
    };
    add(vegaMain);
    const vegaPackage = JSON.parse(readFileSync(path.join(path.dirname(vegaMain), '..', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(vegaPackage.dependencies ?? {})) {
      try {
        add(createRequire(vegaMain).resolve(dependency));
      } catch {
        // A type-only or optional dependency without an entry point.
      }
    }
    const modules = await Promise.all([...files].sort().map((file) => import(pathToFileURL(file).href) as Promise<Scenegraph>));
    for (const module of modules) module.textMetrics.width = measure;
    return modules;
  })();
  return scenegraphs;
}

/** Refuses anything that would make the rendered chart (or the page it sits in) load a resource. */
export function assertSelfContained(spec: unknown, where = 'spec'): void {
  const visit = (node: unknown, path: string, parentKey: string | null): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, `${path}[${i}]`, parentKey));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const at = `${path}.${key}`;
      if (key === 'url' && (parentKey === 'data' || parentKey === 'datasets' || parentKey === 'from' || looksLikeData(node))) throw new UnsafeChartSpecError(`${where}: ${at} would load data from a URL`);
      if (key === 'href') throw new UnsafeChartSpecError(`${where}: ${at} would make a link or load a resource`);
      if ((key === 'mark' || key === 'type') && (value === 'image' || (isRecord(value) && value.type === 'image'))) throw new UnsafeChartSpecError(`${where}: ${at} is an image mark, which loads its image`);
      if (key === 'url' && typeof value === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(value)) throw new UnsafeChartSpecError(`${where}: ${at} is a URL`);
      visit(value, at, key);
    }
  };
  visit(spec, '$', null);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const looksLikeData = (node: object): boolean => 'format' in node || 'name' in node;

// Every load is refused: a spec that got past assertSelfContained still cannot reach the network or disk.
function refusingLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = (what: unknown): Promise<never> => Promise.reject(new UnsafeChartSpecError(`chart tried to load ${String(what)}`));
  loader.load = refuse;
  loader.sanitize = refuse;
  loader.http = refuse;
  loader.file = refuse;
  return loader;
}

/**
 * Geometry to 1/100 px: vega writes coordinates like 116.22631999999999, which only make the page
 * heavier. Only geometry attributes are touched; text and labels keep their digits.
 */
export function roundGeometry(svg: string): string {
  return svg.replace(/(\s(?:d|transform|x|y|x1|x2|y1|y2|width|height)=")([^"]*)"/g, (_, head: string, value: string) => `${head}${value.replace(/-?\d*\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}

let queue: Promise<unknown> = Promise.resolve();

/** Renders a Vega-Lite v6 specification (data inlined) to an SVG document string. */
export function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const run = async (): Promise<string> => {
    assertSelfContained(spec, 'Vega-Lite spec');
    const compiled = compile(spec as unknown as TopLevelSpec).spec;
    assertSelfContained(compiled, 'compiled Vega spec');
    const copies = await allScenegraphs();
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: refusingLoader(), logLevel: vega.Error });
    try {
      for (const copy of copies) copy.resetSVGDefIds();
      return roundGeometry(await view.toSVG());
    } finally {
      view.finalize();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
