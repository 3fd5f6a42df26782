/**
 * The report worker's entry: builds a model report (numbers and chart specifications) and, when asked,
 * its HTML page, off the event loop that answers every other request. See report-workers.ts.
 */
import { serveTasks } from '../platform/workers/worker-task.js';
import { defaultReportEngine } from './report-engine.js';
import { createModelReport } from './report-service.js';
import type { ReportTask, ReportTaskResult } from './report-workers.js';

serveTasks<ReportTask, never, ReportTaskResult>(
  async ({ input, html }) => {
    const report = createModelReport(defaultReportEngine, input);
    return { report, html: html ? await defaultReportEngine.html(report) : null };
  },
  () => null,
);
