// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Offers keep the options exactly as computed: accepting one must give the schedule the debtor saw,
  // even when the bank data or the policy has changed since.
  await db.schema
    .createTable('repayment_plan_offers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('replaces_plan_id', 'uuid')
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('expires_on', 'date', (c) => c.notNull())
    .addColumn('claim_ids', 'jsonb', (c) => c.notNull())
    .addColumn('options', 'jsonb', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'accepted')`))
    .addColumn('accepted_option_id', 'text')
    .addColumn('plan_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('repayment_plan_offers_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('repayment_plan_offers_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('repayment_plan_offers_accepted_ck', sql`(status = 'accepted') = (plan_id is not null and accepted_option_id is not null)`)
    .execute();
  await db.schema.createIndex('repayment_plan_offers_debtor_ix').on('repayment_plan_offers').columns(['tenant_id', 'debtor_id']).execute();

  await db.schema
    .createTable('repayment_plans')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    // Numbered per tenant, so the instalment references (RF + plan number + instalment number) stay short and typable.
    .addColumn('plan_number', 'bigint', (c) => c.notNull().check(sql`plan_number between 1 and 999999999999`))
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('offer_id', 'uuid', (c) => c.notNull())
    .addColumn('option_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('claim_ids', 'jsonb', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull().check(sql`total_cents > 0`))
    .addColumn('total_if_kept_cents', 'bigint', (c) => c.notNull().check(sql`total_if_kept_cents >= 0`))
    .addColumn('costs_cents', 'bigint', (c) => c.notNull().check(sql`costs_cents >= 0`))
    .addColumn('rewards', 'jsonb', (c) => c.notNull())
    .addColumn('income', 'jsonb', (c) => c.notNull())
    .addColumn('accepted_by', 'text', (c) => c.notNull().check(sql`accepted_by in ('creditor', 'debtor')`))
    .addColumn('accepted_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'replanned')`))
    .addColumn('replanned_on', 'date')
    .addColumn('replaced_by_plan_id', 'uuid')
    .addColumn('replaces_plan_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('repayment_plans_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('repayment_plans_number_uq', ['tenant_id', 'plan_number'])
    // One plan per offer: accepting twice at once cannot make two plans.
    .addUniqueConstraint('repayment_plans_offer_uq', ['tenant_id', 'offer_id'])
    .addForeignKeyConstraint('repayment_plans_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('repayment_plans_replanned_ck', sql`(status = 'replanned') = (replanned_on is not null)`)
    .execute();
  await db.schema.createIndex('repayment_plans_debtor_ix').on('repayment_plans').columns(['tenant_id', 'debtor_id']).execute();

  await db.schema
    .createTable('repayment_plan_instalments')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull().check(sql`number between 1 and 999`))
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('income_date', 'date')
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('amount_if_kept_cents', 'bigint', (c) => c.notNull().check(sql`amount_if_kept_cents >= 0 and amount_if_kept_cents <= amount_cents`))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('repayment_plan_instalments_pk', ['tenant_id', 'plan_id', 'number'])
    .addUniqueConstraint('repayment_plan_instalments_reference_uq', ['tenant_id', 'reference'])
    .addForeignKeyConstraint('repayment_plan_instalments_plan_fk', ['tenant_id', 'plan_id'], 'repayment_plans', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('repayment_plan_instalments_debtor_ix').on('repayment_plan_instalments').columns(['tenant_id', 'debtor_id']).execute();

  // A payment is matched to at most one plan of the tenant: the primary key holds it per plan, the
  // unique key across plans.
  await db.schema
    .createTable('repayment_plan_payments')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('bank_transaction', 'data_point')`))
    .addColumn('paid_on', 'date', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('instalment_number', 'integer', (c) => c.notNull())
    .addColumn('matched_by', 'text', (c) => c.notNull().check(sql`matched_by in ('reference', 'amount_and_date')`))
    .addColumn('matched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('repayment_plan_payments_pk', ['tenant_id', 'plan_id', 'payment_id'])
    .addUniqueConstraint('repayment_plan_payments_payment_uq', ['tenant_id', 'payment_id'])
    .addForeignKeyConstraint('repayment_plan_payments_plan_fk', ['tenant_id', 'plan_id'], 'repayment_plans', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('repayment_plan_payments_debtor_ix').on('repayment_plan_payments').columns(['tenant_id', 'debtor_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('repayment_plan_payments').execute();
  await db.schema.dropTable('repayment_plan_instalments').execute();
  await db.schema.dropTable('repayment_plans').execute();
  await db.schema.dropTable('repayment_plan_offers').execute();
}
