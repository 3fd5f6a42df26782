// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Where a tenant wants events sent, and the secret that signs them (Standard Webhooks, "whsec_<base64>").
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    // A JSON array of event types, or ["*"] for every type.
    .addColumn('event_types', 'jsonb', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('secret_rotated_at', 'timestamptz')
    .addPrimaryKeyConstraint('webhook_endpoints_pk', ['tenant_id', 'id'])
    .execute();

  // The outbox: written in the transaction of the business change, so an event exists exactly when
  // the change committed. seq orders events (per debtor) for delivery; it is global, not per tenant,
  // because an identity is the one ordering that concurrent writers cannot collide on.
  await db.schema
    .createTable('webhook_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // Ids and figures only, never names, addresses or bank texts.
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('webhook_events_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('webhook_events_seq_uq').on('webhook_events').columns(['tenant_id', 'seq']).unique().execute();
  await db.schema.createIndex('webhook_events_debtor_ix').on('webhook_events').columns(['tenant_id', 'debtor_id']).where(sql.ref('debtor_id'), 'is not', null).execute();

  // One delivery per (event, endpoint subscribed when the event was written). debtor_id and event_seq
  // are copies of the event's, so the dispatcher's "nothing earlier of this debtor still pending" test
  // reads one table and one index.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('endpoint_id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid')
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('webhook_deliveries_event_endpoint_uq', ['tenant_id', 'event_id', 'endpoint_id'])
    .addForeignKeyConstraint('webhook_deliveries_event_fk', ['tenant_id', 'event_id'], 'webhook_events', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('webhook_deliveries_endpoint_fk', ['tenant_id', 'endpoint_id'], 'webhook_endpoints', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  // The dispatcher's scan: pending deliveries by when they are due (partial: delivered rows pile up, pending ones do not).
  await db.schema.createIndex('webhook_deliveries_due_ix').on('webhook_deliveries').columns(['next_attempt_at']).where(sql.ref('status'), '=', 'pending').execute();
  // The ordering test: an earlier pending delivery of the same debtor to the same endpoint.
  await db.schema.createIndex('webhook_deliveries_order_ix').on('webhook_deliveries').columns(['tenant_id', 'endpoint_id', 'debtor_id', 'event_seq']).where(sql.ref('status'), '=', 'pending').execute();
  // The delivery log of one endpoint, newest first.
  await db.schema.createIndex('webhook_deliveries_log_ix').on('webhook_deliveries').columns(['tenant_id', 'endpoint_id', 'event_seq']).execute();

  // Plan state is computed on read; this remembers which transitions (an instalment missed, the plan
  // completed or broken) were already announced, so each is sent once however often the plan is read.
  await db.schema
    .createTable('webhook_plan_notices')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid', (c) => c.notNull())
    .addColumn('notice', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('webhook_plan_notices_pk', ['tenant_id', 'plan_id', 'notice'])
    .addForeignKeyConstraint('webhook_plan_notices_plan_fk', ['tenant_id', 'plan_id'], 'repayment_plans', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_plan_notices').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_events').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
}
