/**
 * Debt-help referrals: the list a creditor keeps of debtors it refers to municipal debt help
 * (schuldhulpverlening; the early-warning route, vroegsignalering): who, why, since when, and how it
 * ended. One open referral per debtor: asking again while one is open returns that referral, unchanged,
 * so a retry or a second recommendation never refers a household twice.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import { decodeCursor, encodeCursor, ISO_DATE_PATTERN, isUuid } from '../platform/database/keyset-cursor.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import { getDebtor } from '../debtors/debtor.service.js';
import type { DebtHelpReferralRow, ReferralEvidence, ReferralSource, ReferralStatus } from './referrals.table.js';

/** Why a debtor is referred; the codes a municipality's intake can read without free text. */
export const REFERRAL_REASONS = ['complex_debt', 'multiple_collectors', 'payday_credit', 'many_creditors', 'cannot_pay', 'no_affordable_plan', 'debtor_request', 'other'] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

/** How a referral ended. */
export const REFERRAL_OUTCOMES = ['debt_help_started', 'debtor_declined', 'no_contact', 'resolved_without_debt_help', 'referred_in_error'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

export interface Referral {
  id: string;
  debtorId: string;
  status: ReferralStatus;
  reasons: ReferralReason[];
  evidence: ReferralEvidence | null;
  source: ReferralSource;
  openedOn: IsoDate;
  closedOn: IsoDate | null;
  outcome: ReferralOutcome | null;
  createdAt: string;
  closedAt: string | null;
}

function toReferral(row: DebtHelpReferralRow): Referral {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    status: row.status,
    reasons: row.reasons as ReferralReason[],
    evidence: row.evidence,
    source: row.source,
    openedOn: row.opened_on,
    closedOn: row.closed_on,
    outcome: row.outcome as ReferralOutcome | null,
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
  };
}

async function openReferralOf(db: Db, tenantId: string, debtorId: string): Promise<DebtHelpReferralRow | undefined> {
  return db.selectFrom('debt_help_referrals').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).where('status', '=', 'open').executeTakeFirst();
}

/**
 * Opens a referral for the debtor, or returns the open one (`created: false`) as it is: the first
 * referral's reasons and date stand, because "since when" is what the municipality needs.
 */
export async function openReferral(
  db: Db,
  tenantId: string,
  input: { debtorId: string; reasons: readonly ReferralReason[]; evidence?: ReferralEvidence; source: ReferralSource },
  today: IsoDate,
): Promise<{ referral: Referral; created: boolean }> {
  await getDebtor(db, tenantId, input.debtorId);
  const existing = await openReferralOf(db, tenantId, input.debtorId);
  if (existing) return { referral: toReferral(existing), created: false };
  const inserted = await db
    .insertInto('debt_help_referrals')
    .values({
      tenant_id: tenantId,
      id: randomUUID(),
      debtor_id: input.debtorId,
      status: 'open',
      reasons: JSON.stringify([...new Set(input.reasons)]),
      evidence: input.evidence ? JSON.stringify(input.evidence) : null,
      source: input.source,
      opened_on: today,
    })
    // Another request may have opened one since the read: the partial unique index keeps one, and that one is the answer.
    .onConflict((oc) => oc.columns(['tenant_id', 'debtor_id']).where('status', '=', 'open').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { referral: toReferral(inserted), created: true };
  const raced = await openReferralOf(db, tenantId, input.debtorId);
  if (!raced) throw new AppError('conflict', 'the debtor’s open referral changed meanwhile; send the request again');
  return { referral: toReferral(raced), created: false };
}

export async function getReferral(db: Db, tenantId: string, referralId: string): Promise<Referral> {
  const row = await db.selectFrom('debt_help_referrals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', referralId).executeTakeFirst();
  if (!row) throw notFound(`referral ${referralId}`);
  return toReferral(row);
}

/** Closes a referral with its outcome. Closing it again with the same outcome changes nothing; another outcome is a conflict. */
export async function closeReferral(db: Db, tenantId: string, referralId: string, outcome: ReferralOutcome, today: IsoDate): Promise<{ referral: Referral; changed: boolean }> {
  const updated = await db
    .updateTable('debt_help_referrals')
    .set({ status: 'closed', outcome, closed_on: today, closed_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', referralId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (updated) return { referral: toReferral(updated), changed: true };
  const current = await getReferral(db, tenantId, referralId);
  if (current.outcome === outcome) return { referral: current, changed: false };
  throw new AppError('invalid_state', `referral ${referralId} was closed on ${current.closedOn} with outcome ${current.outcome}`);
}

/** The tenant's referrals of one status, oldest first (the longest waiting on top), paged by (openedOn, id). */
export async function listReferrals(db: Db, tenantId: string, options: { status: ReferralStatus; limit: number; cursor?: string }): Promise<{ items: Referral[]; nextCursor: string | null }> {
  let query = db.selectFrom('debt_help_referrals').selectAll().where('tenant_id', '=', tenantId).where('status', '=', options.status);
  if (options.cursor) {
    const [openedOn, id] = decodeCursor(options.cursor, ISO_DATE_PATTERN, isUuid);
    query = query.where((eb) => eb.or([eb('opened_on', '>', openedOn), eb.and([eb('opened_on', '=', openedOn), eb('id', '>', id)])]));
  }
  const rows = await query.orderBy('opened_on').orderBy('id').limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return { items: page.map(toReferral), nextCursor: rows.length > options.limit && last ? encodeCursor([last.opened_on, last.id]) : null };
}

/** Every referral of the debtor, for the GDPR export; the debtor is not checked. */
export async function exportDebtorReferrals(db: Db, tenantId: string, debtorId: string): Promise<Referral[]> {
  const rows = await db.selectFrom('debt_help_referrals').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('opened_on').orderBy('id').execute();
  return rows.map(toReferral);
}
