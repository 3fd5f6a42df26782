// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One monitoring reading of one model version over one window of stored scores (see
  // src/model-monitoring). Keyed by the window's last day: a rerun for the same window replaces the
  // point instead of adding a second one, so the time series has one point per window. Aggregates
  // only: no debtor id, so erasing a debtor leaves nothing to rewrite here.
  await db.schema
    .createTable('model_monitoring_points')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('window_from', 'date', (c) => c.notNull())
    .addColumn('window_to', 'date', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('score_psi', 'double precision')
    .addColumn('max_feature_psi', 'double precision')
    .addColumn('max_feature', 'text')
    .addColumn('feature_psi', 'jsonb', (c) => c.notNull())
    .addColumn('rows_with_outcome', 'integer', (c) => c.notNull())
    .addColumn('auc', 'double precision')
    .addColumn('brier', 'double precision')
    .addColumn('ece', 'double precision')
    .addColumn('drift', 'boolean', (c) => c.notNull())
    // The PSI above which the point was flagged: the setting can change later, the flag stays explained.
    .addColumn('drift_threshold', 'double precision', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_monitoring_points_pk', ['tenant_id', 'model_id', 'model_version', 'window_to'])
    .addCheckConstraint('model_monitoring_points_trigger_ck', sql`trigger in ('schedule', 'manual')`)
    .addCheckConstraint('model_monitoring_points_window_ck', sql`window_from <= window_to`)
    .addForeignKeyConstraint('model_monitoring_points_version_fk', ['tenant_id', 'model_id', 'model_version'], 'risk_model_versions', ['tenant_id', 'model_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();

  // The window reads each debtor's latest score of one model version by as-of date; without this it
  // scans every score of the tenant.
  await db.schema.createIndex('risk_scores_model_as_of_ix').on('risk_scores').columns(['tenant_id', 'model_id', 'model_version', 'as_of']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('risk_scores_model_as_of_ix').execute();
  await db.schema.dropTable('model_monitoring_points').execute();
}
