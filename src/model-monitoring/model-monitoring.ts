/**
 * Monitoring of the tenants' champion models: for a model version, read the window's stored scores
 * (each debtor's latest score of that version with an as-of date in the window) and the feature
 * vectors they were computed from, measure them (measure-window.ts), and keep one point per window.
 *
 * Outcomes: a score as of D has a matured outcome once D + the model's horizon ≤ today; its label is
 * the training label of stored debtors (arrearsLabel in training-runs.ts: an arrears_started data
 * point in (D, D + horizon]), so a monitored AUC measures what the model was trained to predict.
 *
 * Points are keyed by (tenant, model, version, last day of the window): a rerun for the same window
 * replaces its point, so reruns (or two instances running the schedule) never duplicate the series.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import type { MonitoringPoint, MonitoringSummary } from '../model-reports/report.types.js';
import type { ModelRegistry } from '../risk-models/registry.js';
import { ARREARS_OUTCOME_TYPE, arrearsLabel } from '../risk-models/training-runs.js';
import { measureWindow, type WindowRows } from './measure-window.js';
import type { ModelMonitoringPointRow, MonitoringTrigger } from './model-monitoring.table.js';

/** Longest window a run may read: ten years of scores is already more than any model lives. */
export const MAX_WINDOW_DAYS = 3660;

export interface MonitoringSettings {
  /** Days in a window ending on its last day (MONITORING_WINDOW_DAYS). */
  windowDays: number;
  /** PSI above which a point is flagged (MONITORING_DRIFT_PSI). */
  driftPsi: number;
  today: () => IsoDate;
}

/** A point as the API shows it: the report's MonitoringPoint plus what only the API needs. */
export interface MonitoringPointView extends MonitoringPoint {
  /** Every feature's PSI (null where none could be computed). */
  featurePsi: Record<string, number | null>;
  /** The PSI the point's drift flag was decided against. */
  threshold: number;
  trigger: MonitoringTrigger;
}

export interface MonitoringSeries {
  modelId: string;
  version: number;
  /** Whether the latest point returned is flagged. */
  drift: boolean;
  /** The drift threshold new points are flagged against. */
  threshold: number;
  points: MonitoringPointView[];
}

export interface MonitoringRunResult {
  modelId: string;
  version: number;
  point: MonitoringPointView;
}

export interface MonitoringSweepResult {
  /** Points written. */
  points: number;
  drifting: { tenantId: string; modelId: string; version: number; maxFeature: string | null }[];
  failed: { tenantId: string; modelId: string; error: string }[];
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function pointOf(row: ModelMonitoringPointRow): MonitoringPointView {
  return {
    computedAt: iso(row.computed_at),
    windowFrom: row.window_from,
    windowTo: row.window_to,
    rows: row.rows,
    scorePsi: row.score_psi,
    maxFeaturePsi: row.max_feature_psi,
    maxFeature: row.max_feature,
    rowsWithOutcome: row.rows_with_outcome,
    auc: row.auc,
    brier: row.brier,
    ece: row.ece,
    drift: row.drift,
    featurePsi: row.feature_psi,
    threshold: row.drift_threshold,
    trigger: row.trigger,
  };
}

/** The report's view of a point: exactly MonitoringPoint's fields. */
function reportPointOf(point: MonitoringPointView): MonitoringPoint {
  const { computedAt, windowFrom, windowTo, rows, scorePsi, maxFeaturePsi, maxFeature, rowsWithOutcome, auc, brier, ece, drift } = point;
  return { computedAt, windowFrom, windowTo, rows, scorePsi, maxFeaturePsi, maxFeature, rowsWithOutcome, auc, brier, ece, drift };
}

/**
 * The monitoring summary of one model version for its report: the latest point and its drift flag,
 * with the latest `points` points (oldest first) when asked; null when no run has read the version.
 */
export async function latestMonitoringSummary(
  db: Kysely<Database>,
  tenantId: string,
  modelId: string,
  version: number,
  options: { points?: number } = {},
): Promise<MonitoringSummary | null> {
  const wanted = Math.max(1, options.points ?? 0);
  const rows = await db
    .selectFrom('model_monitoring_points')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('model_id', '=', modelId)
    .where('model_version', '=', version)
    .orderBy('window_to', 'desc')
    .limit(wanted)
    .execute();
  if (rows.length === 0) return null;
  const latest = reportPointOf(pointOf(rows[0]!));
  return { latest, drift: latest.drift, ...(options.points ? { points: rows.reverse().map((row) => reportPointOf(pointOf(row))) } : {}) };
}

export class ModelMonitor {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly registry: ModelRegistry,
    private readonly settings: MonitoringSettings,
  ) {}

