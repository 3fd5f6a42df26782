// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A tenant's ways to reach banks: a bank's own XS2A API or an aggregator. settings holds what is not
  // secret; secrets_sealed holds client secrets and keys sealed with AES-256-GCM (never readable
  // through the API); secret_names says which are set, so an admin can see what is configured.
  await db.schema
    .createTable('bank_connections')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('xs2a', 'gocardless')`))
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('secrets_sealed', 'text')
    .addColumn('secret_names', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_connections_pk', ['tenant_id', 'id'])
    .execute();

  // One attempt of a debtor to let us read their bank under one of our consents, and then the
  // provider consent it created, pulled from until either side ends it. state is the nonce that the
  // return from the bank must carry. A consent may have several (two banks, or a retry).
  await db.schema
    .createTable('bank_authorisations')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('connection_id', 'uuid', (c) => c.notNull())
    .addColumn('provider_consent_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('redirected', 'active', 'rejected', 'failed', 'ended')`))
    .addColumn('history_from', 'date', (c) => c.notNull())
    .addColumn('last_pull_at', 'timestamptz')
    .addColumn('last_pull_outcome', 'text')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('next_pull_after', 'timestamptz')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_at', 'timestamptz')
    // Unattended pulls (no debtor present) that reached the provider on pull_day (tenant time zone):
    // the bank counts those against frequencyPerDay, so we stop before it has to refuse.
    .addColumn('pull_day', 'date')
    .addColumn('pulls_on_day', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addPrimaryKeyConstraint('bank_authorisations_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('bank_authorisations_state_uq', ['tenant_id', 'consent_id', 'state'])
    .addForeignKeyConstraint('bank_authorisations_consent_fk', ['tenant_id', 'consent_id'], 'consents', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('bank_authorisations_connection_fk', ['tenant_id', 'connection_id'], 'bank_connections', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  // The refresh job's scan: active authorisations only (ended ones pile up, active ones do not).
  await db.schema.createIndex('bank_authorisations_active_ix').on('bank_authorisations').columns(['tenant_id', 'next_pull_after']).where(sql.ref('status'), '=', 'active').execute();

  // Every pull, for the creditor's history: when, why, how it ended and what it brought.
  await db.schema
    .createTable('bank_pulls')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('authorisation_id', 'uuid', (c) => c.notNull())
    .addColumn('consent_id', 'uuid', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('debtor', 'creditor', 'schedule')`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('date_from', 'date')
    .addColumn('accounts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replaced_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('balances', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upload_id', 'uuid')
    .addPrimaryKeyConstraint('bank_pulls_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('bank_pulls_authorisation_fk', ['tenant_id', 'authorisation_id'], 'bank_authorisations', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('bank_pulls_consent_ix').on('bank_pulls').columns(['tenant_id', 'consent_id', 'started_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bank_pulls').execute();
  await db.schema.dropTable('bank_authorisations').execute();
  await db.schema.dropTable('bank_connections').execute();
}
