// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Debtors a creditor refers to municipal debt help (vroegsignalering): who, why, since when, and how
  // it ended. One open referral per debtor: a second request while one is open is the same referral.
  await db.schema
    .createTable('debt_help_referrals')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('debtor_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
    // Reason codes (a JSON array of strings) and the evidence behind them (ids and figures, never free personal data).
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('evidence', 'jsonb')
    // Where the referral came from: a creditor's request, or a write-off recommendation that said so.
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('api', 'write_off_recommendation')`))
    .addColumn('opened_on', 'date', (c) => c.notNull())
    .addColumn('closed_on', 'date')
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addPrimaryKeyConstraint('debt_help_referrals_pk', ['tenant_id', 'id'])
    .addForeignKeyConstraint('debt_help_referrals_debtor_fk', ['tenant_id', 'debtor_id'], 'debtors', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addCheckConstraint('debt_help_referrals_closed_ck', sql`(status = 'closed') = (closed_on is not null and outcome is not null and closed_at is not null)`)
    .execute();
  // The rule "one open referral per debtor" is the database's, so two requests at once cannot open two.
  await db.schema.createIndex('debt_help_referrals_open_uq').on('debt_help_referrals').columns(['tenant_id', 'debtor_id']).unique().where(sql.ref('status'), '=', 'open').execute();
  // The municipal list: a tenant's referrals of one status, oldest first.
  await db.schema.createIndex('debt_help_referrals_list_ix').on('debt_help_referrals').columns(['tenant_id', 'status', 'opened_on', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('debt_help_referrals').execute();
}
