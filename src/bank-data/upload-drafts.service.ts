/**
 * Staged bank uploads: a file the debtor uploaded on their own page, parsed and summarised, waiting
 * for the debtor to confirm it (then it is ingested through ingestStatement) or throw it away.
 *
 * The page works without JavaScript, so the file cannot travel from the upload post to the confirm
 * post; its bytes wait here, server-side, with the summary the debtor is shown. A draft is personal
 * bank data that has not been used yet: only the consent it was uploaded under reads it, it is erased
 * with that consent (eraseBankDataOfConsent) and with the debtor (GDPR erasure), and it expires after
 * DRAFT_VALID_HOURS whether or not the debtor comes back.
 *
 * Every function takes the tenant and the consent (from the debtor's link token) and filters on both:
 * a draft id alone, guessed or leaked, reaches nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import { AppError } from '../platform/errors.js';
import type { BankFormat } from './canonical.js';
import type { StatementSummary } from './statement-summary.js';

/**
 * How long a draft waits for the debtor's decision. Long enough to read the summary, fetch a second
 * file or come back after a break; short enough that bank data nobody confirmed is not kept beyond
 * the day it was uploaded (data minimisation).
 */
export const DRAFT_VALID_HOURS = 24;

/**
 * Open drafts one consent may hold. A debtor retrying (or a script posting in a loop) replaces the
 * oldest instead of filling the database; five covers a debtor with several accounts in several files.
 */
export const MAX_OPEN_DRAFTS_PER_CONSENT = 5;

/** The longest file name kept, in characters (the column's check constraint). */
export const MAX_DRAFT_FILE_NAME_LENGTH = 200;

export interface StageUploadDraftInput {
  tenantId: string;
  debtorId: string;
  consentId: string;
  fileName: string | null;
  bytes: Uint8Array;
  format: BankFormat;
  /** Hex SHA-256 of `bytes`, as the upload computed it; kept for the bank_uploads row at ingestion. */
  sha256: string;
  summary: StatementSummary;
  now: Date;
}

/** A draft as the debtor's page shows it: everything but the bytes. */
export interface UploadDraft {
  id: string;
  fileName: string | null;
  format: BankFormat;
  byteSize: number;
  summary: StatementSummary;
  createdAt: string;
  expiresAt: string;
}

/** A draft taken for ingestion: the bytes and what ingestStatement needs besides them. */
export interface TakenUploadDraft {
  id: string;
  debtorId: string;
  bytes: Buffer;
  format: BankFormat;
  fileName: string | null;
  sha256: string;
  byteSize: number;
  summary: StatementSummary;
}

