/**
 * A model version's evaluation set in the database: the rows its report is computed from (see
 * src/model-reports/evaluation-set.ts). One jsonb value per version, column by column, written in the
 * same transaction as the version, so a version never exists without the rows it was measured on.
 *
 * Erasure: rows of a tenant-trained version belong to the tenant's debtors (row id
 * `<debtorId>@<asOf>`, see buildStoredTrainingTable). Each such debtor is listed in
 * risk_model_evaluation_debtors; erasing the debtor removes their rows from every set that lists them
 * and then the listing itself (eraseDebtorEvaluationRows). A version's report after an erasure is
 * computed on the remaining rows. Starter versions' rows are simulated households, never debtors.
 */
import type { Kysely } from 'kysely';
import type { EvaluationSet } from '../model-reports/evaluation-set.js';
import type { Db } from '../platform/database/connection.js';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import { debtorOfId } from './training-pipeline.js';

/** The jsonb layout. Missing feature values (NaN) are null, since JSON has no NaN. */
interface StoredEvaluationData {
  ids: string[];
  asOf: (IsoDate | null)[];
  featureNames: string[];
  columns: (number | null)[][];
  labels: number[];
  outcomeKnown: number[] | null;
  segments: Record<string, (string | null)[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The debtor a tenant-trained row belongs to, or null when its id does not name one. */
export function evaluationRowDebtor(id: string): string | null {
  const debtor = debtorOfId(id);
  return debtor !== id && UUID.test(debtor) ? debtor.toLowerCase() : null;
}

/** Checks the set's shape against the model's features; a mismatch is a programming error, so it throws. */
export function assertEvaluationSetFits(set: EvaluationSet, featureNames: readonly string[]): void {
  const n = set.ids.length;
  if (set.featureNames.length !== featureNames.length || set.featureNames.some((name, i) => name !== featureNames[i])) {
    throw new Error(`the evaluation set's features (${set.featureNames.length}) are not the model's (${featureNames.length}) in the model's order`);
  }
  if (set.columns.length !== featureNames.length || set.columns.some((c) => c.length !== n) || set.labels.length !== n || set.asOf.length !== n || (set.outcomeKnown !== null && set.outcomeKnown.length !== n)) {
    throw new Error(`the evaluation set's columns do not all have its ${n} rows`);
  }
  for (const [name, values] of Object.entries(set.segments)) if (values.length !== n) throw new Error(`segment ${name} has ${values.length} values for ${n} rows`);
}

function encode(set: EvaluationSet): StoredEvaluationData {
  return {
    ids: set.ids,
    asOf: set.asOf,
    featureNames: set.featureNames,
    columns: set.columns.map((column) => Array.from(column, (v) => (Number.isNaN(v) ? null : v))),
    labels: Array.from(set.labels),
    outcomeKnown: set.outcomeKnown === null ? null : Array.from(set.outcomeKnown),
    segments: set.segments,
  };
}

function decode(row: { description: string; window_from: string | null; window_to: string | null; data: unknown }): EvaluationSet {
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as StoredEvaluationData;
  return {
    description: row.description,
    window: { from: row.window_from, to: row.window_to },
    ids: data.ids,
    asOf: data.asOf,
    featureNames: data.featureNames,
    columns: data.columns.map((column) => Float64Array.from(column, (v) => (v === null ? Number.NaN : v))),
    labels: Uint8Array.from(data.labels),
    outcomeKnown: data.outcomeKnown === null ? null : Uint8Array.from(data.outcomeKnown),
    segments: data.segments,
  };
}

/**
 * Stores a version's evaluation set; call inside the transaction that writes the version.
 * `debtorRows`: the row ids name the tenant's debtors (a training run), so erasure must find them.
 */
export async function insertEvaluationSet(
  trx: Db,
  tenantId: string,
  modelId: string,
  version: number,
  set: EvaluationSet,
  options: { debtorRows: boolean },
): Promise<void> {
  await trx
    .insertInto('risk_model_evaluation_sets')
    .values({
      tenant_id: tenantId,
      model_id: modelId,
      version,
      description: set.description,
      window_from: set.window.from,
      window_to: set.window.to,
      row_count: set.ids.length,
      data: JSON.stringify(encode(set)),
    })
    .execute();
  if (!options.debtorRows) return;
  const debtors = [...new Set(set.ids.map(evaluationRowDebtor).filter((d): d is string => d !== null))].sort();
  // Chunks keep each statement's parameter count far below PostgreSQL's 65,535.
  for (let i = 0; i < debtors.length; i += 5000) {
    await trx
      .insertInto('risk_model_evaluation_debtors')
      .values(debtors.slice(i, i + 5000).map((debtorId) => ({ tenant_id: tenantId, debtor_id: debtorId, model_id: modelId, version })))
      .execute();
  }
}

/** A version's evaluation set, or null when it has none (a version written before sets were stored). */
export async function readEvaluationSet(db: Kysely<Database>, tenantId: string, modelId: string, version: number): Promise<EvaluationSet | null> {
  const row = await db
    .selectFrom('risk_model_evaluation_sets')
    .select(['description', 'window_from', 'window_to', 'data'])
    .where('tenant_id', '=', tenantId)
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? decode(row) : null;
}

/** Keeps only the rows where keep[i] is true, in every column. */
function keepRows(data: StoredEvaluationData, keep: boolean[]): StoredEvaluationData {
  const pick = <T>(values: T[]): T[] => values.filter((_, i) => keep[i]);
  return {
    ids: pick(data.ids),
    asOf: pick(data.asOf),
    featureNames: data.featureNames,
    columns: data.columns.map(pick),
    labels: pick(data.labels),
    outcomeKnown: data.outcomeKnown === null ? null : pick(data.outcomeKnown),
    segments: Object.fromEntries(Object.entries(data.segments).map(([name, values]) => [name, pick(values)])),
  };
}

/**
 * Removes a debtor's rows from every evaluation set of the tenant that holds any; returns how many
 * rows were removed. Run inside the erasure's transaction.
 */
export async function eraseDebtorEvaluationRows(trx: Db, tenantId: string, debtorId: string): Promise<number> {
  const listed = await trx.selectFrom('risk_model_evaluation_debtors').select(['model_id', 'version']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  let removed = 0;
  for (const { model_id: modelId, version } of listed) {
    const row = await trx
      .selectFrom('risk_model_evaluation_sets')
      .select('data')
      .where('tenant_id', '=', tenantId)
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .forUpdate()
      .executeTakeFirst();
    if (!row) continue;
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as StoredEvaluationData;
    const keep = data.ids.map((id) => evaluationRowDebtor(id) !== debtorId.toLowerCase());
    const kept = keepRows(data, keep);
    removed += data.ids.length - kept.ids.length;
    await trx
      .updateTable('risk_model_evaluation_sets')
      .set({ data: JSON.stringify(kept), row_count: kept.ids.length })
      .where('tenant_id', '=', tenantId)
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .execute();
  }
  await trx.deleteFrom('risk_model_evaluation_debtors').where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  return removed;
}
