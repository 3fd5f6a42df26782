/**
 * The affordability assessment (categorise, find streams and income days, build the report: ~7–10 ms of
 * CPU for a debtor with 2,000 transactions) in worker threads, so reports computed for many debtors at
 * once share the cores instead of queueing on the event loop that answers every other request.
 *
 * The main thread loads the rows and the tenant's rules; the worker compiles the rules (kept per tenant
 * and rules version, as the main thread does) and assesses. The report is the same as in-process: the
 * test compares them.
 */
import type { AnalysisBalance, AnalysisTransaction } from '../analytics/analysis-input.js';
import type { Categorisation } from '../analytics/categorisation/categorise.js';
import type { CategorisationRule } from '../analytics/categorisation/rule-set.schema.js';
import { AppError } from '../platform/errors.js';
import { TaskError, WorkerPool } from '../platform/workers/worker-pool.js';
import type { HouseholdGiven } from './household.js';
import type { NormOverrides } from './norms/norms.js';
import type { AffordabilityReport } from './report.types.js';

export interface AssessmentRequest {
  /** Tenant and rules version: the worker keeps each compiled rule set under it. */
  rulesKey: string;
  tenantRules: CategorisationRule[];
  overrides: NormOverrides;
  input: {
    transactions: AnalysisTransaction[];
    balances: AnalysisBalance[];
    ownIbans: string[];
    accountHolderNames: string[];
    asOf: string;
    household?: HouseholdGiven;
    categoryCorrections?: [string, Categorisation][];
  };
}

export interface AssessmentErrorData {
  kind: 'norms';
  message: string;
}

export class AssessmentPool {
  private readonly pool: WorkerPool<AssessmentRequest, never, AffordabilityReport>;

  constructor(options: { size: number; maxHeapMb: number }) {
    // From sources (tsx, vitest) this module is a .ts file and so is its worker; from the build both are .js.
    const entry = new URL(import.meta.url.endsWith('.ts') ? './assessment-worker.ts' : './assessment-worker.js', import.meta.url);
    this.pool = new WorkerPool({ entry, size: options.size, maxHeapMb: options.maxHeapMb });
  }

  async assess(request: AssessmentRequest): Promise<AffordabilityReport> {
    try {
      return await this.pool.run(request);
    } catch (error) {
      if (error instanceof TaskError && (error.data as AssessmentErrorData | null)?.kind === 'norms') {
        throw new AppError('unprocessable_entity', `no norms apply on ${request.input.asOf}: ${(error.data as AssessmentErrorData).message}`);
      }
      throw error;
    }
  }

  get workerCount(): number {
    return this.pool.workerCount;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
