/**
 * The report engine the service uses: buildModelReport, chartSpecs and renderModelReportHtml.
 * Placeholder until those modules land on this branch.
 */
import { AppError } from '../platform/errors.js';
import type { ReportEngine } from './report-service.js';

const unavailable = (): never => {
  throw new AppError('service_unavailable', 'model reports are not available in this build');
};

export const defaultReportEngine: ReportEngine = { build: unavailable, charts: unavailable, html: async () => unavailable() };
