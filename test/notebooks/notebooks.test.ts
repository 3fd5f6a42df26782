/**
 * The notebooks in notebooks/: committed clean (nbformat 4, the tslab kernel, no outputs or execution
 * counts), reaching only the project's own code by relative path, and executing without error.
 *
 * Executing takes about a minute (scripts/run-notebooks.mjs: build, then nbconvert per notebook), so
 * .ci/run runs `npm run notebooks` once before the suites and sets NOTEBOOKS_EXECUTED=1; the execution
 * test then skips and says so instead of running them twice more. Without Jupyter it skips and names
 * the Debian packages to install.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
/** The same list scripts/run-notebooks.mjs prints when Jupyter is missing. */
const DEBIAN_PACKAGES = 'jupyter-nbconvert jupyter-client python3-ipykernel';

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}

interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string; language?: string }; language_info?: { name?: string } };
  cells: Cell[];
}

const files = readdirSync(NOTEBOOKS).filter((file) => file.endsWith('.ipynb')).sort();
const read = (file: string): Notebook => JSON.parse(readFileSync(join(NOTEBOOKS, file), 'utf8')) as Notebook;
const text = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const code = (notebook: Notebook): string => notebook.cells.filter((cell) => cell.cell_type === 'code').map(text).join('\n');

/** Module specifiers a piece of TypeScript imports: static imports and re-exports, import(), require(). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** Node's built-ins and tslab's display API are not code of another project; anything else must be a relative path. */
const allowedPackage = (specifier: string): boolean => specifier.startsWith('node:') || specifier === 'tslab';

describe('notebooks', () => {
  it('has the report notebook and the Taiwan training notebook', () => {
    expect(files).toEqual(expect.arrayContaining(['01-model-report.ipynb', '02-train-taiwan.ipynb']));
  });

  it.each(files)('%s is nbformat 4 JSON for the tslab kernel', (file) => {
    const notebook = read(file);
    expect(notebook.nbformat).toBe(4);
    expect(notebook.nbformat_minor).toBeGreaterThanOrEqual(4);
    expect(notebook.metadata.kernelspec?.name).toBe('tslab');
    expect(notebook.metadata.kernelspec?.language).toBe('typescript');
    expect(notebook.cells.length).toBeGreaterThan(0);
    for (const cell of notebook.cells) {
      expect(['code', 'markdown', 'raw']).toContain(cell.cell_type);
      expect(typeof cell.source === 'string' || Array.isArray(cell.source)).toBe(true);
    }
    expect(notebook.cells[0]!.cell_type).toBe('markdown');
  });

  it.each(files)('%s is committed without outputs or execution counts', (file) => {
    for (const cell of read(file).cells.filter((c) => c.cell_type === 'code')) {
      expect(cell.outputs, text(cell).slice(0, 80)).toEqual([]);
      expect(cell.execution_count, text(cell).slice(0, 80)).toBeNull();
      expect(Object.keys(cell.metadata ?? {}).filter((key) => key === 'execution' || key === 'scrolled' || key === 'collapsed')).toEqual([]);
    }
  });

  it.each(files)('%s imports only project code by relative path (and node: built-ins, tslab)', (file) => {
    const imports = specifiers(code(read(file)));
    expect(imports).toContain('./lib/project.js');
    expect(imports.filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('../') && !allowedPackage(specifier))).toEqual([]);
    // No absolute paths to a checkout: the notebook must run wherever the project is cloned.
    expect(code(read(file))).not.toMatch(/['"]\/(work|home|root|tmp)\//);
  });

  it.each(files)("%s loads only modules that exist in the project's sources", (file) => {
    const modules = [...code(read(file)).matchAll(/\bload\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!);
    expect(modules.length).toBeGreaterThan(0);
    for (const module of modules) expect(existsSync(join(ROOT, module.replace(/\.js$/, '.ts'))), module).toBe(true);
  });

  it('notebooks/lib/project.ts lists only existing modules and imports only relative paths and built-ins', () => {
    const source = readFileSync(join(NOTEBOOKS, 'lib', 'project.ts'), 'utf8');
    const keys = [...source.matchAll(/^\s+'([^']+\.js)': typeof import\('\.\.\/\.\.\/dist\/notebooks\/([^']+)'\);$/gm)];
    expect(keys.length).toBeGreaterThan(5);
    for (const [, key, built] of keys) {
      expect(built).toBe(key);
      expect(existsSync(join(ROOT, key!.replace(/\.js$/, '.ts'))), key).toBe(true);
    }
    expect(specifiers(source).filter((specifier) => !specifier.startsWith('../') && !specifier.startsWith('node:') && specifier !== 'arquero')).toEqual([]);
  });

  const jupyter = ['/usr/bin/jupyter', 'jupyter'].some((command) => spawnSync(command, ['nbconvert', '--version'], { stdio: 'ignore' }).status === 0);
  const skipped =
    process.env.NOTEBOOKS_EXECUTED === '1'
      ? 'already executed by `npm run notebooks` in .ci/run (NOTEBOOKS_EXECUTED=1)'
      : !jupyter
        ? `Jupyter is not installed; install Debian's ${DEBIAN_PACKAGES} (apt-get install -y ${DEBIAN_PACKAGES})`
        : null;
  // The reason also goes to the log: the default reporter shows a skipped test's name only in verbose mode.
  if (skipped !== null) console.info(`notebooks: execution test skipped: ${skipped}`);

  it.skipIf(skipped !== null)(`every notebook executes without error${skipped ? ` — SKIPPED: ${skipped}` : ''}`, async () => {
    // Asynchronously: a minute of spawnSync would block the worker and time out vitest's own messages to it.
    const run = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'run-notebooks.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 280_000, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`npm run notebooks failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      },
    );
    expect(run.stdout).toMatch(/notebooks? executed without error/);
  }, 300_000);
});
