// Frozen in time: a migration never imports application code.
import { sql, type Kysely } from 'kysely';

/**
 * Every write to what a debtor's risk score or affordability report depends on announces itself on the channel
 * draagkracht_changes (LISTEN/NOTIFY), from the database itself, so no code path can forget to: each
 * instance keeps its answers in memory and drops them when it hears of a change (see
 * src/platform/database/change-feed.ts and src/risk-models/score-memory.ts). NOTIFY is sent when the
 * writing transaction commits (never for one that rolls back) and reaches every listener in commit order.
 *
 * Payloads: 'd|<tenant>|<debtor>' one debtor's inputs changed; 't|<tenant>' something the whole
 * tenant's scores read (policies, learned rules, champions), or more than DEBTORS_PER_STATEMENT
 * debtors in one statement; 'k|<tenant>' an API key changed (revoked). Identical payloads within a
 * transaction are sent once by PostgreSQL, so ingesting a year of transactions is one notification.
 */
const DEBTOR_TABLES = [
  // What risk_feature_snapshot_lookup reads per debtor (the data stamps), and the consents that pick the
  // feature set: the same inputs the fingerprint of migration 2026-12-07-002 covered.
  ['data_point_events', 'insert, update, delete'],
  ['bank_transactions', 'insert, update, delete'],
  ['bank_balances', 'insert, update, delete'],
  // And what the affordability report reads besides (src/affordability/affordability.service.ts).
  ['bank_uploads', 'insert, update, delete'],
  ['bank_accounts', 'insert, update, delete'],
  ['category_corrections', 'insert, update, delete'],
  ['consents', 'insert, update, delete'],
  // A remembered answer names its stored score: it must go when the score does (erasure, retention).
  ['risk_scores', 'delete'],
] as const;
const TENANT_TABLES = ['tenant_policies', 'learned_categorisation_rules', 'risk_model_champions'] as const;
const DEBTORS_PER_STATEMENT = 100;

const TRANSITION: Record<string, string> = { insert: 'new', update: 'new', delete: 'old' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Statement-level triggers with transition tables: one notification per debtor a statement touched,
  // however many rows (a 40,000-row upload is one distinct over its rows, not 40,000 calls). Past
  // DEBTORS_PER_STATEMENT debtors (a retention purge, a bulk fix) the tenant is named instead.
  // debtors names the debtor in its id column (household changes the data stamp; erasure removes all).
  for (const [fn, column] of [['draagkracht_notify_debtors', 'debtor_id'], ['draagkracht_notify_debtor_rows', 'id']] as const) {
    await sql`
      create function ${sql.raw(fn)}() returns trigger language plpgsql as $$
      declare
        v_keys text[];
        v_key text;
      begin
        select array_agg(k) into v_keys from (
          select distinct c.tenant_id || '|' || c.${sql.raw(column)}::text as k from changed_rows c limit ${sql.lit(DEBTORS_PER_STATEMENT + 1)}
        ) d;
        if v_keys is null then
          return null;
        end if;
        if cardinality(v_keys) > ${sql.lit(DEBTORS_PER_STATEMENT)} then
          for v_key in select distinct c.tenant_id from changed_rows c loop
            perform pg_notify('draagkracht_changes', 't|' || v_key);
          end loop;
        else
          foreach v_key in array v_keys loop
            perform pg_notify('draagkracht_changes', 'd|' || v_key);
          end loop;
        end if;
        return null;
      end
      $$`.execute(db);
  }
  // Tenant-wide changes ('t|') and API-key changes ('k|'): the same function with another prefix.
  for (const [fn, prefix] of [['draagkracht_notify_tenants', 't'], ['draagkracht_notify_keys', 'k']] as const) {
    await sql`
      create function ${sql.raw(fn)}() returns trigger language plpgsql as $$
      declare
        v_tenant text;
      begin
        for v_tenant in select distinct c.tenant_id from changed_rows c loop
          perform pg_notify('draagkracht_changes', ${sql.lit(`${prefix}|`)} || v_tenant);
        end loop;
        return null;
      end
      $$`.execute(db);
  }

  const attach = async (table: string, events: readonly string[], fn: string) => {
    // A trigger with a transition table takes one event (PostgreSQL's rule), so one per event.
    for (const event of events) {
      await sql`
        create trigger ${sql.raw(`${table}_notify_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        referencing ${sql.raw(TRANSITION[event]!)} table as changed_rows
        for each statement execute function ${sql.raw(fn)}()`.execute(db);
    }
  };
  for (const [table, events] of DEBTOR_TABLES) await attach(table, events.split(', '), 'draagkracht_notify_debtors');
  await attach('debtors', ['update', 'delete'], 'draagkracht_notify_debtor_rows');
  for (const table of TENANT_TABLES) await attach(table, ['insert', 'update', 'delete'], 'draagkracht_notify_tenants');
  await attach('api_keys', ['update', 'delete'], 'draagkracht_notify_keys');

  // Who was served a remembered score, counted per key and day: a repeat is not a new score (the
  // score row stays the one computed), but who asked for it stays on record.
  await db.schema
    .createTable('risk_score_servings')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('score_id', 'uuid', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('served', 'integer', (c) => c.notNull())
    .addColumn('first_served_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_served_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_score_servings_pk', ['tenant_id', 'score_id', 'requested_by', 'day'])
    .addForeignKeyConstraint('risk_score_servings_score_fk', ['tenant_id', 'score_id'], 'risk_scores', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute();

  // risk_score_repeat and risk_score_fingerprint (2026-12-07-002) have no caller left; they stay so that
  // migration's down() still finds what it drops.
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('risk_score_servings').execute();
  const drop = async (table: string, events: readonly string[]) => {
    for (const event of events) await sql`drop trigger ${sql.raw(`${table}_notify_${event}`)} on ${sql.table(table)}`.execute(db);
  };
  for (const [table, events] of DEBTOR_TABLES) await drop(table, events.split(', '));
  await drop('debtors', ['update', 'delete']);
  for (const table of TENANT_TABLES) await drop(table, ['insert', 'update', 'delete']);
  await drop('api_keys', ['update', 'delete']);
  for (const fn of ['draagkracht_notify_debtors', 'draagkracht_notify_debtor_rows', 'draagkracht_notify_tenants', 'draagkracht_notify_keys']) await sql`drop function ${sql.raw(fn)}()`.execute(db);
}
