// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A bank file the debtor uploaded on their own page, parsed but not yet used: the debtor first sees
  // what was read (summary) and confirms or discards it. Without JavaScript the file cannot travel
  // between the two form posts, so its bytes wait here. It is personal bank data like any other: it
  // goes with the consent (cascade), with the debtor (cascade, and listed in the GDPR erasure), and
  // after expires_at (a day) even when the debtor never comes back.
  await db.schema
    .createTable('bank_upload_drafts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    // As the browser sent it, shown back to the debtor; bounded so a hostile name cannot bloat the row.
    .addColumn('file_name', 'text', (c) => c.check(sql`char_length(file_name) <= 200`))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull().check(sql`byte_size >= 0`))
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    // What the debtor is shown (accounts, months, counts): computed once at upload, never re-parsed to show it.
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('bank_upload_drafts_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('bank_upload_drafts_consent_fk', ['tenant_id', 'consent_id'], 'consents', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('bank_upload_drafts_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  // Every read, the per-consent cap and the erasure at the end of a consent look drafts up by consent.
  // The purge of expired drafts scans the table: it holds at most a day of a few drafts per consent.
  await db.schema.createIndex('bank_upload_drafts_consent_ix').on('bank_upload_drafts').columns(['tenant_id', 'consent_id']).execute();
  // The GDPR export and erasure look them up by debtor.
  await db.schema.createIndex('bank_upload_drafts_debtor_ix').on('bank_upload_drafts').columns(['tenant_id', 'debtor_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bank_upload_drafts').execute();
}
