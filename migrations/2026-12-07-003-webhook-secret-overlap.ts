// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // After a rotation the old secret keeps signing beside the new one until previous_secret_until, so a
  // receiver can switch secrets without dropping events (Standard Webhooks: several signatures per header).
  await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret', 'text').execute();
  await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret_until', 'timestamptz').execute();
  // The retention purge finds delivered rows by when they were delivered.
  await db.schema.createIndex('webhook_deliveries_delivered_ix').on('webhook_deliveries').columns(['tenant_id', 'delivered_at']).where(sql.ref('status'), '=', 'delivered').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_delivered_ix').execute();
  await db.schema.alterTable('webhook_endpoints').dropColumn('previous_secret_until').execute();
  await db.schema.alterTable('webhook_endpoints').dropColumn('previous_secret').execute();
}
