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
 * The data-points-only stamp reads only the first and the last two of these. The stamp is computed by
 * the database function risk_feature_snapshot_lookup (migration 2026-12-04-002), whose cached plans
 * keep the warm path to one short call; changing what the stamp covers means a new migration.
 * Ids only grow, so count + max(id) changes with every insert and every delete (a delete lowers the
 * count; a delete followed by as many inserts raises the max). The stamp is one indexed query and
 * needs no write on ingestion, so no ingestion path (API, CLI, erasure) can forget to bump a version.
 * It is read together with the snapshots it keys, in the same statement.
 * It is deliberately coarse: data dated after the as-of date also changes it, which costs a
 * recomputation but never serves a stale vector.
 */
import { randomUUID } from 'node:crypto';
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

/** What the stamp and snapshot read found for one debtor: a stored vector per feature set, when fresh. */
export interface StoredSnapshots {
  stamps: Record<FeatureSetId, string>;
  stored: Partial<Record<FeatureSetId, { id: string; values: Record<string, number | null> }>>;
}

/**
 * The data stamps of one debtor for both feature sets and the fresh snapshots stored under them, in
 * one statement (one round trip on the warm path). Throws 404 for a debtor the tenant does not have.
 * The data-points-only stamp leaves the bank parts out, so new bank data never invalidates it.
 */
export async function readSnapshots(db: Kysely<Database>, tenantId: string, debtorId: string, asOf: IsoDate): Promise<StoredSnapshots> {
  const result = await sql<{ dp_stamp: string; bank_stamp: string; dp_id: string | null; dp_values: Record<string, number | null> | null; bank_id: string | null; bank_values: Record<string, number | null> | null }>`
    select * from risk_feature_snapshot_lookup(${tenantId}, ${debtorId}, ${asOf}, ${FEATURE_CATALOGUE_VERSION})`.execute(db);
  const row = result.rows[0];
  if (!row) throw notFound(`debtor ${debtorId}`);
  const stored: StoredSnapshots['stored'] = {};
  if (row.dp_id && row.dp_values) stored['data-points-only'] = { id: row.dp_id, values: row.dp_values };
  if (row.bank_id && row.bank_values) stored['bank-and-data-points'] = { id: row.bank_id, values: row.bank_values };
  return { stamps: { 'data-points-only': row.dp_stamp, 'bank-and-data-points': row.bank_stamp }, stored };
}

/** The data stamp of one debtor for one feature set; throws 404 for a debtor the tenant does not have. */
export async function dataStamp(db: Kysely<Database>, tenantId: string, debtorId: string, featureSet: FeatureSetId): Promise<string> {
  return (await readSnapshots(db, tenantId, debtorId, '0001-01-01')).stamps[featureSet];
}

/**
 * The debtor's features as of a date: a stored snapshot whose stamp still matches, or computed now and
 * stored. Two requests computing the same snapshot at once both succeed; the second keeps the first's
 * row. `found` is what readSnapshots returned, when the caller read it already (alongside other reads).
 */
export async function featureSnapshot(
  db: Kysely<Database>,
  engine: AffordabilityEngine,
  tenantId: string,
  debtorId: string,
  options: { asOf: IsoDate; today: IsoDate; featureSet: FeatureSetId; found?: StoredSnapshots },
): Promise<FeatureSnapshot> {
  const { asOf, featureSet } = options;
  const found = options.found ?? (await readSnapshots(db, tenantId, debtorId, asOf));
  const stored = found.stored[featureSet];
  if (stored) return { id: stored.id, vector: { catalogueVersion: FEATURE_CATALOGUE_VERSION, featureSet, asOf, values: stored.values }, computed: false };
  const stamp = found.stamps[featureSet];

  const source = await loadFeatureSource(db, engine, tenantId, debtorId, { asOf, today: options.today, withBankData: featureSet === 'bank-and-data-points' });
  const vector = computeFeatures(source, featureSet);
  const inserted = await db
    .insertInto('risk_feature_snapshots')
    .values({ tenant_id: tenantId, id: randomUUID(), debtor_id: debtorId, as_of: asOf, feature_set: featureSet, catalogue_version: vector.catalogueVersion, data_stamp: stamp, values: JSON.stringify(vector.values) })
    .onConflict((oc) => oc.columns(['tenant_id', 'debtor_id', 'as_of', 'feature_set', 'catalogue_version', 'data_stamp']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, vector, computed: true };
  const raced = await db
    .selectFrom('risk_feature_snapshots')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .where('as_of', '=', asOf)
    .where('feature_set', '=', featureSet)
    .where('catalogue_version', '=', vector.catalogueVersion)
    .where('data_stamp', '=', stamp)
    .executeTakeFirstOrThrow();
  return { id: raced.id, vector, computed: true };
}
