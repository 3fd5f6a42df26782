import type { ColumnType, Generated, Selectable } from 'kysely';

export const MODEL_VERSION_SOURCES = ['starter', 'training-run'] as const;
export type ModelVersionSource = (typeof MODEL_VERSION_SOURCES)[number];

export const TRAINING_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type TrainingRunStatus = (typeof TRAINING_RUN_STATUSES)[number];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface RiskModelVersionTable {
  tenant_id: string;
  model_id: string;
  version: number;
  /** The whole RiskModelBundle, exactly as serialised. */
  bundle: Json<unknown>;
  learner: string;
  feature_set: string;
  catalogue_version: string | null;
  horizon_days: number;
  window_from: ColumnType<string | null, string | null, string | null>;
  window_to: ColumnType<string | null, string | null, string | null>;
  fingerprint: string;
  /** bigint: read back as a string by node-postgres, as a number by PGlite; the registry converts. */
  seed: number;
  code_version: string;
  metrics: Json<unknown>;
  source: ModelVersionSource;
  training_run_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface RiskModelChampionTable {
  tenant_id: string;
  model_id: string;
  version: number;
  updated_at: Timestamp;
}

export interface RiskModelPromotionTable {
  tenant_id: string;
  id: Generated<number>;
  model_id: string;
  action: 'starter' | 'promote' | 'rollback';
  version: number;
  previous_version: number | null;
  undone: ColumnType<boolean, boolean | undefined, boolean>;
  actor: string;
  created_at: Timestamp;
}

export interface RiskTrainingRunTable {
  tenant_id: string;
  id: string;
  model_id: string;
  status: TrainingRunStatus;
  /** What the runner is doing now, in words (e.g. "features 120/400"). */
  stage: string;
  progress: number;
  options: Json<unknown>;
  error: string | null;
  result_version: number | null;
  created_by: string;
  created_at: Timestamp;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RiskFeatureSnapshotTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  as_of: ColumnType<string, string, string>;
  feature_set: string;
  catalogue_version: string;
  data_stamp: string;
  values: Json<Record<string, number | null>>;
  created_at: Timestamp;
}

export interface RiskScoreTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  as_of: ColumnType<string, string, string>;
  model_id: string;
  model_version: number;
  feature_set: string;
  probability: number;
  band: string;
  reasons: Json<unknown>;
  feature_snapshot_id: string;
  requested_by: string;
  created_at: Timestamp;
}

/** Who was served a remembered score (src/risk-models/score-memory.ts): counted per key and day. */
export interface RiskScoreServingTable {
  tenant_id: string;
  score_id: string;
  requested_by: string;
  day: ColumnType<string, string, string>;
  served: number;
  first_served_at: Timestamp;
  last_served_at: Timestamp;
}

/** A version's evaluation set, column by column (src/risk-models/evaluation-storage.ts reads and writes it). */
export interface RiskModelEvaluationSetTable {
  tenant_id: string;
  model_id: string;
  version: number;
  description: string;
  window_from: ColumnType<string | null, string | null, string | null>;
  window_to: ColumnType<string | null, string | null, string | null>;
  row_count: number;
  data: Json<unknown>;
  created_at: Timestamp;
}

/** Which debtor has rows in which evaluation set: erasure's way in. */
export interface RiskModelEvaluationDebtorTable {
  tenant_id: string;
  debtor_id: string;
  model_id: string;
  version: number;
}

export interface RiskModelTables {
  risk_model_versions: RiskModelVersionTable;
  risk_model_champions: RiskModelChampionTable;
  risk_model_promotions: RiskModelPromotionTable;
  risk_training_runs: RiskTrainingRunTable;
  risk_feature_snapshots: RiskFeatureSnapshotTable;
  risk_scores: RiskScoreTable;
  risk_score_servings: RiskScoreServingTable;
  risk_model_evaluation_sets: RiskModelEvaluationSetTable;
  risk_model_evaluation_debtors: RiskModelEvaluationDebtorTable;
}

export type RiskModelVersionRow = Selectable<RiskModelVersionTable>;
export type RiskTrainingRunRow = Selectable<RiskTrainingRunTable>;
