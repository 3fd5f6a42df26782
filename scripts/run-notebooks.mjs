#!/usr/bin/env node
/**
 * `npm run notebooks`: executes every notebook in notebooks/ headless, with Debian's Jupyter and the
 * tslab TypeScript kernel from node_modules, and fails on the first cell error.
 *
 * 1. Finds a Jupyter whose nbconvert runs: /usr/bin/jupyter first (Debian's, with its own python3
 *    modules; `jupyter` on PATH may be a pyenv shim without them), then `jupyter` on PATH. Without one
 *    it says which Debian packages to install and exits 1.
 * 2. Builds the library the notebooks load (tsconfig.notebooks.json → dist/notebooks, JavaScript and
 *    declarations, with the project's TypeScript; see notebooks/lib/project.ts for why not the sources).
 * 3. Writes the tslab kernel spec into .jupyter-kernels/ (gitignored) and points JUPYTER_PATH there,
 *    so nothing is installed into the user's home; Jupyter's runtime files go there too.
 * 4. Runs `jupyter nbconvert --execute` on each notebook (a time limit per cell), writing the executed
 *    copy and an HTML page (notebooks/lib/html-with-svg.html.j2, so the charts show) to notebooks/out/
 *    (gitignored), and prints each one's time.
 *
 * Options: one or more notebook names (e.g. `npm run notebooks -- 01-model-report`) run only those;
 * NOTEBOOK_CELL_TIMEOUT (seconds, default 600) sets the per-cell limit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NOTEBOOKS = join(ROOT, 'notebooks');
const OUT = join(NOTEBOOKS, 'out');
const KERNELS = join(ROOT, '.jupyter-kernels');
const TSLAB = join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** The lab template with SVG outputs left as they are (Debian's nbconvert 6.5 strips them to their text; see the file). */
const HTML_TEMPLATE = join(NOTEBOOKS, 'lib', 'html-with-svg.html.j2');
const DEBIAN_PACKAGES = ['jupyter-nbconvert', 'jupyter-client', 'python3-ipykernel'];
const CELL_TIMEOUT = Number(process.env.NOTEBOOK_CELL_TIMEOUT ?? 600);

const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

/** The first Jupyter whose nbconvert answers, or null. */
function findJupyter() {
  for (const candidate of ['/usr/bin/jupyter', 'jupyter']) {
    const probe = spawnSync(candidate, ['nbconvert', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { command: candidate, nbconvert: probe.stdout.trim() };
  }
  return null;
}

function fail(message) {
  process.stderr.write(`npm run notebooks: ${message}\n`);
  process.exit(1);
}

const jupyter = findJupyter();
if (!jupyter) {
  fail(
    `Jupyter is not installed (no /usr/bin/jupyter and no jupyter on PATH whose nbconvert runs).\n` +
      `Install it from Debian: apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`,
  );
}
if (!existsSync(TSLAB)) fail('tslab is not in node_modules: run npm ci (it is a devDependency).');

const wanted = process.argv.slice(2).map((name) => name.replace(/\.ipynb$/, ''));
const notebooks = readdirSync(NOTEBOOKS)
  .filter((file) => file.endsWith('.ipynb'))
  .sort()
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.ipynb$/, '')));
if (notebooks.length === 0) fail(`no notebooks matched ${wanted.length > 0 ? wanted.join(', ') : 'notebooks/*.ipynb'}`);

console.log(`Jupyter: ${jupyter.command} (nbconvert ${jupyter.nbconvert}); kernel: tslab ${TSLAB}; node ${process.version}`);

let started = performance.now();
const build = spawnSync(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.notebooks.json')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) fail('building the library for the notebooks (tsconfig.notebooks.json) failed');
console.log(`library built into dist/notebooks in ${seconds(started)} s`);

// The kernel spec: tslab's own install writes the same kernel.json through python; writing it here
// needs no python and puts an absolute node and tslab in it, so PATH does not matter to Jupyter.
const spec = join(KERNELS, 'kernels', 'tslab');
mkdirSync(spec, { recursive: true });
writeFileSync(
  join(spec, 'kernel.json'),
  `${JSON.stringify({ argv: [process.execPath, TSLAB, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }, null, 2)}\n`,
);
const runtime = join(KERNELS, 'runtime');
mkdirSync(runtime, { recursive: true });
const env = { ...process.env, JUPYTER_PATH: KERNELS, JUPYTER_RUNTIME_DIR: runtime };

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

/**
 * tslab reports a failed cell with an empty error (nbconvert prints "<Error>:") and writes the message
 * to the cell's stderr, which nbconvert throws away with the half-run notebook. So a failed notebook
 * is run once more with --allow-errors into notebooks/out/NAME.failed.ipynb, and the stderr of its cells
 * is printed: the message and the stack of what went wrong.
 */
function explainFailure(file, name) {
  const copy = `${name}.failed.ipynb`;
  spawnSync(
    jupyter.command,
    ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.timeout=${CELL_TIMEOUT}`, '--ExecutePreprocessor.kernel_name=tslab', '--output-dir', OUT, '--output', copy, join(NOTEBOOKS, file)],
    { cwd: NOTEBOOKS, env, stdio: 'ignore' },
  );
  try {
    const notebook = JSON.parse(readFileSync(join(OUT, copy), 'utf8'));
    const stderr = notebook.cells.flatMap((cell, index) =>
      (cell.outputs ?? []).filter((output) => output.output_type === 'stream' && output.name === 'stderr').map((output) => `cell ${index + 1}:\n${[].concat(output.text).join('')}`),
    );
    return stderr.length > 0 ? `the cells said on stderr (notebooks/out/${copy}):\n${stderr.join('\n')}` : `see notebooks/out/${copy}`;
  } catch {
    return 'the error is above (nbconvert could not write a copy with the outputs)';
  }
}

const times = [];
let failed = null;
for (const file of notebooks) {
  const name = file.replace(/\.ipynb$/, '');
  started = performance.now();
  console.log(`\n== ${file} ==`);
  const run = spawnSync(
    jupyter.command,
    [
      'nbconvert', '--to', 'notebook', '--execute',
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT}`,
      '--ExecutePreprocessor.kernel_name=tslab',
      '--output-dir', OUT, '--output', `${name}.ipynb`,
      join(NOTEBOOKS, file),
    ],
    { cwd: NOTEBOOKS, env, stdio: 'inherit' },
  );
  const executed = seconds(started);
  if (run.status !== 0) {
    times.push(`${file}: FAILED after ${executed} s`);
    failed = `${file} failed after ${executed} s: ${explainFailure(file, name)}`;
    break;
  }
  const html = spawnSync(jupyter.command, ['nbconvert', '--to', 'html', '--template-file', HTML_TEMPLATE, '--output-dir', OUT, join(OUT, `${name}.ipynb`)], { cwd: NOTEBOOKS, env, stdio: 'inherit' });
  if (html.status !== 0) {
    failed = `${file} ran, but converting it to HTML failed`;
    break;
  }
  times.push(`${file}: executed in ${executed} s → notebooks/out/${name}.ipynb, notebooks/out/${name}.html`);
}

console.log(`\n${times.join('\n')}`);
if (failed) fail(failed);
console.log(`${notebooks.length} notebook${notebooks.length === 1 ? '' : 's'} executed without error`);
