/**
 * `npm run reports:reference`: the reference figures the model report is checked against, for the
 * starter model and the Taiwan model. For each, `draagkracht model report --predictions-out` writes
 * the probabilities the report scored; scikit-learn then computes AUC, KS, Brier, log loss, ECE and the
 * score PSI from them (scripts/model-report-reference.py, mode 2), into
 * test/fixtures/model-reports/{starter,taiwan}-reference.json. test/model-reports/report-reference.test.ts
 * compares the CLI's JSON report with those files; nothing is computed by Python at test time.
 *
 * Needs Debian's /usr/bin/python3 with scikit-learn (the pyenv python3 has none).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PYTHON = '/usr/bin/python3';

const REFERENCE_MODELS = [
  { name: 'starter', dir: 'models/early-warning' },
  { name: 'taiwan', dir: 'models/taiwan-credit-default' },
] as const;

const work = await mkdtemp(join(tmpdir(), 'dk-report-reference-'));
try {
  for (const { name, dir } of REFERENCE_MODELS) {
    const predictions = join(work, `${name}-predictions.csv`);
    const code = await main(['model', 'report', '--model', join(ROOT, dir), '--out', join(work, `${name}.json`), '--predictions-out', predictions]);
    if (code !== 0) throw new Error(`model report of ${dir} failed with exit code ${code}`);
    const out = join(ROOT, 'test/fixtures/model-reports', `${name}-reference.json`);
    const python = spawnSync(PYTHON, [join(ROOT, 'scripts/model-report-reference.py'), '--predictions', predictions, '--model', join(ROOT, dir, 'model.json'), '--out', out], { stdio: 'inherit' });
    if (python.status !== 0) throw new Error(`${PYTHON} scripts/model-report-reference.py failed for ${dir} (is scikit-learn installed for Debian's python3?)`);
    // The script names its temporary input; the fixture names how to remake it instead, so reruns give the same bytes.
    const figures = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    figures.source = `npm run reports:reference: draagkracht model report --model ${dir} --predictions-out P.csv, then /usr/bin/python3 scripts/model-report-reference.py --predictions P.csv --model ${dir}/model.json`;
    await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`${out}\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
