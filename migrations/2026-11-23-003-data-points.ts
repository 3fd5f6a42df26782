// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_point_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('invoice_id', 'text')
    .addColumn('amount_cents', 'bigint')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('data_point_events_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('data_point_events_event_uq', ['tenant_id', 'event_id'])
    .addForeignKeyConstraint('data_point_events_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('data_point_events_debtor_ix').on('data_point_events').columns(['tenant_id', 'debtor_id', 'occurred_on']).execute();
  await db.schema.createIndex('data_point_events_invoice_ix').on('data_point_events').columns(['tenant_id', 'debtor_id', 'invoice_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('data_point_events').execute();
}
