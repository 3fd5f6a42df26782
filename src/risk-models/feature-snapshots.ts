/**
 * Stored feature vectors, so a repeated score reads one row instead of recomputing features from a
 * year of transactions.
 *
 * A snapshot is keyed by (tenant, debtor, as-of, feature set, catalogue version, data stamp). The data
 * stamp is a digest of everything the features of that set read that can change:
 * - the debtor's data points: count and max(id);
 * - with bank data: count and max(id) of the debtor's transactions and balances, count and latest time
 *   of the debtor's category corrections, count and latest time of the tenant's learned rules;
 * - the tenant's policy versions (categorisation rules and norm overrides);
 * - the debtor's household as stored.
 * Ids only grow, so count + max(id) changes with every insert and every delete (a delete lowers the
 * count; a delete followed by as many inserts raises the max). The stamp is one indexed query and
 * needs no write on ingestion, so no ingestion path (API, CLI, erasure) can forget to bump a version.
 * It is deliberately coarse: data dated after the as-of date also changes it, which costs a
 * recomputation but never serves a stale vector.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import { notFound } from '../platform/errors.js';
import { FEATURE_CATALOGUE_VERSION, type FeatureSetId } from '../risk-features/catalogue.js';
import { computeFeatures, type FeatureVector } from '../risk-features/compute-features.js';
import { loadFeatureSource } from '../risk-features/stored-features.js';

export interface FeatureSnapshot {
  id: string;
  vector: FeatureVector;
  /** True when the snapshot was computed for this request (the cold path). */
  computed: boolean;
}

/** The data stamp of one debtor for one feature set; throws 404 for a debtor the tenant does not have. */
export async function dataStamp(db: Kysely<Database>, tenantId: string, debtorId: string, featureSet: FeatureSetId): Promise<string> {
  const withBank = featureSet === 'bank-and-data-points';
  const bankParts = withBank
    ? sql`,
      (select count(*) || ':' || coalesce(max(id), 0) from bank_transactions where tenant_id = ${tenantId} and debtor_id = ${debtorId}) as transactions,
      (select count(*) || ':' || coalesce(max(id), 0) from bank_balances where tenant_id = ${tenantId} and debtor_id = ${debtorId}) as balances,
      (select count(*) || ':' || coalesce(max(created_at)::text, '') from category_corrections where tenant_id = ${tenantId} and debtor_id = ${debtorId}) as corrections,
      (select count(*) || ':' || coalesce(max(learned_at)::text, '') from learned_categorisation_rules where tenant_id = ${tenantId}) as learned`
    : sql``;
  const result = await sql<Record<string, string | null>>`
    select
      d.household::text as household,
      (select count(*) || ':' || coalesce(max(id), 0) from data_point_events where tenant_id = ${tenantId} and debtor_id = ${debtorId}) as data_points,
      (select coalesce(string_agg(kind || '@' || version, ',' order by kind), '') from tenant_policies where tenant_id = ${tenantId}) as policies
      ${bankParts}
    from debtors d
    where d.tenant_id = ${tenantId} and d.id = ${debtorId}`.execute(db);
  const row = result.rows[0];
  if (!row) throw notFound(`debtor ${debtorId}`);
  const parts = Object.keys(row)
    .sort()
    .map((key) => `${key}=${row[key] ?? ''}`);
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

/**
 * The debtor's features as of a date: a stored snapshot whose stamp still matches, or computed now and
 * stored. Two requests computing the same snapshot at once both succeed; the second keeps the first's row.
 */
export async function featureSnapshot(
  db: Kysely<Database>,
  engine: AffordabilityEngine,
  tenantId: string,
  debtorId: string,
  options: { asOf: IsoDate; today: IsoDate; featureSet: FeatureSetId },
): Promise<FeatureSnapshot> {
  const { asOf, featureSet } = options;
  const stamp = await dataStamp(db, tenantId, debtorId, featureSet);
  const key = (query: ReturnType<typeof selectSnapshot>) =>
    query.where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).where('as_of', '=', asOf).where('feature_set', '=', featureSet).where('catalogue_version', '=', FEATURE_CATALOGUE_VERSION).where('data_stamp', '=', stamp);
  const stored = await key(selectSnapshot(db)).executeTakeFirst();
  if (stored) return { id: stored.id, vector: { catalogueVersion: FEATURE_CATALOGUE_VERSION, featureSet, asOf, values: stored.values }, computed: false };

  const source = await loadFeatureSource(db, engine, tenantId, debtorId, { asOf, today: options.today, withBankData: featureSet === 'bank-and-data-points' });
  const vector = computeFeatures(source, featureSet);
  const inserted = await db
    .insertInto('risk_feature_snapshots')
    .values({ tenant_id: tenantId, id: randomUUID(), debtor_id: debtorId, as_of: asOf, feature_set: featureSet, catalogue_version: vector.catalogueVersion, data_stamp: stamp, values: JSON.stringify(vector.values) })
    .onConflict((oc) => oc.columns(['tenant_id', 'debtor_id', 'as_of', 'feature_set', 'catalogue_version', 'data_stamp']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, vector, computed: true };
  const raced = await key(selectSnapshot(db)).executeTakeFirstOrThrow();
  return { id: raced.id, vector, computed: true };
}

function selectSnapshot(db: Kysely<Database>) {
  return db.selectFrom('risk_feature_snapshots').select(['id', 'values']);
}
