/**
 * Debtors as the creditor knows them, identified by the creditor's own reference. Creating is
 * idempotent on that reference, so a creditor system can resend without creating twins.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import { notFound } from '../platform/errors.js';
import type { DebtorSegments } from './debtor-segments.js';
import type { DebtorRow, HouseholdInfo } from './debtor.table.js';

export interface Debtor {
  id: string;
  externalRef: string;
  displayName: string | null;
  household: HouseholdInfo | null;
  segments: DebtorSegments | null;
  createdAt: string;
}

export function toDebtor(row: DebtorRow): Debtor {
  return { id: row.id, externalRef: row.external_ref, displayName: row.display_name, household: row.household, segments: row.segments ?? null, createdAt: new Date(row.created_at).toISOString() };
}

export async function createOrGetDebtor(
  db: Db,
  tenantId: string,
  input: { externalRef: string; displayName?: string | null; household?: HouseholdInfo | null; segments?: DebtorSegments | null },
): Promise<{ debtor: Debtor; created: boolean }> {
  const inserted = await db
    .insertInto('debtors')
    .values({
      tenant_id: tenantId,
      id: randomUUID(),
      external_ref: input.externalRef,
      display_name: input.displayName ?? null,
      household: input.household ? JSON.stringify(input.household) : null,
      segments: input.segments ? JSON.stringify(input.segments) : null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'external_ref']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { debtor: toDebtor(inserted), created: true };
  const existing = await db.selectFrom('debtors').selectAll().where('tenant_id', '=', tenantId).where('external_ref', '=', input.externalRef).executeTakeFirstOrThrow();
  return { debtor: toDebtor(existing), created: false };
}

export async function getDebtor(db: Db, tenantId: string, debtorId: string): Promise<Debtor> {
  const row = await db.selectFrom('debtors').selectAll().where('tenant_id', '=', tenantId).where('id', '=', debtorId).executeTakeFirst();
  if (!row) throw notFound(`debtor ${debtorId}`);
  return toDebtor(row);
}

export async function findDebtorByRef(db: Db, tenantId: string, externalRef: string): Promise<Debtor | null> {
  const row = await db.selectFrom('debtors').selectAll().where('tenant_id', '=', tenantId).where('external_ref', '=', externalRef).executeTakeFirst();
  return row ? toDebtor(row) : null;
}

export async function updateHousehold(db: Db, tenantId: string, debtorId: string, household: HouseholdInfo | null): Promise<Debtor> {
  const row = await db
    .updateTable('debtors')
    .set({ household: household ? JSON.stringify(household) : null })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', debtorId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`debtor ${debtorId}`);
  return toDebtor(row);
}

/** Replaces the debtor's segments (an empty object or null clears them). */
export async function updateSegments(db: Db, tenantId: string, debtorId: string, segments: DebtorSegments | null): Promise<Debtor> {
  const row = await db
    .updateTable('debtors')
    .set({ segments: segments && Object.keys(segments).length > 0 ? JSON.stringify(segments) : null })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', debtorId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`debtor ${debtorId}`);
  return toDebtor(row);
}

/** Keyset pagination on (created_at, id): stable under concurrent inserts, unlike offsets. */
export async function listDebtors(db: Db, tenantId: string, options: { limit: number; cursor?: string; externalRef?: string }): Promise<{ items: Debtor[]; nextCursor: string | null }> {
  let query = db.selectFrom('debtors').selectAll().where('tenant_id', '=', tenantId);
  if (options.externalRef) query = query.where('external_ref', '=', options.externalRef);
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    if (after) query = query.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
  }
  const rows = await query.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return { items: page.map(toDebtor), nextCursor: rows.length > options.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    return Number.isNaN(date.getTime()) || typeof id !== 'string' ? null : { createdAt: date, id };
  } catch {
    return null;
  }
}
