/**
 * The per-tenant model registry in the database, so every instance sees the same models: versions
 * (immutable, written in one transaction with their metadata), the champion per model id that scores,
 * and the promotion history that rollback walks back through.
 *
 * A tenant that has never trained gets the starter models shipped in `models/` as version 1 and
 * champion the first time it lists or scores, so a new creditor scores from day one.
 */
import { recordEvent } from '../webhooks/events.js';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import { AppError, notFound } from '../platform/errors.js';
import { readEvaluationFile } from '../model-reports/evaluation-csv.js';
import type { EvaluationSet } from '../model-reports/evaluation-set.js';
import type { FeatureSetId } from '../risk-features/catalogue.js';
import { assertEvaluationSetFits, insertEvaluationSet, readEvaluationSet } from './evaluation-storage.js';
import { parseRiskModelBundle, serializeRiskModelBundle, type RiskModelBundle, type RiskModelMetrics, type RiskBand } from './risk-model-bundle.js';
import { RiskModel } from './risk-model.js';
import type { ModelVersionSource, RiskModelVersionRow } from './risk-models.table.js';

type Trx = Kysely<Database>;

/** The model that scores each feature set; the starter models ship under these ids. */
export const MODEL_ID_FOR_FEATURE_SET: Record<FeatureSetId, string> = {
  'bank-and-data-points': 'early-warning',
  'data-points-only': 'early-warning-data-points',
};

export const STARTER_MODEL_IDS = Object.values(MODEL_ID_FOR_FEATURE_SET);

/** models/ at the repository root, from the sources (src/risk-models) and from the build (dist/src/risk-models). */
export function defaultStarterDirectory(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? '../../models/' : '../../../models/', import.meta.url);
}

export interface ModelVersionSummary {
  modelId: string;
  version: number;
  source: ModelVersionSource;
  learner: string;
  featureSet: string;
  catalogueVersion: string | null;
  horizonDays: number;
  window: { from: string | null; to: string | null };
  fingerprint: string;
  seed: number;
  codeVersion: string;
  trainingRunId: string | null;
  createdBy: string | null;
  createdAt: string;
  isChampion: boolean;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  metrics: RiskModelMetrics;
  bands: RiskBand[];
  calibration: RiskModelBundle['calibration']['kind'];
  featureNames: string[];
}

export interface ModelSummary {
  modelId: string;
  featureSet: string;
  championVersion: number | null;
  latestVersion: number;
  versionCount: number;
}

export interface LoadedChampion {
  version: number;
  model: RiskModel;
  source: ModelVersionSource;
}

/** Reads a starter model's evaluation set from its directory (models/<id>/evaluation.csv); null when it ships none. */
export type StarterEvaluationLoader = (modelDirectory: URL, bundle: RiskModelBundle) => Promise<EvaluationSet | null>;

interface StarterModel {
  bundle: RiskModelBundle;
  evaluation: EvaluationSet | null;
}

export interface PromotionRecord {
  action: 'starter' | 'promote' | 'rollback';
  version: number;
  previousVersion: number | null;
  undone: boolean;
  actor: string;
  at: string;
}

