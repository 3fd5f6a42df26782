import type { ColumnType, Selectable } from 'kysely';

export const MONITORING_TRIGGERS = ['schedule', 'manual'] as const;
export type MonitoringTrigger = (typeof MONITORING_TRIGGERS)[number];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** One monitoring point: a model version read over one window of stored scores (src/model-monitoring). */
export interface ModelMonitoringPointTable {
  tenant_id: string;
  model_id: string;
  model_version: number;
  window_from: ColumnType<string, string, string>;
  window_to: ColumnType<string, string, string>;
  computed_at: Timestamp;
  rows: number;
  score_psi: number | null;
  max_feature_psi: number | null;
  max_feature: string | null;
  /** Feature name → PSI (null where it could not be computed). */
  feature_psi: Json<Record<string, number | null>>;
  rows_with_outcome: number;
  auc: number | null;
  brier: number | null;
  ece: number | null;
  drift: boolean;
  drift_threshold: number;
  trigger: MonitoringTrigger;
}

export interface ModelMonitoringTables {
  model_monitoring_points: ModelMonitoringPointTable;
}

export type ModelMonitoringPointRow = Selectable<ModelMonitoringPointTable>;
