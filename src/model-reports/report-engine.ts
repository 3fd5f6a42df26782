/**
 * The report engine the service and the CLI use: buildModelReport, chartSpecs and
 * renderModelReportHtml, and the model directory's evaluation.csv reader.
 * Placeholder until those modules land on this branch.
 */
import { AppError } from '../platform/errors.js';
import type { EvaluationSet } from './evaluation-set.js';
import type { ReportEngine } from './report-service.js';

const unavailable = (): never => {
  throw new AppError('service_unavailable', 'model reports are not available in this build');
};

export const defaultReportEngine: ReportEngine = { score: unavailable, build: unavailable, charts: unavailable, html: async () => unavailable() };

/** A model directory's evaluation set (evaluation.csv, features in the model's order); null when the directory has none. */
export async function readModelEvaluation(_dir: string, _featureNames: readonly string[]): Promise<EvaluationSet | null> {
  return unavailable();
}
