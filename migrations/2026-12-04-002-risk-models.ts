// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Every trained (or shipped) model a tenant holds. A version is immutable once written: the bundle is
  // the whole model, the other columns repeat its metadata so listings never parse the tree JSON.
  await db.schema
    .createTable('risk_model_versions')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('bundle', 'jsonb', (c) => c.notNull())
    .addColumn('learner', 'text', (c) => c.notNull())
    .addColumn('feature_set', 'text', (c) => c.notNull())
    .addColumn('catalogue_version', 'text')
    .addColumn('horizon_days', 'integer', (c) => c.notNull())
    .addColumn('window_from', 'date')
    .addColumn('window_to', 'date')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('seed', 'bigint', (c) => c.notNull())
    .addColumn('code_version', 'text', (c) => c.notNull())
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('training_run_id', 'uuid')
    // The API key that started the training run; null for the starter models the service registers itself.
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_model_versions_pk', ['tenant_id', 'model_id', 'version'])
    .addCheckConstraint('risk_model_versions_source_ck', sql`source in ('starter', 'training-run')`)
    .addCheckConstraint('risk_model_versions_version_ck', sql`version >= 1`)
    .execute();

  // The version that scores, one per (tenant, model). Read on every score, so other instances see a
  // promotion at once.
  await db.schema
    .createTable('risk_model_champions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_model_champions_pk', ['tenant_id', 'model_id'])
    .addForeignKeyConstraint('risk_model_champions_version_fk', ['tenant_id', 'model_id', 'version'], 'risk_model_versions', ['tenant_id', 'model_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();

  // Every change of champion, oldest first. Rollback undoes the latest promotion that is not yet undone,
  // so repeated rollbacks walk back through the history instead of flipping between two versions.
  await db.schema
    .createTable('risk_model_promotions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'bigserial', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('previous_version', 'integer')
    .addColumn('undone', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_model_promotions_pk', ['tenant_id', 'id'])
    .addCheckConstraint('risk_model_promotions_action_ck', sql`action in ('starter', 'promote', 'rollback')`)
    .addForeignKeyConstraint('risk_model_promotions_version_fk', ['tenant_id', 'model_id', 'version'], 'risk_model_versions', ['tenant_id', 'model_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('risk_model_promotions_model_ix').on('risk_model_promotions').columns(['tenant_id', 'model_id', 'id']).execute();

  await db.schema
    .createTable('risk_training_runs')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('options', 'jsonb', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('result_version', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('heartbeat_at', 'timestamptz')
    .addPrimaryKeyConstraint('risk_training_runs_pk', ['tenant_id', 'id'])
    .addCheckConstraint('risk_training_runs_status_ck', sql`status in ('queued', 'running', 'succeeded', 'failed')`)
    .addCheckConstraint('risk_training_runs_progress_ck', sql`progress >= 0 and progress <= 1`)
    .execute();
  // The runner looks across tenants for the oldest queued run and for running runs with a stale heartbeat.
  await db.schema.createIndex('risk_training_runs_status_ix').on('risk_training_runs').columns(['status', 'created_at']).execute();

  // Features of one debtor as of one day, keyed by everything they depend on (see feature-snapshots.ts).
  await db.schema
    .createTable('risk_feature_snapshots')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('feature_set', 'text', (c) => c.notNull())
    .addColumn('catalogue_version', 'text', (c) => c.notNull())
    .addColumn('data_stamp', 'text', (c) => c.notNull())
    .addColumn('values', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_feature_snapshots_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('risk_feature_snapshots_key_uq', ['tenant_id', 'debtor_id', 'as_of', 'feature_set', 'catalogue_version', 'data_stamp'])
    .addForeignKeyConstraint('risk_feature_snapshots_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();

  // Every score given: who asked, when, with which model, from which snapshot.
  await db.schema
    .createTable('risk_scores')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('feature_set', 'text', (c) => c.notNull())
    .addColumn('probability', 'double precision', (c) => c.notNull())
    .addColumn('band', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('feature_snapshot_id', 'uuid', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_scores_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('risk_scores_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('risk_scores_model_fk', ['tenant_id', 'model_id', 'model_version'], 'risk_model_versions', ['tenant_id', 'model_id', 'version'])
    .addForeignKeyConstraint('risk_scores_snapshot_fk', ['tenant_id', 'feature_snapshot_id'], 'risk_feature_snapshots', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('risk_scores_debtor_ix').on('risk_scores').columns(['tenant_id', 'debtor_id', 'created_at']).execute();

  // The snapshot's data stamp reads count and max(id) of a debtor's balances; without this it scans the tenant.
  await db.schema.createIndex('bank_balances_debtor_ix').on('bank_balances').columns(['tenant_id', 'debtor_id']).execute();

  // The data stamps of a debtor for both feature sets and the fresh snapshots stored under them, in one
  // call (see src/risk-models/feature-snapshots.ts for what the stamp covers and why). A function, because
  // PL/pgSQL keeps its statements' plans for the session: planning the same reads as one ad-hoc
  // statement took longer than running them, on the path that must stay within a few milliseconds.
  // No row: the tenant has no such debtor.
  await sql`
    create function risk_feature_snapshot_lookup(p_tenant text, p_debtor uuid, p_as_of date, p_catalogue text)
    returns table (dp_stamp text, bank_stamp text, dp_id uuid, dp_values jsonb, bank_id uuid, bank_values jsonb)
    language plpgsql stable as $$
    declare
      v_household text;
      v_data_points text;
      v_policies text;
      v_transactions text;
      v_balances text;
      v_corrections text;
      v_learned text;
    begin
      select coalesce(d.household::text, '') into v_household from debtors d where d.tenant_id = p_tenant and d.id = p_debtor;
      if not found then
        return;
      end if;
      select count(*) || ':' || coalesce(max(e.id), 0) into v_data_points from data_point_events e where e.tenant_id = p_tenant and e.debtor_id = p_debtor;
      select coalesce(string_agg(p.kind || '@' || p.version, ',' order by p.kind), '') into v_policies from tenant_policies p where p.tenant_id = p_tenant;
      select count(*) || ':' || coalesce(max(t.id), 0) into v_transactions from bank_transactions t where t.tenant_id = p_tenant and t.debtor_id = p_debtor;
      select count(*) || ':' || coalesce(max(b.id), 0) into v_balances from bank_balances b where b.tenant_id = p_tenant and b.debtor_id = p_debtor;
      select count(*) || ':' || coalesce(max(c.created_at)::text, '') into v_corrections from category_corrections c where c.tenant_id = p_tenant and c.debtor_id = p_debtor;
      select count(*) || ':' || coalesce(max(r.learned_at)::text, '') into v_learned from learned_categorisation_rules r where r.tenant_id = p_tenant;
      dp_stamp := md5(concat_ws('|', 'data-points-only', v_household, v_data_points, v_policies));
      bank_stamp := md5(concat_ws('|', 'bank-and-data-points', v_household, v_data_points, v_policies, v_transactions, v_balances, v_corrections, v_learned));
      select s.id, s."values" into dp_id, dp_values from risk_feature_snapshots s
        where s.tenant_id = p_tenant and s.debtor_id = p_debtor and s.as_of = p_as_of and s.feature_set = 'data-points-only' and s.catalogue_version = p_catalogue and s.data_stamp = dp_stamp;
      select s.id, s."values" into bank_id, bank_values from risk_feature_snapshots s
        where s.tenant_id = p_tenant and s.debtor_id = p_debtor and s.as_of = p_as_of and s.feature_set = 'bank-and-data-points' and s.catalogue_version = p_catalogue and s.data_stamp = bank_stamp;
      return next;
    end
    $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function risk_feature_snapshot_lookup(text, uuid, date, text)`.execute(db);
  await db.schema.dropIndex('bank_balances_debtor_ix').execute();
  await db.schema.dropTable('risk_scores').execute();
  await db.schema.dropTable('risk_feature_snapshots').execute();
  await db.schema.dropTable('risk_training_runs').execute();
  await db.schema.dropTable('risk_model_promotions').execute();
  await db.schema.dropTable('risk_model_champions').execute();
  await db.schema.dropTable('risk_model_versions').execute();
}