export class ModelRegistry {
  /** Loaded models by (tenant, model id, version): a version never changes, so an entry never goes stale. */
  private readonly models = new Map<string, Promise<RiskModel>>();
  private starterBundles: Promise<StarterModel[]> | null = null;
  /** Tenants whose starter models are known to be registered, so scoring skips the check. */
  private readonly startersChecked = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly starterDirectory: URL = defaultStarterDirectory(),
    private readonly starterEvaluation: StarterEvaluationLoader = (dir, bundle) => readEvaluationFile(fileURLToPath(dir), bundle.featureNames),
  ) {}

  /** Starter bundles, read once per process. A starter that is missing is skipped (and said in the listing: no model). */
  private loadStarters(): Promise<StarterModel[]> {
    this.starterBundles ??= (async () => {
      const bundles: StarterModel[] = [];
      for (const modelId of STARTER_MODEL_IDS) {
        const file = new URL(`${modelId}/model.json`, this.starterDirectory);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch {
          continue;
        }
        const bundle = parseRiskModelBundle(JSON.parse(text));
        if (bundle.modelId !== modelId) throw new Error(`${file.pathname} holds model "${bundle.modelId}", expected "${modelId}"`);
        const evaluation = await this.starterEvaluation(new URL(`${modelId}/`, this.starterDirectory), bundle);
        if (evaluation) assertEvaluationSetFits(evaluation, bundle.featureNames);
        bundles.push({ bundle, evaluation });
      }
      return bundles;
    })();
    return this.starterBundles;
  }

  /**
   * Registers the shipped starter models as version 1 and champion for each starter model id the
   * tenant has no version of. Safe to run from several instances at once: the inserts skip what
   * another instance wrote first.
   */
  async ensureStarterModels(tenantId: string): Promise<void> {
    if (this.startersChecked.has(tenantId)) return;
    const starters = await this.loadStarters();
    const present = new Set(
      (await this.db.selectFrom('risk_model_versions').select('model_id').distinct().where('tenant_id', '=', tenantId).where('model_id', 'in', STARTER_MODEL_IDS).execute()).map((r) => r.model_id),
    );
    for (const { bundle, evaluation } of starters) {
      if (present.has(bundle.modelId)) continue;
      await this.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('risk_model_versions')
          .values(versionValues(tenantId, 1, bundle, { source: 'starter', createdBy: null, trainingRunId: null }))
          .onConflict((oc) => oc.columns(['tenant_id', 'model_id', 'version']).doNothing())
          .returning('version')
          .executeTakeFirst();
        if (!inserted) return;
        await trx.insertInto('risk_model_champions').values({ tenant_id: tenantId, model_id: bundle.modelId, version: 1 }).onConflict((oc) => oc.columns(['tenant_id', 'model_id']).doNothing()).execute();
        await trx.insertInto('risk_model_promotions').values({ tenant_id: tenantId, model_id: bundle.modelId, action: 'starter', version: 1, previous_version: null, actor: 'service' }).execute();
        // Simulated households, not the tenant's debtors: nothing for erasure to find.
        if (evaluation) await insertEvaluationSet(trx, tenantId, bundle.modelId, 1, evaluation, { debtorRows: false });
      });
    }
    this.startersChecked.add(tenantId);
  }

  /**
   * Writes a new version with its metadata in one transaction and returns its number. `alsoInTransaction`
   * runs inside the same transaction after the insert (the training runner marks its run succeeded
   * there), so either both happen or neither. A model id without a champion gets this version as
   * champion, so a newly named model can score at once; otherwise an analyst promotes it.
   * `meta.evaluation`, the rows the version's report is computed from, is stored in the same
   * transaction; a training run's rows name the tenant's debtors, so erasure can remove them.
   */
  async writeVersion(
    tenantId: string,
    bundle: RiskModelBundle,
    meta: { source: ModelVersionSource; createdBy: string | null; trainingRunId: string | null; evaluation?: EvaluationSet | null },
    alsoInTransaction?: (trx: Trx, version: number) => Promise<void>,
  ): Promise<number> {
    // The starter stays version 1 of its model id, so a tenant's first trained model can be rolled back to it.
    await this.ensureStarterModels(tenantId);
    // Validates and normalises exactly as model.json would be written.
    const normalised = parseRiskModelBundle(JSON.parse(serializeRiskModelBundle(bundle)));
    if (meta.evaluation) assertEvaluationSetFits(meta.evaluation, normalised.featureNames);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const latest = await trx
            .selectFrom('risk_model_versions')
            .select((eb) => eb.fn.max('version').as('max'))
            .where('tenant_id', '=', tenantId)
            .where('model_id', '=', normalised.modelId)
            .executeTakeFirst();
          const version = Number(latest?.max ?? 0) + 1;
          await trx.insertInto('risk_model_versions').values(versionValues(tenantId, version, normalised, meta)).execute();
          if (meta.evaluation) await insertEvaluationSet(trx, tenantId, normalised.modelId, version, meta.evaluation, { debtorRows: meta.source === 'training-run' });
          const champion = await trx.selectFrom('risk_model_champions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', normalised.modelId).executeTakeFirst();
          if (!champion) {
            await trx.insertInto('risk_model_champions').values({ tenant_id: tenantId, model_id: normalised.modelId, version }).execute();
            await trx.insertInto('risk_model_promotions').values({ tenant_id: tenantId, model_id: normalised.modelId, action: 'promote', version, previous_version: null, actor: meta.createdBy ?? 'service' }).execute();
            await recordEvent(trx, tenantId, { type: 'model.promoted', debtorId: null, subject: { type: 'model', id: normalised.modelId }, data: { modelId: normalised.modelId, version, previousVersion: null } });
          }
          if (alsoInTransaction) await alsoInTransaction(trx, version);
          return version;
        });
      } catch (error) {
        // Two writers took the same next number: the loser tries again with the next one.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  async listModels(tenantId: string): Promise<ModelSummary[]> {
    await this.ensureStarterModels(tenantId);
    const rows = await this.db
      .selectFrom('risk_model_versions as v')
      .leftJoin('risk_model_champions as c', (join) => join.onRef('c.tenant_id', '=', 'v.tenant_id').onRef('c.model_id', '=', 'v.model_id'))
      .select((eb) => ['v.model_id', eb.fn.max('v.version').as('latest'), eb.fn.countAll().as('count'), eb.fn.max('c.version').as('champion'), eb.fn.max('v.feature_set').as('feature_set')])
      .where('v.tenant_id', '=', tenantId)
      .groupBy('v.model_id')
      .orderBy('v.model_id')
      .execute();
    return rows.map((r) => ({
      modelId: r.model_id,
      featureSet: String(r.feature_set),
      championVersion: r.champion === null ? null : Number(r.champion),
      latestVersion: Number(r.latest),
      versionCount: Number(r.count),
    }));
  }

  async listVersions(tenantId: string, modelId: string): Promise<{ versions: ModelVersionSummary[]; history: PromotionRecord[] }> {
    await this.ensureStarterModels(tenantId);
    const [rows, champion, history] = await Promise.all([
      this.versionQuery(tenantId, modelId).orderBy('version', 'desc').execute(),
      this.championVersion(tenantId, modelId),
      this.db.selectFrom('risk_model_promotions').selectAll().where('tenant_id', '=', tenantId).where('model_id', '=', modelId).orderBy('id').execute(),
    ]);
    if (rows.length === 0) throw notFound(`model ${modelId}`);
    return {
      versions: rows.map((row) => summaryOf(row, champion)),
      history: history.map((h) => ({ action: h.action, version: h.version, previousVersion: h.previous_version, undone: h.undone, actor: h.actor, at: new Date(h.created_at).toISOString() })),
    };
  }

  async getVersion(tenantId: string, modelId: string, version: number): Promise<ModelVersionDetail> {
    await this.ensureStarterModels(tenantId);
    const row = await this.versionQuery(tenantId, modelId).select(['bundle']).where('version', '=', version).executeTakeFirst();
    if (!row) throw notFound(`version ${version} of model ${modelId}`);
    const bundle = row.bundle as RiskModelBundle;
    return {
      ...summaryOf(row, await this.championVersion(tenantId, modelId)),
      metrics: bundle.metrics,
      bands: bundle.bands,
      calibration: bundle.calibration.kind,
      featureNames: bundle.featureNames,
    };
  }

  /**
   * A version's model and evaluation set, for its report. A starter version registered before
   * evaluation sets were stored gets the shipped set now, when the shipped model is the same one
   * (same fingerprint). not_found for an unknown version or another tenant's.
   */
  async versionForReport(
    tenantId: string,
    modelId: string,
    version: number,
  ): Promise<{ model: RiskModel; source: ModelVersionSource; trainingRunId: string | null; evaluation: EvaluationSet | null }> {
    await this.ensureStarterModels(tenantId);
    const row = await this.db.selectFrom('risk_model_versions').select(['source', 'fingerprint', 'training_run_id']).where('tenant_id', '=', tenantId).where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
    if (!row) throw notFound(`version ${version} of model ${modelId}`);
    const model = await this.model(tenantId, modelId, version);
    let evaluation = await readEvaluationSet(this.db, tenantId, modelId, version);
    if (!evaluation && row.source === 'starter') {
      const shipped = (await this.loadStarters()).find((s) => s.bundle.modelId === modelId && s.bundle.fingerprint === row.fingerprint);
      if (shipped?.evaluation) {
        await this.db
          .transaction()
          .execute((trx) => insertEvaluationSet(trx, tenantId, modelId, version, shipped.evaluation!, { debtorRows: false }))
          .catch((error: unknown) => {
            // Another request stored it first: fine, it is the same set.
            if (!isUniqueViolation(error)) throw error;
          });
        evaluation = shipped.evaluation;
      }
    }
    return { model, source: row.source, trainingRunId: row.training_run_id, evaluation };
  }

  async championVersion(tenantId: string, modelId: string): Promise<number | null> {
    const row = await this.db.selectFrom('risk_model_champions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).executeTakeFirst();
    return row?.version ?? null;
  }

  /** The champion of a model, loaded (from the cache when this instance has used that version before). */
  async champion(tenantId: string, modelId: string): Promise<LoadedChampion | null> {
    return (await this.champions(tenantId, [modelId])).get(modelId) ?? null;
  }

  /** The champions of several models in one query; a model without one is absent from the map. */
  async champions(tenantId: string, modelIds: readonly string[]): Promise<Map<string, LoadedChampion>> {
    await this.ensureStarterModels(tenantId);
    const rows = await this.db
      .selectFrom('risk_model_champions as c')
      .innerJoin('risk_model_versions as v', (join) => join.onRef('v.tenant_id', '=', 'c.tenant_id').onRef('v.model_id', '=', 'c.model_id').onRef('v.version', '=', 'c.version'))
      .select(['c.model_id', 'c.version', 'v.source'])
      .where('c.tenant_id', '=', tenantId)
      .where('c.model_id', 'in', modelIds)
      .execute();
    const loaded = new Map<string, LoadedChampion>();
    for (const row of rows) loaded.set(row.model_id, { version: row.version, source: row.source, model: await this.model(tenantId, row.model_id, row.version) });
    return loaded;
  }

  /** A version's RiskModel, built once per process and version. */
  model(tenantId: string, modelId: string, version: number): Promise<RiskModel> {
    const key = JSON.stringify([tenantId, modelId, version]);
    let cached = this.models.get(key);
    if (!cached) {
      cached = (async () => {
        const row = await this.db.selectFrom('risk_model_versions').select('bundle').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
        if (!row) throw notFound(`version ${version} of model ${modelId}`);
        return RiskModel.fromBundle(parseRiskModelBundle(row.bundle));
      })();
      this.models.set(key, cached);
      // A failed load is not cached: the next request tries again.
      cached.catch(() => this.models.delete(key));
    }
    return cached;
  }

  /** Makes a version the champion; promoting the current champion changes nothing. */
  async promote(tenantId: string, modelId: string, version: number, actor: string): Promise<{ version: number; previousVersion: number | null }> {
    await this.ensureStarterModels(tenantId);
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('risk_model_versions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
      if (!exists) throw notFound(`version ${version} of model ${modelId}`);
      const current = await trx.selectFrom('risk_model_champions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).forUpdate().executeTakeFirst();
      if (current?.version === version) return { version, previousVersion: version };
      if (current) {
        await trx.updateTable('risk_model_champions').set({ version, updated_at: sql<Date>`now()` }).where('tenant_id', '=', tenantId).where('model_id', '=', modelId).execute();
      } else {
        await trx.insertInto('risk_model_champions').values({ tenant_id: tenantId, model_id: modelId, version }).execute();
      }
      await trx.insertInto('risk_model_promotions').values({ tenant_id: tenantId, model_id: modelId, action: 'promote', version, previous_version: current?.version ?? null, actor }).execute();
      await recordEvent(trx, tenantId, { type: 'model.promoted', debtorId: null, subject: { type: 'model', id: modelId }, data: { modelId, version, previousVersion: current?.version ?? null } });
      return { version, previousVersion: current?.version ?? null };
    });
  }

  /**
   * Undoes the latest promotion not yet undone: the champion goes back to the version it replaced.
   * Rolling back again walks further back; there is nothing to roll back to before the first champion.
   */
  async rollback(tenantId: string, modelId: string, actor: string): Promise<{ version: number; previousVersion: number }> {
    await this.ensureStarterModels(tenantId);
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('risk_model_champions').select('version').where('tenant_id', '=', tenantId).where('model_id', '=', modelId).forUpdate().executeTakeFirst();
      if (!current) throw notFound(`model ${modelId}`);
      const last = await trx
        .selectFrom('risk_model_promotions')
        .select(['id', 'version', 'previous_version'])
        .where('tenant_id', '=', tenantId)
        .where('model_id', '=', modelId)
        .where('action', 'in', ['starter', 'promote'])
        .where('undone', '=', false)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last || last.previous_version === null) throw new AppError('invalid_state', `model ${modelId} has no earlier champion to roll back to`);
      await trx.updateTable('risk_model_promotions').set({ undone: true }).where('tenant_id', '=', tenantId).where('id', '=', last.id).execute();
      await trx.updateTable('risk_model_champions').set({ version: last.previous_version, updated_at: sql<Date>`now()` }).where('tenant_id', '=', tenantId).where('model_id', '=', modelId).execute();
      await trx.insertInto('risk_model_promotions').values({ tenant_id: tenantId, model_id: modelId, action: 'rollback', version: last.previous_version, previous_version: current.version, actor }).execute();
      await recordEvent(trx, tenantId, { type: 'model.rolled_back', debtorId: null, subject: { type: 'model', id: modelId }, data: { modelId, version: last.previous_version, previousVersion: current.version } });
      return { version: last.previous_version, previousVersion: current.version };
    });
  }

  private versionQuery(tenantId: string, modelId: string) {
    return this.db
      .selectFrom('risk_model_versions')
      .select(['model_id', 'version', 'source', 'learner', 'feature_set', 'catalogue_version', 'horizon_days', 'window_from', 'window_to', 'fingerprint', 'seed', 'code_version', 'training_run_id', 'created_by', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('model_id', '=', modelId);
  }
}

function versionValues(tenantId: string, version: number, bundle: RiskModelBundle, meta: { source: ModelVersionSource; createdBy: string | null; trainingRunId: string | null }) {
  return {
    tenant_id: tenantId,
    model_id: bundle.modelId,
    version,
    bundle: serializeRiskModelBundle(bundle),
    learner: bundle.learner,
    feature_set: bundle.featureSet,
    catalogue_version: bundle.catalogueVersion,
    horizon_days: bundle.horizonDays,
    window_from: bundle.window.from,
    window_to: bundle.window.to,
    fingerprint: bundle.fingerprint,
    seed: bundle.seed,
    code_version: bundle.codeVersion,
    metrics: JSON.stringify(bundle.metrics),
    source: meta.source,
    training_run_id: meta.trainingRunId,
    created_by: meta.createdBy,
  };
}

type VersionSummaryRow = Pick<
  RiskModelVersionRow,
  'model_id' | 'version' | 'source' | 'learner' | 'feature_set' | 'catalogue_version' | 'horizon_days' | 'window_from' | 'window_to' | 'fingerprint' | 'seed' | 'code_version' | 'training_run_id' | 'created_by' | 'created_at'
>;

function summaryOf(row: VersionSummaryRow, champion: number | null): ModelVersionSummary {
  return {
    modelId: row.model_id,
    version: row.version,
    source: row.source,
    learner: row.learner,
    featureSet: row.feature_set,
    catalogueVersion: row.catalogue_version,
    horizonDays: row.horizon_days,
    window: { from: row.window_from, to: row.window_to },
    fingerprint: row.fingerprint,
    seed: Number(row.seed),
    codeVersion: row.code_version,
    trainingRunId: row.training_run_id,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    isChampion: champion === row.version,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
