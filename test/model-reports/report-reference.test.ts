/**
 * The "Done when": the report of the starter model and of the Taiwan model, each produced by
 * one command (`draagkracht model report`), has AUC, KS, Brier, ECE and score PSI equal to
 * scikit-learn's on the same probabilities to 1e-6. The reference figures were computed once by
 * `npm run reports:reference` (scripts/model-report-reference.py, mode 2) and are read from fixtures;
 * no Python runs here. Rows and positives must match too, so both sides saw the same evaluation set.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ModelReport } from '../../src/model-reports/report.types.js';
import { runCommand } from '../analytics/cli-runner.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CASES = [
  { name: 'starter', dir: 'models/early-warning' },
  { name: 'taiwan', dir: 'models/taiwan-credit-default' },
] as const;

interface Reference {
  auc: number;
  ks: number;
  brier: number;
  ece: number;
  logLoss: number;
  scorePsi: number;
  rows: number;
  positives: number;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dk-report-reference-test-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('model report figures against scikit-learn', () => {
  for (const { name, dir } of CASES) {
    it(`${dir}: AUC, KS, Brier, ECE and score PSI match the reference to 1e-6`, async () => {
      const out = join(work, `${name}.json`);
      const { code, stderr } = await runCommand(main, ['model', 'report', '--model', join(ROOT, dir), '--out', out]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(await readFile(out, 'utf8')) as ModelReport;
      const reference = JSON.parse(await readFile(join(ROOT, 'test/fixtures/model-reports', `${name}-reference.json`), 'utf8')) as Reference;
      expect(report.evaluation.rows).toBe(reference.rows);
      expect(report.evaluation.positives).toBe(reference.positives);
      const figures = {
        auc: report.discrimination.auc,
        ks: report.discrimination.ks,
        brier: report.calibration.brier,
        ece: report.calibration.ece,
        logLoss: report.calibration.logLoss,
        scorePsi: report.stability?.score.psi ?? null,
      };
      for (const [measure, value] of Object.entries(figures)) {
        expect(value, measure).not.toBeNull();
        expect(Math.abs(value! - reference[measure as keyof Reference]), `${measure}: report ${value}, scikit-learn ${reference[measure as keyof Reference]}`).toBeLessThan(1e-6);
      }
    }, 120_000);
  }
});