  get threshold(): number {
    return this.settings.driftPsi;
  }

  /**
   * Reads one model version over the window ending on `asOf` (default today) and stores the point,
   * replacing an earlier point for the same window.
   */
  async runVersion(tenantId: string, modelId: string, version: number, options: { asOf?: IsoDate; windowDays?: number; trigger: MonitoringTrigger }): Promise<MonitoringPointView> {
    const today = this.settings.today();
    const windowTo = options.asOf ?? today;
    if (windowTo > today) throw new AppError('invalid_parameter', `asOf ${windowTo} is after today (${today}): a window holds only scores already given`);
    const windowDays = options.windowDays ?? this.settings.windowDays;
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) throw new AppError('invalid_parameter', `windowDays must be a whole number from 1 to ${MAX_WINDOW_DAYS}`);
    const windowFrom = addDays(windowTo, -(windowDays - 1));
    const { bundle } = await this.registry.model(tenantId, modelId, version);
    const rows = await this.windowRows(tenantId, modelId, version, { windowFrom, windowTo, today, horizonDays: bundle.horizonDays, featureNames: bundle.featureNames });
    const measured = measureWindow(bundle, rows, this.settings.driftPsi);
    const values = {
      window_from: windowFrom,
      computed_at: new Date(),
      rows: measured.rows,
      score_psi: measured.scorePsi,
      max_feature_psi: measured.maxFeaturePsi,
      max_feature: measured.maxFeature,
      feature_psi: JSON.stringify(measured.featurePsi),
      rows_with_outcome: measured.rowsWithOutcome,
      auc: measured.auc,
      brier: measured.brier,
      ece: measured.ece,
      drift: measured.drift,
      drift_threshold: this.settings.driftPsi,
      trigger: options.trigger,
    };
    const row = await this.db
      .insertInto('model_monitoring_points')
      .values({ tenant_id: tenantId, model_id: modelId, model_version: version, window_to: windowTo, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'model_id', 'model_version', 'window_to']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return pointOf(row);
  }

  /** Runs the window for the model's current champion; not_found for a model the tenant does not have. */
  async runChampion(tenantId: string, modelId: string, options: { asOf?: IsoDate; windowDays?: number; trigger: MonitoringTrigger }): Promise<MonitoringRunResult> {
    await this.registry.ensureStarterModels(tenantId);
    const version = await this.registry.championVersion(tenantId, modelId);
    if (version === null) {
      await this.requireModel(tenantId, modelId);
      throw new AppError('invalid_state', `model ${modelId} has no champion to monitor; promote a version first`);
    }
    return { modelId, version, point: await this.runVersion(tenantId, modelId, version, options) };
  }

