/**
 * Model reports for the registry's versions: the version's model and stored evaluation set, its
 * model card section, an optional challenger scored on the same rows, and the monitoring summary
 * when a lookup is given. The numbers come from buildModelReport, the charts from chartSpecs, the
 * page from renderModelReportHtml; this module only gathers the inputs and says what is missing.
 *
 * Monitoring is looked up through an injected function (the monitoring job supplies it), so reports
 * do not depend on monitoring and a service without it reports `monitoring: null`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import { AppError } from '../platform/errors.js';
import type { ModelRegistry } from '../risk-models/registry.js';
import type { RiskModelBundle } from '../risk-models/risk-model-bundle.js';
import type { EvaluationSet } from './evaluation-set.js';
import { modelCardSection, type ModelProvenance } from './model-card-section.js';
import type { ChartSpec, ModelCardSection, ModelReport, MonitoringSummary } from './report.types.js';

/** What buildModelReport takes (src/model-reports/build-report.ts). */
export interface ReportInput {
  bundle: RiskModelBundle;
  version: number | null;
  evaluation: EvaluationSet;
  modelCard: ModelCardSection;
  challenger?: { bundle: RiskModelBundle; version: number | null } | null;
  monitoring?: MonitoringSummary | null;
  operatingThreshold?: number;
  seed?: number;
  resamples?: number;
}

/** The steps from inputs to a page (build-report.ts, charts.ts, report-html.ts), gathered so the service and CLI share them. */
export interface ReportEngine {
  /** Calibrated probability of every evaluation row, in the set's order (what the report scores). */
  score(bundle: RiskModelBundle, evaluation: EvaluationSet): Float64Array;
  build(input: ReportInput): ModelReport;
  charts(report: ModelReport): ChartSpec[];
  html(report: ModelReport): Promise<string>;
}

/** The monitoring summary of one model version of a tenant, or null when none has run. */
export type MonitoringLookup = (tenantId: string, modelId: string, version: number) => Promise<MonitoringSummary | null>;

/** The report with its chart specifications: buildModelReport leaves charts empty, chartSpecs draws them from its numbers. */
export function createModelReport(engine: ReportEngine, input: ReportInput): ModelReport {
  const report = engine.build(input);
  return { ...report, charts: engine.charts(report) };
}

export interface ReportRequest {
  challenger?: { modelId: string; version: number } | null;
  seed?: number;
  resamples?: number;
}

/** Builds the report (and its page when asked) somewhere other than here: ReportWorkers in the API. */
export type ReportBuilder = (input: ReportInput, html: boolean) => Promise<{ report: ModelReport; html: string | null }>;

export class ModelReportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly registry: ModelRegistry,
    private readonly engine: ReportEngine,
    private monitoringSummary: MonitoringLookup | null = null,
    /** Without one, the report is built in process. */
    private readonly builder: ReportBuilder | null = null,
  ) {}

  /** Supplies (or removes) the monitoring lookup; the monitoring routes call this once they are set up. */
  setMonitoringLookup(lookup: MonitoringLookup | null): void {
    this.monitoringSummary = lookup;
  }

  /** The report of one of the tenant's versions; not_found for unknown or other tenants' versions, no_evaluation_set when none is stored. */
  async report(tenantId: string, modelId: string, version: number, request: ReportRequest = {}): Promise<ModelReport> {
    return (await this.reportWithPage(tenantId, modelId, version, request, false)).report;
  }

  /** The report and, when `html`, its page (both built by the builder when there is one). */
  async reportWithPage(tenantId: string, modelId: string, version: number, request: ReportRequest, html: boolean): Promise<{ report: ModelReport; html: string | null }> {
    const champion = await this.registry.versionForReport(tenantId, modelId, version);
    const challenger = request.challenger ? await this.registry.versionForReport(tenantId, request.challenger.modelId, request.challenger.version) : null;
    const evaluation = champion.evaluation;
    if (!evaluation) {
      throw new AppError(
        'no_evaluation_set',
        `version ${version} of model ${modelId} has no stored evaluation set (it was registered before reports existed, or its starter directory ships no evaluation.csv); train a new version to get one`,
      );
    }
    if (evaluation.ids.length === 0) throw new AppError('no_evaluation_set', `the evaluation set of version ${version} of model ${modelId} has no rows left (its debtors were erased)`);
    if (challenger) {
      const a = champion.model.bundle.featureNames;
      const b = challenger.model.bundle.featureNames;
      if (a.length !== b.length || a.some((name, i) => name !== b[i])) {
        throw new AppError(
          'unprocessable_entity',
          `the challenger ${request.challenger!.modelId} version ${request.challenger!.version} reads other features (${challenger.model.bundle.featureSet}) than ${modelId} (${champion.model.bundle.featureSet}); a comparison scores both on the same rows, so they must read the same features`,
        );
      }
    }
    const provenance = await this.provenanceOf(tenantId, champion.source, champion.model.bundle, champion.trainingRunId);
    const monitoring = this.monitoringSummary ? await this.monitoringSummary(tenantId, modelId, version) : null;
    const input: ReportInput = {
      bundle: champion.model.bundle,
      version,
      evaluation,
      modelCard: modelCardSection(champion.model.bundle, { provenance, evaluation }),
      challenger: challenger ? { bundle: challenger.model.bundle, version: request.challenger!.version } : null,
      monitoring,
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.resamples !== undefined ? { resamples: request.resamples } : {}),
    };
    if (this.builder) return this.builder(input, html);
    const report = createModelReport(this.engine, input);
    return { report, html: html ? await this.engine.html(report) : null };
  }

  html(report: ModelReport): Promise<string> {
    return this.engine.html(report);
  }

  private async provenanceOf(tenantId: string, source: 'starter' | 'training-run', bundle: RiskModelBundle, trainingRunId: string | null): Promise<ModelProvenance> {
    if (source === 'starter') return { kind: 'starter' };
    const run = trainingRunId
      ? await this.db.selectFrom('risk_training_runs').select(['id', 'options']).where('tenant_id', '=', tenantId).where('id', '=', trainingRunId).executeTakeFirst()
      : undefined;
    const options = (run?.options ?? { modelId: bundle.modelId, featureSet: bundle.featureSet, learner: bundle.learner, seed: bundle.seed }) as { modelId: string; featureSet: string; learner?: string; seed?: number };
    return { kind: 'training-run', runId: run?.id ?? null, options };
  }
}
