/**
 * Building a report takes seconds of CPU (bootstrap resamples, TreeSHAP over the evaluation rows, the
 * charts rendered to SVG). The API builds it in a worker thread, so a report never stalls the event
 * loop that answers scores and uploads; one worker, since reports are rare and the machine is small.
 * The CLI builds in process (report-service.ts createModelReport): it has nothing else to answer.
 */
import { WorkerPool, WorkerTaskFailure } from '../platform/workers/worker-pool.js';
import { AppError } from '../platform/errors.js';
import type { ReportInput } from './report-service.js';
import type { ModelReport } from './report.types.js';

export interface ReportTask {
  input: ReportInput;
  /** Also render the HTML page. */
  html: boolean;
}

export interface ReportTaskResult {
  report: ModelReport;
  html: string | null;
}

/** A starter report peaks near 200 MB of heap; twice that leaves room for larger sets (≤ MAX_EVALUATION_ROWS rows scored). */
const REPORT_WORKER_HEAP_MB = 1024;
const REPORT_TIMEOUT_MS = 300_000;

export class ReportWorkers {
  private readonly pool: WorkerPool<ReportTask, never, ReportTaskResult>;

  constructor(size = 1) {
    // From sources (tsx, vitest) this module is a .ts file and so is its worker; from the build both are .js.
    const entry = new URL(import.meta.url.endsWith('.ts') ? './report.worker.ts' : './report.worker.js', import.meta.url);
    this.pool = new WorkerPool({ entry, size, maxHeapMb: REPORT_WORKER_HEAP_MB });
  }

  async build(input: ReportInput, html: boolean): Promise<ReportTaskResult> {
    try {
      return await this.pool.run({ input, html }, { timeoutMs: REPORT_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof WorkerTaskFailure && (error.reason === 'out_of_memory' || error.reason === 'timeout')) {
        throw new AppError('unprocessable_entity', `the report could not be built: the worker ${error.reason === 'timeout' ? 'ran out of time' : 'ran out of memory'}`);
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
