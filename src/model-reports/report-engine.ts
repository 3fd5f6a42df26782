/**
 * The report engine the service and the CLI share: buildModelReport and scoreEvaluation
 * (build-report.ts), chartSpecs (charts.ts), renderModelReportHtml (report-html.ts), and a model
 * directory's evaluation.csv.
 */
import { buildModelReport, scoreEvaluation } from './build-report.js';
import { chartSpecs } from './charts.js';
import { readEvaluationFile } from './evaluation-csv.js';
import type { EvaluationSet } from './evaluation-set.js';
import { renderModelReportHtml } from './report-html.js';
import type { ReportEngine } from './report-service.js';

export { REPORT_CSP } from './report-html.js';

export const defaultReportEngine: ReportEngine = {
  score: scoreEvaluation,
  build: buildModelReport,
  charts: chartSpecs,
  html: renderModelReportHtml,
};

/** A model directory's evaluation set (evaluation.csv, features in the model's order); null when the directory has none. */
export function readModelEvaluation(dir: string, featureNames: readonly string[]): Promise<EvaluationSet | null> {
  return readEvaluationFile(dir, featureNames);
}
