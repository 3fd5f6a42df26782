// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Rules a tenant learned from its users' corrections: one per counterparty (IBAN, else normalised
  // name) and direction of money, so a newer correction for the same counterparty replaces the rule.
  await db.schema
    .createTable('learned_categorisation_rules')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('match_kind', 'text', (c) => c.notNull())
    .addColumn('match_value', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    // The correction the rule was learned from; null once that correction is gone (its bank data erased).
    .addColumn('correction_id', 'uuid')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('learned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('learned_categorisation_rules_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('learned_categorisation_rules_match_uq', ['tenant_id', 'match_kind', 'match_value', 'direction'])
    .addCheckConstraint('learned_categorisation_rules_kind_ck', sql`match_kind in ('counterparty_iban', 'counterparty_name')`)
    .addCheckConstraint('learned_categorisation_rules_direction_ck', sql`direction in ('in', 'out', 'any')`)
    .execute();

  // A user's correction of one transaction's category. It lives as long as the transaction: when
  // bank data is erased (consent revoked or expired, debtor erased) its corrections go with it.
  await db.schema
    .createTable('category_corrections')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('transaction_id', 'bigint', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('previous_category', 'text', (c) => c.notNull())
    .addColumn('previous_rule_id', 'text', (c) => c.notNull())
    .addColumn('applies_to', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'uuid')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('category_corrections_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('category_corrections_transaction_uq', ['tenant_id', 'transaction_id'])
    .addCheckConstraint('category_corrections_applies_to_ck', sql`applies_to in ('counterparty', 'transaction')`)
    .addForeignKeyConstraint('category_corrections_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('category_corrections_transaction_fk', ['tenant_id', 'transaction_id'], 'bank_transactions', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    // Removing a rule removes its corrections first, in code, so the transactions fall back to the defaults.
    .addForeignKeyConstraint('category_corrections_rule_fk', ['tenant_id', 'rule_id'], 'learned_categorisation_rules', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('category_corrections_debtor_ix').on('category_corrections').columns(['tenant_id', 'debtor_id']).execute();
  await db.schema.createIndex('category_corrections_rule_ix').on('category_corrections').columns(['tenant_id', 'rule_id']).execute();

  // Only correction_id is cleared (tenant_id is part of the key): PostgreSQL 15's column list for SET NULL.
  await sql`alter table learned_categorisation_rules add constraint learned_categorisation_rules_correction_fk
    foreign key (tenant_id, correction_id) references category_corrections (tenant_id, id) on delete set null (correction_id)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table learned_categorisation_rules drop constraint learned_categorisation_rules_correction_fk`.execute(db);
  await db.schema.dropTable('category_corrections').execute();
  await db.schema.dropTable('learned_categorisation_rules').execute();
}
