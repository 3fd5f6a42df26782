// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A creditor's claims (unpaid invoices) with what interest and costs are computed from. Payments are
  // not stored here: they are the debtor's `invoice_paid` data points for the same invoice id, so a
  // payment is told once and counts for the signals and the claim alike.
  await db.schema
    .createTable('claims')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    // The creditor's invoice id: the idempotency key, unique per tenant like an invoice number.
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('principal_cents', 'bigint', (c) => c.notNull().check(sql`principal_cents > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency = 'EUR'`))
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('costs_charged_cents', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`costs_charged_cents >= 0`))
    .addColumn('vat_on_costs', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('interest_basis', 'text', (c) => c.notNull().check(sql`interest_basis in ('statutory_consumer', 'statutory_commercial', 'none', 'contractual')`))
    .addColumn('contractual_rate_basis_points', 'integer')
    .addColumn('fourteen_day_letter_sent_on', 'date')
    .addColumn('fourteen_day_letter_received_on', 'date')
    // Hash of the claim as first sent, to tell an identical resend from a different claim under the same reference.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('claims_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('claims_reference_uq', ['tenant_id', 'external_ref'])
    .addForeignKeyConstraint('claims_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('claims_contractual_rate_ck', sql`(interest_basis = 'contractual') = (contractual_rate_basis_points is not null)`)
    .addCheckConstraint('claims_letter_received_ck', sql`fourteen_day_letter_received_on is null or (fourteen_day_letter_sent_on is not null and fourteen_day_letter_received_on >= fourteen_day_letter_sent_on)`)
    .execute();
  await db.schema.createIndex('claims_debtor_ix').on('claims').columns(['tenant_id', 'debtor_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('claims').execute();
}
