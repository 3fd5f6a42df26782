/**
 * Training on the tenant's own stored data, as an asynchronous job: the API queues a run, an
 * in-process runner on any instance takes it (FOR UPDATE SKIP LOCKED, so two instances never take
 * the same run), builds the training table, trains, and writes the version and the run's success in
 * one transaction. A run whose runner dies stops beating its heartbeat and is marked failed by the
 * next runner that looks; it never leaves a version, because the version is written only in that
 * final transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import type { Dataset } from '../learning/dataset.js';
import { SEGMENT_NAMES, segmentLabel } from '../debtors/debtor-segments.js';
import type { Database } from '../platform/database/schema.js';
import { addDays, addMonths, type IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import { FEATURE_CATALOGUE_VERSION, featureNamesOf, type FeatureSetId } from '../risk-features/catalogue.js';
import { computeFeatures, featureRow } from '../risk-features/compute-features.js';
import { loadFeatureSource } from '../risk-features/stored-features.js';
import type { TrainingTable } from '../risk-features/training-table.js';
import { MODEL_ID_FOR_FEATURE_SET, type ModelRegistry } from './registry.js';
import type { RiskLearner } from './risk-model-bundle.js';
import type { RiskTrainingRunRow } from './risk-models.table.js';
import { RiskTrainingError, trainRiskModel } from './training-pipeline.js';
import { metrics } from '../platform/metrics.js';

export const TRAINING_HORIZON_DAYS = 90;
/** Below these the held-out slices are too small to calibrate or measure anything; the run fails saying so. */
export const MIN_TRAINING_ROWS = 100;
export const MIN_TRAINING_POSITIVES = 10;

export interface TrainingRunOptions {
  modelId: string;
  featureSet: FeatureSetId;
  learner?: RiskLearner;
  seed?: number;
}

export interface TrainingRunView {
  runId: string;
  modelId: string;
  status: RiskTrainingRunRow['status'];
  stage: string;
  progress: number;
  options: TrainingRunOptions;
  resultVersion: number | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
}

