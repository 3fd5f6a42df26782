/**
 * The report engine the service and the CLI use: buildModelReport and scoreEvaluation
 * (build-report.ts), chartSpecs and renderModelReportHtml (charts.ts, report-html.ts, not yet on this
 * branch: no charts and no HTML page until they land), and the model directory's evaluation.csv.
 */
import { AppError } from '../platform/errors.js';
import { buildModelReport, scoreEvaluation } from './build-report.js';
import { readEvaluationFile } from './evaluation-csv.js';
import type { EvaluationSet } from './evaluation-set.js';
import type { ReportEngine } from './report-service.js';

export const defaultReportEngine: ReportEngine = {
  score: scoreEvaluation,
  build: buildModelReport,
  charts: () => [],
  html: async () => {
    throw new AppError('not_acceptable', 'the HTML page of a model report is not available in this build; ask for application/json');
  },
};

/** A model directory's evaluation set (evaluation.csv, features in the model's order); null when the directory has none. */
export function readModelEvaluation(dir: string, featureNames: readonly string[]): Promise<EvaluationSet | null> {
  return readEvaluationFile(dir, featureNames);
}
