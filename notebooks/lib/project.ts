/**
 * How a notebook reaches the project's own library.
 *
 * Types: tslab checks cells with its own TypeScript 5.0, which cannot read the project's sources (import
 * attributes, ES2023 library calls, vega-lite's typings under its Node10 resolution). So the notebooks
 * read the declarations that the project's TypeScript 5.9 emits beside the compiled library:
 * `npm run notebooks` builds tsconfig.notebooks.json into dist/notebooks first. Every type below comes
 * from there, checked by the compiler the project ships with.
 *
 * Code: tslab compiles each cell to CommonJS and runs it with vm.runInThisContext, where import() has
 * no loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and require() cannot load the library either:
 * vega is an ES module with top-level await. This file is compiled by tslab as well but loaded through
 * Module._compile, where import() works; it is built with `new Function` so that TypeScript's CommonJS
 * transform does not turn it back into a require().
 *
 * The paths are the sources' own (src/model-reports/build-report.js is src/model-reports/build-report.ts),
 * so a reader can open the file a function comes from.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The project's root: this file is notebooks/lib/project.ts (tslab runs it as notebooks/lib/project.js). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Executed notebooks write their files here (gitignored). */
export const OUT = path.join(ROOT, 'notebooks', 'out');
/** Where `npm run notebooks` compiles the library (JavaScript and declarations). */
export const BUILT = path.join(ROOT, 'dist', 'notebooks');

/** The modules the notebooks use, by their path in the project, with their declared types. */
export interface Library {
  'src/model-reports/build-report.js': typeof import('../../dist/notebooks/src/model-reports/build-report.js');
  'src/model-reports/charts.js': typeof import('../../dist/notebooks/src/model-reports/charts.js');
  'src/model-reports/render-svg.js': typeof import('../../dist/notebooks/src/model-reports/render-svg.js');
  'src/model-reports/report-engine.js': typeof import('../../dist/notebooks/src/model-reports/report-engine.js');
  'src/model-reports/model-card-section.js': typeof import('../../dist/notebooks/src/model-reports/model-card-section.js');
  'src/model-reports/metrics/calibration.js': typeof import('../../dist/notebooks/src/model-reports/metrics/calibration.js');
  'src/model-reports/metrics/ranking.js': typeof import('../../dist/notebooks/src/model-reports/metrics/ranking.js');
  'src/learning/metrics.js': typeof import('../../dist/notebooks/src/learning/metrics.js');
  'src/risk-models/risk-model-bundle.js': typeof import('../../dist/notebooks/src/risk-models/risk-model-bundle.js');
  'src/risk-models/table-csv.js': typeof import('../../dist/notebooks/src/risk-models/table-csv.js');
  'src/risk-models/training-pipeline.js': typeof import('../../dist/notebooks/src/risk-models/training-pipeline.js');
  'src/risk-features/segments.js': typeof import('../../dist/notebooks/src/risk-features/segments.js');
  'scripts/train-taiwan-model.js': typeof import('../../dist/notebooks/scripts/train-taiwan-model.js');
}

const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** One module of the compiled library, e.g. `await load('src/model-reports/build-report.js')`. */
export async function load<K extends keyof Library>(module: K): Promise<Library[K]> {
  return (await importModule(pathToFileURL(path.join(BUILT, module)).href)) as Library[K];
}

/** arquero (a devDependency), resolved from the project's package.json so that the notebook's folder does not matter; an ES module, so through import() too. */
export async function arquero(): Promise<typeof import('arquero')> {
  const file = createRequire(path.join(ROOT, 'package.json')).resolve('arquero');
  return (await importModule(pathToFileURL(file).href)) as typeof import('arquero');
}