/** Queues a run; the model id follows from the feature set unless given. */
export async function queueTrainingRun(
  db: Kysely<Database>,
  tenantId: string,
  input: { modelId?: string; featureSet?: FeatureSetId; learner?: RiskLearner; seed?: number },
  createdBy: string,
): Promise<TrainingRunView> {
  const featureSet = input.featureSet ?? 'data-points-only';
  const modelId = input.modelId ?? MODEL_ID_FOR_FEATURE_SET[featureSet];
  // A model id keeps one feature set: its versions are compared and rolled back against each other.
  const existing = await db.selectFrom('risk_model_versions').select('feature_set').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).limit(1).executeTakeFirst();
  const fixed = existing?.feature_set ?? Object.entries(MODEL_ID_FOR_FEATURE_SET).find(([, id]) => id === modelId)?.[0];
  if (fixed !== undefined && fixed !== featureSet) throw new AppError('conflict', `model ${modelId} uses ${fixed} features; train it with featureSet ${fixed} or choose another modelId`);
  const options: TrainingRunOptions = { modelId, featureSet, ...(input.learner ? { learner: input.learner } : {}), ...(input.seed !== undefined ? { seed: input.seed } : {}) };
  const row = await db
    .insertInto('risk_training_runs')
    .values({ tenant_id: tenantId, id: randomUUID(), model_id: modelId, status: 'queued', stage: 'queued', progress: 0, options: JSON.stringify(options), created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  return viewOf(row);
}

export async function getTrainingRun(db: Kysely<Database>, tenantId: string, runId: string): Promise<TrainingRunView> {
  const row = await db.selectFrom('risk_training_runs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', runId).executeTakeFirst();
  if (!row) throw notFound(`training run ${runId}`);
  return viewOf(row);
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function viewOf(row: RiskTrainingRunRow): TrainingRunView {
  return {
    runId: row.id,
    modelId: row.model_id,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    options: row.options as TrainingRunOptions,
    resultVersion: row.result_version,
    error: row.error,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    heartbeatAt: iso(row.heartbeat_at),
  };
}

/** The data point whose date is the outcome a model predicts. */
export const ARREARS_OUTCOME_TYPE = 'arrears_started';

/**
 * The label of a stored debtor as of D: 1 when an arrears_started data point falls in (D, D + horizonDays].
 * Training and monitoring (src/model-monitoring) both label with this function, so a monitored AUC
 * measures the very outcome the model was trained on.
 */
export function arrearsLabel(arrearsDays: readonly IsoDate[], asOf: IsoDate, horizonDays: number): 0 | 1 {
  const end = addDays(asOf, horizonDays);
  return arrearsDays.some((day) => day > asOf && day <= end) ? 1 : 0;
}

/** Training input the tenant's data cannot give: the run fails with this message. */
export class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}

/**
 * The training table from a tenant's stored data: every debtor with data points (with bank features,
 * only debtors whose early_warning_monitoring consent covers transactions), one row per month start D
 * from the debtor's first data point until the outcome window (D, D + 90] has fully passed in the
 * data; label 1 when an arrears_started data point falls in that window. Features as of D from
 * loadFeatureSource, so they use nothing dated after D.
 */
export async function buildStoredTrainingTable(
  db: Kysely<Database>,
  engine: AffordabilityEngine,
  tenantId: string,
  options: { featureSet: FeatureSetId; today: IsoDate; onProgress?: (done: number, total: number) => Promise<void> | void },
): Promise<TrainingTable> {
  const { featureSet, today } = options;
  const featureNames = featureNamesOf(featureSet);
  let debtorQuery = db
    .selectFrom('data_point_events')
    .select((eb) => ['debtor_id', eb.fn.min('occurred_on').as('first')])
    .where('tenant_id', '=', tenantId)
    .groupBy('debtor_id')
    .orderBy('debtor_id');
  if (featureSet === 'bank-and-data-points') {
    debtorQuery = debtorQuery.where('debtor_id', 'in', (eb) =>
      eb
        .selectFrom('consents')
        .select('debtor_id')
        .where('tenant_id', '=', tenantId)
        .where('purpose', '=', 'early_warning_monitoring')
        .where('access_transactions', '=', true)
        .where('status', '=', 'valid')
        .where('valid_until', '>=', today),
    );
  }
  const debtors = await debtorQuery.execute();
  // The creditor's segments of each debtor: report groups, never features.
  const segmentRows = debtors.length === 0 ? [] : await db.selectFrom('debtors').select(['id', 'segments']).where('tenant_id', '=', tenantId).where('id', 'in', debtors.map((d) => d.debtor_id)).execute();
  const segmentsOf = new Map(segmentRows.map((row) => [row.id, row.segments]));
  const segments: Record<string, (string | null)[]> = Object.fromEntries(SEGMENT_NAMES.map((name) => [name, []]));
  const window = await db
    .selectFrom('data_point_events')
    .select((eb) => [eb.fn.max('occurred_on').as('last')])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const lastDay = window?.last ? String(window.last) : null;
  if (debtors.length === 0 || lastDay === null) {
    throw new TrainingInputError(
      featureSet === 'bank-and-data-points'
        ? 'no debtor has both data points and a valid early_warning_monitoring consent covering transactions; train the data-points-only model instead'
        : 'the tenant has no data points to train on',
    );
  }
  // The last as-of date whose outcome window lies wholly inside the data.
  const lastAsOf = addDays(lastDay, -TRAINING_HORIZON_DAYS);

  const ids: string[] = [];
  const asOfs: IsoDate[] = [];
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  let done = 0;
  for (const debtor of debtors) {
    const events = await db.selectFrom('data_point_events').select('payload').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtor.debtor_id).orderBy('occurred_on').execute();
    const arrearsDays = events.map((e) => e.payload as DataPointEvent).filter((e) => e.type === ARREARS_OUTCOME_TYPE).map((e) => e.occurredOn);
    for (let asOf = firstMonthStartAfter(String(debtor.first)); asOf <= lastAsOf; asOf = addMonths(asOf, 1)) {
      const source = await loadFeatureSource(db, engine, tenantId, debtor.debtor_id, { asOf, today, withBankData: featureSet === 'bank-and-data-points' });
      rows.push(featureRow(computeFeatures(source, featureSet), featureNames));
      labels.push(arrearsLabel(arrearsDays, asOf, TRAINING_HORIZON_DAYS));
      ids.push(`${debtor.debtor_id}@${asOf}`);
      asOfs.push(asOf);
      for (const name of SEGMENT_NAMES) segments[name]!.push(segmentLabel(segmentsOf.get(debtor.debtor_id), name));
    }
    done++;
    await options.onProgress?.(done, debtors.length);
  }
  const positives = labels.reduce((a, b) => a + b, 0);
  if (rows.length < MIN_TRAINING_ROWS || positives < MIN_TRAINING_POSITIVES || rows.length - positives < MIN_TRAINING_POSITIVES) {
    throw new TrainingInputError(
      `too little data to train: ${rows.length} debtor-months (${debtors.length} debtors, data up to ${lastDay}) of which ${positives} were followed by arrears within ${TRAINING_HORIZON_DAYS} days; ` +
        `at least ${MIN_TRAINING_ROWS} debtor-months with ${MIN_TRAINING_POSITIVES} or more of each outcome are needed`,
    );
  }
  const columns = featureNames.map((_, f) => Float64Array.from(rows, (row) => row[f]!));
  const dataset: Dataset = { featureNames, rowCount: rows.length, columns, labels: Uint8Array.from(labels) };
  return { ids, asOf: asOfs, dataset, oracle: null, featureSet, catalogueVersion: FEATURE_CATALOGUE_VERSION, segments: suppliedSegments(segments) };
}

