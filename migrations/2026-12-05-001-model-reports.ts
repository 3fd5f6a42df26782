// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // What the creditor tells about the debtor's segments (household type, income source, age band,
  // region), so a model report can state every metric per segment. Optional: a creditor that supplies
  // none gets a report that says so.
  await db.schema.alterTable('debtors').addColumn('segments', 'jsonb').execute();

  // The rows a model version is evaluated on (see src/model-reports/evaluation-set.ts), one per
  // version, written in the same transaction as the version. Stored column by column in one jsonb
  // value: a report always reads the whole set, never a single row, and one value per version keeps
  // registering the starter models for a new tenant to one insert each.
  await db.schema
    .createTable('risk_model_evaluation_sets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('window_from', 'date')
    .addColumn('window_to', 'date')
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('risk_model_evaluation_sets_pk', ['tenant_id', 'model_id', 'version'])
    .addForeignKeyConstraint('risk_model_evaluation_sets_version_fk', ['tenant_id', 'model_id', 'version'], 'risk_model_versions', ['tenant_id', 'model_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();

  // Which of the tenant's debtors have rows in which evaluation set, so erasing a debtor finds the sets
  // to rewrite without reading every set. No foreign key to debtors on purpose: a cascade would drop
  // this index entry while the rows stayed in the set; erasure rewrites the set and deletes the entry.
  await db.schema
    .createTable('risk_model_evaluation_debtors')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_model_evaluation_debtors_pk', ['tenant_id', 'debtor_id', 'model_id', 'version'])
    .addForeignKeyConstraint('risk_model_evaluation_debtors_set_fk', ['tenant_id', 'model_id', 'version'], 'risk_model_evaluation_sets', ['tenant_id', 'model_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('risk_model_evaluation_debtors').execute();
  await db.schema.dropTable('risk_model_evaluation_sets').execute();
  await db.schema.alterTable('debtors').dropColumn('segments').execute();
}