  /**
   * The scheduled run for one tenant: every champion of the tenant, one after another (a window is a
   * few database reads and a pass over its rows; running them in turn keeps the load on the database
   * to one query at a time). The job runner fans this out per tenant over the instances
   * (src/jobs/service-jobs.ts). A model that fails is logged in the result and the rest run on.
   */
  async runTenantChampions(tenantId: string, trigger: MonitoringTrigger = 'schedule'): Promise<MonitoringSweepResult> {
    const champions = await this.db.selectFrom('risk_model_champions').select(['tenant_id', 'model_id', 'version']).where('tenant_id', '=', tenantId).orderBy('model_id').execute();
    const result: MonitoringSweepResult = { points: 0, drifting: [], failed: [] };
    for (const champion of champions) {
      try {
        const point = await this.runVersion(champion.tenant_id, champion.model_id, champion.version, { trigger });
        result.points++;
        if (point.drift) result.drifting.push({ tenantId: champion.tenant_id, modelId: champion.model_id, version: champion.version, maxFeature: point.maxFeature });
      } catch (error) {
        result.failed.push({ tenantId: champion.tenant_id, modelId: champion.model_id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }

  /**
   * The time series of one version (default: the champion), oldest first: points whose window ends
   * in [from, to], at most `limit` of them (the latest).
   */
  async series(tenantId: string, modelId: string, options: { version?: number; from?: IsoDate; to?: IsoDate; limit: number }): Promise<MonitoringSeries> {
    if (options.from && options.to && options.from > options.to) throw new AppError('invalid_parameter', `from ${options.from} is after to ${options.to}`);
    await this.registry.ensureStarterModels(tenantId);
    let version = options.version ?? (await this.registry.championVersion(tenantId, modelId));
    if (version === null) version = await this.latestVersion(tenantId, modelId);
    const exists = await this.db.selectFrom('risk_model_versions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
    if (!exists) throw notFound(`version ${version} of model ${modelId}`);
    let query = this.db
      .selectFrom('model_monitoring_points')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('model_id', '=', modelId)
      .where('model_version', '=', version);
    if (options.from) query = query.where('window_to', '>=', options.from);
    if (options.to) query = query.where('window_to', '<=', options.to);
    const rows = await query.orderBy('window_to', 'desc').limit(options.limit).execute();
    const points = rows.reverse().map(pointOf);
    return { modelId, version, drift: points.at(-1)?.drift ?? false, threshold: this.settings.driftPsi, points };
  }

  private async requireModel(tenantId: string, modelId: string): Promise<void> {
    await this.latestVersion(tenantId, modelId);
  }

  private async latestVersion(tenantId: string, modelId: string): Promise<number> {
    const row = await this.db
      .selectFrom('risk_model_versions')
      .select((eb) => eb.fn.max('version').as('latest'))
      .where('tenant_id', '=', tenantId)
      .where('model_id', '=', modelId)
      .executeTakeFirst();
    if (row?.latest === null || row?.latest === undefined) throw notFound(`model ${modelId}`);
    return Number(row.latest);
  }

  /**
   * Each debtor's latest score of this version with an as-of date in the window, with the stored
   * feature vector it was computed from, and for the scores whose outcome has matured, their label.
   */
  private async windowRows(
    tenantId: string,
    modelId: string,
    version: number,
    window: { windowFrom: IsoDate; windowTo: IsoDate; today: IsoDate; horizonDays: number; featureNames: readonly string[] },
  ): Promise<WindowRows> {
    const scored = await sql<{ debtor_id: string; as_of: string; probability: number; values: Record<string, number | null> }>`
      select distinct on (s.debtor_id) s.debtor_id, s.as_of, s.probability, f."values"
      from risk_scores s
      join risk_feature_snapshots f on f.tenant_id = s.tenant_id and f.id = s.feature_snapshot_id
      where s.tenant_id = ${tenantId} and s.model_id = ${modelId} and s.model_version = ${version}
        and s.as_of >= ${window.windowFrom} and s.as_of <= ${window.windowTo}
      order by s.debtor_id, s.as_of desc, s.created_at desc, s.id desc`.execute(this.db);
    const n = scored.rows.length;
    const probability = new Float64Array(n);
    const columns = window.featureNames.map(() => new Float64Array(n));
    const matured = new Uint8Array(n);
    const labels = new Uint8Array(n);
    // The last as-of date whose outcome window (D, D + horizon] has wholly passed.
    const lastMatured = addDays(window.today, -window.horizonDays);
    const maturedDebtors: string[] = [];
    scored.rows.forEach((row, i) => {
      probability[i] = Number(row.probability);
      window.featureNames.forEach((name, f) => {
        const value = row.values[name];
        columns[f]![i] = value == null ? Number.NaN : value;
      });
      if (String(row.as_of) <= lastMatured) {
        matured[i] = 1;
        maturedDebtors.push(row.debtor_id);
      }
    });
    if (maturedDebtors.length > 0) {
      const arrears = await this.db
        .selectFrom('data_point_events')
        .select(['debtor_id', 'occurred_on'])
        .where('tenant_id', '=', tenantId)
        .where('type', '=', ARREARS_OUTCOME_TYPE)
        // One array parameter, however many debtors: an IN list would hit the protocol's parameter limit.
        .where(sql<boolean>`debtor_id = any(${sql.val(maturedDebtors)}::uuid[])`)
        .where('occurred_on', '>', window.windowFrom)
        .execute();
      const arrearsDays = new Map<string, IsoDate[]>();
      for (const event of arrears) {
        const days = arrearsDays.get(event.debtor_id);
        if (days) days.push(String(event.occurred_on));
        else arrearsDays.set(event.debtor_id, [String(event.occurred_on)]);
      }
      scored.rows.forEach((row, i) => {
        if (matured[i] === 1) labels[i] = arrearsLabel(arrearsDays.get(row.debtor_id) ?? [], String(row.as_of), window.horizonDays);
      });
    }
    return { probability, columns, matured, labels };
  }
}