/** Only the segments some debtor has: a segment nobody supplied is reported as not supplied, not as one unknown group. */
function suppliedSegments(segments: Record<string, (string | null)[]>): Record<string, (string | null)[]> {
  return Object.fromEntries(Object.entries(segments).filter(([, values]) => values.some((v) => v !== null)));
}

function firstMonthStartAfter(day: IsoDate): IsoDate {
  return addMonths(`${day.slice(0, 8)}01`, 1);
}

export interface TrainingRunnerOptions {
  /** How often an idle runner looks for queued runs. */
  pollMs: number;
  /** How often a running run beats its heartbeat (and writes its progress). */
  heartbeatMs: number;
  /** A running run whose heartbeat is older than this is taken to be dead and marked failed. */
  staleAfterMs: number;
  today: () => IsoDate;
  log?: { error(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void };
}

/** Test seam: runs inside the final transaction after the version is written (a fault here must leave nothing). */
export type BeforeCommit = (trx: Kysely<Database>, version: number) => Promise<void>;

export class TrainingRunner {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly registry: ModelRegistry,
    private readonly engine: AffordabilityEngine,
    private readonly options: TrainingRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.current = this.runOnce()
        .catch((error: unknown) => this.options.log?.error({ err: error }, 'training runner failed'))
        .finally(() => {
          this.current = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
    this.timer.unref();
  }

  /** Stops looking for runs and waits for the run in hand (if any) to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  /** Marks running runs with a stale heartbeat as failed; returns how many. */
  async failStaleRuns(): Promise<number> {
    const seconds = this.options.staleAfterMs / 1000;
    const result = await this.db
      .updateTable('risk_training_runs')
      .set({ status: 'failed', stage: 'failed', finished_at: sql<Date>`now()`, error: `the runner stopped: no heartbeat for more than ${seconds} s (the process ended or hung); no version was written` })
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${seconds})`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Takes the oldest queued run of any tenant, if one is free, and marks it running. */
  async claim(): Promise<RiskTrainingRunRow | null> {
    const claimed = await sql<RiskTrainingRunRow>`
      update risk_training_runs set status = 'running', stage = 'starting', started_at = now(), heartbeat_at = now()
      where (tenant_id, id) = (
        select tenant_id, id from risk_training_runs where status = 'queued'
        order by created_at, id limit 1 for update skip locked)
      returning *`.execute(this.db);
    return claimed.rows[0] ?? null;
  }

  /** One step of the loop: fail dead runs, then take and run one queued run. Returns the run id or null. */
  async runOnce(beforeCommit?: BeforeCommit): Promise<string | null> {
    await this.failStaleRuns();
    const run = await this.claim();
    if (!run) return null;
    await this.execute(run, beforeCommit);
    return run.id;
  }

  /** Trains a claimed run; every outcome ends in succeeded (with its version) or failed (with why). */
  async execute(run: RiskTrainingRunRow, beforeCommit?: BeforeCommit): Promise<void> {
    const options = run.options as TrainingRunOptions;
    let stage = 'building the training table';
    let progress = 0;
    let lastWritten = -1;
    const writeProgress = async () => {
      await this.db
        .updateTable('risk_training_runs')
        .set({ stage, progress: Math.min(1, Math.max(0, progress)), heartbeat_at: sql<Date>`now()` })
        .where('tenant_id', '=', run.tenant_id)
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .execute();
      lastWritten = Date.now();
    };
    const heartbeat = setInterval(() => {
      writeProgress().catch((error: unknown) => this.options.log?.error({ err: error, runId: run.id }, 'training heartbeat failed'));
    }, this.options.heartbeatMs);
    heartbeat.unref();
    const endTimer = metrics.trainingRuns.startTimer();
    let outcome: 'succeeded' | 'failed' = 'failed';
    const report = async (newStage: string, fraction: number) => {
      stage = newStage;
      progress = fraction;
      if (Date.now() - lastWritten >= Math.min(1000, this.options.heartbeatMs)) await writeProgress();
    };
    try {
      await writeProgress();
      // Table building is the first half of the progress bar, training the second.
      const table = await buildStoredTrainingTable(this.db, this.engine, run.tenant_id, {
        featureSet: options.featureSet,
        today: this.options.today(),
        onProgress: (done, total) => report(`features: ${done} of ${total} debtors`, 0.5 * (done / total)),
      });
      await report(`training on ${table.dataset.rowCount} rows`, 0.5);
      const { bundle, evaluation } = await trainRiskModel(table, {
        modelId: options.modelId,
        horizonDays: TRAINING_HORIZON_DAYS,
        ...(options.learner ? { learner: options.learner } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        onProgress: (p) => {
          stage = `training: ${p.stage}`;
          progress = 0.5 + 0.45 * (p.total > 0 ? p.done / p.total : 0);
        },
      });
      stage = 'writing the version';
      progress = 0.95;
      // The test slice is stored with the version, in its transaction: the rows its report is computed on.
      await this.registry.writeVersion(run.tenant_id, bundle, { source: 'training-run', createdBy: run.created_by, trainingRunId: run.id, evaluation }, async (trx, version) => {
        const done = await trx
          .updateTable('risk_training_runs')
          .set({ status: 'succeeded', stage: 'done', progress: 1, result_version: version, finished_at: sql<Date>`now()`, heartbeat_at: sql<Date>`now()` })
          .where('tenant_id', '=', run.tenant_id)
          .where('id', '=', run.id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        // Declared dead while it worked (a stalled process): its result is dropped with the transaction.
        if (Number(done.numUpdatedRows) !== 1) throw new Error('the run was marked failed while it trained; its version is not kept');
        if (beforeCommit) await beforeCommit(trx, version);
      });
      outcome = 'succeeded';
    } catch (error) {
      const message =
        error instanceof TrainingInputError || error instanceof AppError ? error.message : error instanceof RiskTrainingError ? `the stored data cannot train a model: ${error.message}` : `training failed: ${(error as Error).message}`;
      this.options.log?.error({ err: error, runId: run.id }, 'training run failed');
      await this.db
        .updateTable('risk_training_runs')
        .set({ status: 'failed', stage: 'failed', error: message, finished_at: sql<Date>`now()` })
        .where('tenant_id', '=', run.tenant_id)
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .execute();
    } finally {
      clearInterval(heartbeat);
      endTimer({ outcome });
    }
  }
}