/** A draft in the debtor's GDPR export: everything but the bytes. */
export interface UploadDraftRecord {
  id: string;
  consentId: string;
  fileName: string | null;
  format: BankFormat;
  byteSize: number;
  summary: StatementSummary;
  createdAt: string;
  expiresAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Draft ids come back from a form post: anything that is not a uuid names no draft (and must not reach a uuid cast). */
function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Trimmed, at most MAX_DRAFT_FILE_NAME_LENGTH characters (code points, as char_length counts), empty as null. */
function cleanFileName(name: string | null): string | null {
  if (name === null) return null;
  const trimmed = name.trim();
  if (trimmed === '') return null;
  const chars = Array.from(trimmed);
  return chars.length <= MAX_DRAFT_FILE_NAME_LENGTH ? trimmed : chars.slice(0, MAX_DRAFT_FILE_NAME_LENGTH).join('');
}

/** pg hands bytea back as a Buffer, PGlite as a Uint8Array: one Buffer either way, without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Stores a parsed upload for the debtor's decision. Runs in a transaction (its own unless given one)
 * that locks the consent row: the consent must be valid and the debtor's, so a draft is never staged
 * under a consent that has just ended (its erasure holds the same lock), and parallel posts under one
 * consent queue, so the cap holds. First the consent's expired drafts go, then the oldest open ones
 * beyond MAX_OPEN_DRAFTS_PER_CONSENT − 1, then the new draft is written.
 */
export async function stageUploadDraft(db: Db, input: StageUploadDraftInput): Promise<{ id: string; expiresAt: Date }> {
  if (!db.isTransaction) return db.transaction().execute((trx) => stageUploadDraft(trx, input));
  const { tenantId, consentId, now } = input;
  const consent = await db
    .selectFrom('consents')
    .select(['status', 'debtor_id'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', consentId)
    .forUpdate()
    .executeTakeFirst();
  if (!consent || consent.debtor_id !== input.debtorId || consent.status !== 'valid') {
    throw new AppError('consent_required', 'no valid consent of this debtor to stage the upload under');
  }

  await db.deleteFrom('bank_upload_drafts').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).where('expires_at', '<=', now).execute();
  const open = await db
    .selectFrom('bank_upload_drafts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('consent_id', '=', consentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const surplus = open.slice(MAX_OPEN_DRAFTS_PER_CONSENT - 1).map((r) => r.id);
  if (surplus.length > 0) {
    await db.deleteFrom('bank_upload_drafts').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).where('id', 'in', surplus).execute();
  }

  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + DRAFT_VALID_HOURS * 3_600_000);
  await db
    .insertInto('bank_upload_drafts')
    .values({
      tenant_id: tenantId,
      id,
      debtor_id: input.debtorId,
      consent_id: consentId,
      file_name: cleanFileName(input.fileName),
      format: input.format,
      sha256: input.sha256,
      byte_size: input.bytes.byteLength,
      bytes: asBuffer(input.bytes),
      summary: JSON.stringify(input.summary),
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { id, expiresAt };
}

/** The draft for the debtor's summary page, without its bytes; null when absent, expired or of another consent. */
export async function getUploadDraft(db: Db, tenantId: string, consentId: string, draftId: string, now: Date): Promise<UploadDraft | null> {
  if (!isUuid(draftId)) return null;
  const row = await db
    .selectFrom('bank_upload_drafts')
    .select(['id', 'file_name', 'format', 'byte_size', 'summary', 'created_at', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('consent_id', '=', consentId)
    .where('id', '=', draftId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    fileName: row.file_name,
    format: row.format,
    byteSize: row.byte_size,
    summary: row.summary,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

/**
 * Takes the draft for ingestion: returns its bytes and deletes it. Call it inside the transaction
 * that ingests the bytes: the row is locked (a second confirm of the same draft waits, then finds
 * nothing), and should the ingestion fail the rollback puts the draft back for another try.
 * Null when absent, expired or of another consent.
 */
export async function takeUploadDraft(db: Db, tenantId: string, consentId: string, draftId: string, now: Date): Promise<TakenUploadDraft | null> {
  if (!isUuid(draftId)) return null;
  const row = await db
    .selectFrom('bank_upload_drafts')
    .select(['id', 'debtor_id', 'bytes', 'format', 'file_name', 'sha256', 'byte_size', 'summary'])
    .where('tenant_id', '=', tenantId)
    .where('consent_id', '=', consentId)
    .where('id', '=', draftId)
    .where('expires_at', '>', now)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  await db.deleteFrom('bank_upload_drafts').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).where('id', '=', draftId).execute();
  return {
    id: row.id,
    debtorId: row.debtor_id,
    bytes: asBuffer(row.bytes),
    format: row.format,
    fileName: row.file_name,
    sha256: row.sha256,
    byteSize: row.byte_size,
    summary: row.summary,
  };
}

/** The debtor threw the draft away. True when a draft was deleted (an expired one still counts: it is gone now). */
export async function discardUploadDraft(db: Db, tenantId: string, consentId: string, draftId: string): Promise<boolean> {
  if (!isUuid(draftId)) return false;
  const result = await db.deleteFrom('bank_upload_drafts').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).where('id', '=', draftId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Deletes every expired draft, of every tenant unless one is named; returns how many. For a
 * scheduled job: expired drafts are already invisible, this removes their bytes.
 */
export async function purgeExpiredUploadDrafts(db: Db, now: Date, tenantId?: string): Promise<number> {
  let query = db.deleteFrom('bank_upload_drafts').where('expires_at', '<=', now);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every draft staged under a consent (the consent ended); returns how many. */
export async function eraseUploadDraftsOfConsent(db: Db, tenantId: string, consentId: string): Promise<number> {
  const result = await db.deleteFrom('bank_upload_drafts').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A debtor's drafts for the GDPR export, without their bytes, oldest first. */
export async function exportDebtorUploadDrafts(db: Db, tenantId: string, debtorId: string): Promise<UploadDraftRecord[]> {
  const rows = await db
    .selectFrom('bank_upload_drafts')
    .select(['id', 'consent_id', 'file_name', 'format', 'byte_size', 'summary', 'created_at', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    consentId: row.consent_id,
    fileName: row.file_name,
    format: row.format,
    byteSize: row.byte_size,
    summary: row.summary,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  }));
}
