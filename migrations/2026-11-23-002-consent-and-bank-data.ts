// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('debtors')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('household', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('debtors_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('debtors_external_ref_uq', ['tenant_id', 'external_ref'])
    .execute();

  await db.schema
    .createTable('consents')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('access_accounts', 'boolean', (c) => c.notNull())
    .addColumn('access_balances', 'boolean', (c) => c.notNull())
    .addColumn('access_transactions', 'boolean', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'date', (c) => c.notNull())
    .addColumn('frequency_per_day', 'integer', (c) => c.notNull())
    .addColumn('recurring', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('link_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('evidence', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consents_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('consents_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('consents_debtor_ix').on('consents').columns(['tenant_id', 'debtor_id']).execute();

  await db.schema
    .createTable('bank_uploads')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('replaced_pending', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_uploads_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('bank_uploads_consent_fk', ['tenant_id', 'consent_id'], 'consents', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('bank_uploads_consent_ix').on('bank_uploads').columns(['tenant_id', 'consent_id', 'created_at']).execute();

  await db.schema
    .createTable('bank_accounts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    // One row per account of a debtor whatever consent brought it: a renewed consent must not duplicate
    // the debtor's bank data. consent_id is the consent that last delivered the account.
    .addColumn('account_key', 'text', (c) => c.notNull())
    .addColumn('iban', 'text')
    .addColumn('other_id', 'text')
    .addColumn('currency', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('servicer_bic', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_accounts_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('bank_accounts_key_uq', ['tenant_id', 'debtor_id', 'account_key'])
    .addForeignKeyConstraint('bank_accounts_consent_fk', ['tenant_id', 'consent_id'], 'consents', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('bank_accounts_consent_ix').on('bank_accounts').columns(['tenant_id', 'consent_id']).execute();

  await db.schema
    .createTable('bank_transactions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    .addColumn('upload_id', 'uuid', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('booking_date', 'date', (c) => c.notNull())
    .addColumn('value_date', 'date')
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('counterparty_name', 'text')
    .addColumn('counterparty_iban', 'text')
    .addColumn('counterparty_bic', 'text')
    .addColumn('remittance_unstructured', 'text')
    .addColumn('remittance_structured', 'text')
    .addColumn('end_to_end_id', 'text')
    .addColumn('mandate_id', 'text')
    .addColumn('creditor_id', 'text')
    .addColumn('bank_transaction_code', 'text')
    .addColumn('proprietary_code', 'text')
    .addColumn('return_reason_code', 'text')
    .addColumn('reversal', 'boolean', (c) => c.notNull())
    .addColumn('source_format', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bank_transactions_pk', ['tenant_id', 'id'])
    .execute();
  // Idempotency: a transaction is stored once per account whatever how often its file is sent.
  await db.schema.createIndex('bank_transactions_dedupe_uq').on('bank_transactions').columns(['tenant_id', 'account_id', 'dedupe_key']).unique().execute();
  await db.schema.createIndex('bank_transactions_debtor_date_ix').on('bank_transactions').columns(['tenant_id', 'debtor_id', 'booking_date']).execute();
  await db.schema.createIndex('bank_transactions_consent_ix').on('bank_transactions').columns(['tenant_id', 'consent_id']).execute();

  await db.schema
    .createTable('bank_balances')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    .addColumn('upload_id', 'uuid', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('raw_type', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('bank_balances_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('bank_balances_uq').on('bank_balances').columns(['tenant_id', 'account_id', 'type', 'date']).unique().execute();
  await db.schema.createIndex('bank_balances_consent_ix').on('bank_balances').columns(['tenant_id', 'consent_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['bank_balances', 'bank_transactions', 'bank_accounts', 'bank_uploads', 'consents', 'debtors']) {
    await db.schema.dropTable(table).execute();
  }
}
