/**
 * Storing a parsed bank file: atomic (one transaction), idempotent (a transaction is stored once per
 * account however often its file is sent) and consent-bound (no valid consent, nothing stored).
 *
 * Accounts are one row per debtor and account, whatever consent brought them; a transaction already
 * held moves to the consent that sends it again, so a renewed consent neither duplicates data nor
 * loses it when the older consent ends.
 *
 * Idempotency keys: the bank's own id when it gives one; otherwise a hash of the entry's content.
 * Identical entries within one file (two coffees of € 2,80 on the same day at the same bar) get an
 * ordinal, so they stay two rows, and the same file sent again maps onto the same keys.
 *
 * Pending entries are a snapshot: an upload that carries pending entries for an account replaces the
 * account's earlier pending ones, and a booked entry replaces the pending entry it settles (same bank
 * id, or same amount and counterparty within a few days).
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { DEFAULT_TENANT_TIME_ZONE } from '../platform/config.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { requireConsent, takeUploadSlot } from '../consent/consent.service.js';
import type { BankFormat, ParseWarning, ParsedAccount, ParsedStatement, ParsedTransaction, RejectedEntry } from './canonical.js';
import { metrics } from '../platform/metrics.js';

export interface IngestInput {
  tenantId: string;
  debtorId: string;
  consentId?: string;
  statement: ParsedStatement;
  /** dedupeKeys(statement.transactions) when already computed (the parse worker does, off the event loop). */
  dedupeKeys?: string[];
  /** SHA-256 and size of the uploaded bytes, kept with the upload record. */
  fileSha256: string;
  byteSize: number;
  actor: string;
}

export interface IngestResult {
  uploadId: string;
  consentId: string;
  format: BankFormat;
  accounts: { id: string; iban: string | null; otherId: string | null; currency: string | null }[];
  accepted: number;
  duplicates: number;
  replacedPending: number;
  balances: number;
  rejected: RejectedEntry[];
  /** Secondary fields the parser dropped, repaired or cleaned; the upload was taken with them. */
  warnings: ParseWarning[];
}

/** Days a booked entry may fall before (-) or after (+) the pending entry it settles. */
const PENDING_MATCH_WINDOW = { before: 3, after: 7 };
const INSERT_BATCH_ROWS = 5000;

export function accountKey(account: ParsedAccount): string {
  if (account.iban) return `iban:${account.iban}`;
  if (account.otherId) return `other:${account.otherId}`;
  return `unknown:${account.currency ?? 'XXX'}`;
}

/** Stable keys for every transaction of a statement, in order (exported for tests and the benchmark). */
export function dedupeKeys(transactions: readonly ParsedTransaction[]): string[] {
  const seen = new Map<string, number>();
  return transactions.map((t) => {
    const base = t.sourceId
      ? `${t.accountIndex}|${t.status}|id:${t.sourceId}`
      : `${t.accountIndex}|${t.status}|c:${contentHash(t)}`;
    const ordinal = seen.get(base) ?? 0;
    seen.set(base, ordinal + 1);
    const key = base.slice(base.indexOf('|') + 1);
    return ordinal === 0 ? key : `${key}#${ordinal}`;
  });
}

function contentHash(t: ParsedTransaction): string {
  return createHash('sha256')
    .update(
      [
        t.bookingDate,
        t.valueDate ?? '',
        t.amountCents,
        t.currency,
        t.counterpartyIban ?? '',
        t.counterpartyName ?? '',
        t.remittanceUnstructured ?? '',
        t.remittanceStructured ?? '',
        t.endToEndId ?? '',
        t.bankTransactionCode ?? '',
        t.proprietaryCode ?? '',
        t.returnReasonCode ?? '',
      ].join('\u001f'),
    )
    .digest('base64url')
    .slice(0, 32);
}

export async function ingestStatement(db: Db, input: IngestInput, context: { today: IsoDate; now: Date; timeZone?: string }): Promise<IngestResult> {
  const { statement, tenantId, debtorId } = input;
  const needs: ('balances' | 'transactions')[] = [];
  if (statement.transactions.length > 0) needs.push('transactions');
  if (statement.balances.length > 0) needs.push('balances');
  if (needs.length === 0 && statement.accounts.length === 0) {
    throw new AppError('unprocessable_file', 'the file holds no accounts, transactions or balances');
  }
  const consent = await requireConsent(db, tenantId, debtorId, { access: needs.length > 0 ? needs : ['accounts'], ...(input.consentId ? { consentId: input.consentId } : {}) }, context);
  await takeUploadSlot(db, consent, { now: context.now, timeZone: context.timeZone ?? DEFAULT_TENANT_TIME_ZONE });

  const uploadId = randomUUID();
  const accountIds = await upsertAccounts(db, tenantId, debtorId, consent.id, statement.accounts);
  const keys = input.dedupeKeys ?? dedupeKeys(statement.transactions);

  const booked = statement.transactions.map((t, i) => ({ t, key: keys[i]! })).filter((x) => x.t.status === 'booked');
  const pending = statement.transactions.map((t, i) => ({ t, key: keys[i]! })).filter((x) => x.t.status === 'pending');

  let replacedPending = 0;
  const accountsWithPendingSnapshot = [...new Set(pending.map((p) => accountIds[p.t.accountIndex]!))];
  if (accountsWithPendingSnapshot.length > 0) {
    const removed = await db
      .deleteFrom('bank_transactions')
      .where('tenant_id', '=', tenantId)
      .where('account_id', 'in', accountsWithPendingSnapshot)
      .where('status', '=', 'pending')
      .where('dedupe_key', 'not in', pending.map((p) => p.key))
      .executeTakeFirst();
    replacedPending += Number(removed.numDeletedRows);
  }
  if (booked.length > 0) replacedPending += await settlePending(db, tenantId, booked.map((b) => b.t), accountIds);

  let accepted = 0;
  const rows = statement.transactions.map((t, i) => ({ t, key: keys[i]!, accountId: accountIds[t.accountIndex]! }));
  const batchContext: BatchContext = { tenantId, debtorId, consentId: consent.id, uploadId, format: statement.format };
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    // Let other requests run between batches: on PGlite the query itself runs on this thread.
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    accepted += await insertTransactionBatch(db, batchContext, rows.slice(start, start + INSERT_BATCH_ROWS));
  }
  if (accepted < rows.length) await adoptRowsOfOlderConsents(db, batchContext, rows);

  let balances = 0;
  for (const b of statement.balances) {
    await db
      .insertInto('bank_balances')
      .values({
        tenant_id: tenantId,
        account_id: accountIds[b.accountIndex]!,
        debtor_id: debtorId,
        consent_id: consent.id,
        upload_id: uploadId,
        type: b.type,
        raw_type: b.rawType,
        amount_cents: b.amountCents,
        currency: b.currency,
        date: b.date,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'type', 'date']).doUpdateSet({ amount_cents: b.amountCents, raw_type: b.rawType, upload_id: uploadId, consent_id: consent.id }))
      .execute();
    balances += 1;
  }

  const duplicates = statement.transactions.length - accepted;
  await db
    .insertInto('bank_uploads')
    .values({
      tenant_id: tenantId,
      id: uploadId,
      debtor_id: debtorId,
      consent_id: consent.id,
      format: statement.format,
      sha256: input.fileSha256,
      byte_size: input.byteSize,
      accepted,
      duplicates,
      replaced_pending: replacedPending,
      rejected: JSON.stringify(statement.rejected),
      created_at: context.now,
    })
    .execute();
  await recordAudit(db, {
    tenantId,
    actor: input.actor,
    action: 'bank_data.uploaded',
    subjectType: 'consent',
    subjectId: consent.id,
    details: { uploadId, format: statement.format, accepted, duplicates, rejected: statement.rejected.length, warnings: statement.warnings.length },
  });
  metrics.ingestedStatements.inc({ format: statement.format });
  metrics.ingestedRows.inc({ format: statement.format, outcome: 'accepted' }, accepted);
  metrics.ingestedRows.inc({ format: statement.format, outcome: 'duplicate' }, duplicates);
  metrics.ingestedRows.inc({ format: statement.format, outcome: 'rejected' }, statement.rejected.length);
  return {
    uploadId,
    consentId: consent.id,
    format: statement.format,
    accounts: statement.accounts.map((a, i) => ({ id: accountIds[i]!, iban: a.iban, otherId: a.otherId, currency: a.currency })),
    accepted,
    duplicates,
    replacedPending,
    balances,
    rejected: statement.rejected,
    warnings: statement.warnings,
  };
}

async function upsertAccounts(db: Db, tenantId: string, debtorId: string, consentId: string, accounts: ParsedAccount[]): Promise<string[]> {
  const ids: string[] = [];
  for (const account of accounts) {
    const row = await db
      .insertInto('bank_accounts')
      .values({
        tenant_id: tenantId,
        id: randomUUID(),
        debtor_id: debtorId,
        consent_id: consentId,
        account_key: accountKey(account),
        iban: account.iban,
        other_id: account.otherId,
        currency: account.currency,
        owner_name: account.ownerName,
        servicer_bic: account.servicerBic,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'debtor_id', 'account_key']).doUpdateSet((eb) => ({
          consent_id: eb.ref('excluded.consent_id'),
          owner_name: eb.fn.coalesce('excluded.owner_name', 'bank_accounts.owner_name'),
          servicer_bic: eb.fn.coalesce('excluded.servicer_bic', 'bank_accounts.servicer_bic'),
          currency: eb.fn.coalesce('bank_accounts.currency', 'excluded.currency'),
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

/** Deletes pending rows that the given booked entries settle; returns how many. */
async function settlePending(db: Db, tenantId: string, booked: readonly ParsedTransaction[], accountIds: readonly string[]): Promise<number> {
  const anyPending = await db
    .selectFrom('bank_transactions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('account_id', 'in', [...new Set(accountIds)])
    .where('status', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  if (!anyPending) return 0;
  // Column arrays are built only when there is something to settle: for a 50,000-entry file they are
  // 250,000 values made on the event loop.
  const result = await sql`
    DELETE FROM bank_transactions p
    USING unnest(${sql.val(booked.map((b) => accountIds[b.accountIndex]!))}::uuid[], ${sql.val(booked.map((b) => b.sourceId))}::text[],
                 ${sql.val(booked.map((b) => b.amountCents))}::bigint[], ${sql.val(booked.map((b) => b.counterpartyIban ?? b.counterpartyName ?? ''))}::text[],
                 ${sql.val(booked.map((b) => b.bookingDate))}::date[]) AS b(account_id, source_id, amount_cents, counterparty, booking_date)
    WHERE p.tenant_id = ${tenantId} AND p.status = 'pending' AND p.account_id = b.account_id
      AND ((b.source_id IS NOT NULL AND p.source_id = b.source_id)
        OR (p.amount_cents = b.amount_cents AND coalesce(p.counterparty_iban, p.counterparty_name, '') = b.counterparty
            AND b.booking_date BETWEEN p.booking_date - ${PENDING_MATCH_WINDOW.before}::int AND p.booking_date + ${PENDING_MATCH_WINDOW.after}::int))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

interface BatchContext {
  tenantId: string;
  debtorId: string;
  consentId: string;
  uploadId: string;
  format: string;
}

/**
 * Inserts many rows in one statement: one array parameter per column expanded by unnest, so a batch of
 * thousands of rows costs one round trip and one plan, on PostgreSQL and PGlite alike.
 */
async function insertTransactionBatch(db: Db, ctx: BatchContext, rows: { t: ParsedTransaction; key: string; accountId: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <T>(f: (r: { t: ParsedTransaction; key: string; accountId: string }) => T) => sql.val(rows.map(f));
  const result = await sql`
    INSERT INTO bank_transactions (tenant_id, account_id, debtor_id, consent_id, upload_id, dedupe_key, source_id, status, booking_date,
      value_date, amount_cents, currency, counterparty_name, counterparty_iban, counterparty_bic, remittance_unstructured,
      remittance_structured, end_to_end_id, mandate_id, creditor_id, bank_transaction_code, proprietary_code, return_reason_code,
      reversal, source_format)
    SELECT ${ctx.tenantId}, u.account_id, ${ctx.debtorId}::uuid, ${ctx.consentId}::uuid, ${ctx.uploadId}::uuid, u.dedupe_key, u.source_id, u.status,
      u.booking_date, u.value_date, u.amount_cents, u.currency, u.counterparty_name, u.counterparty_iban, u.counterparty_bic,
      u.remittance_unstructured, u.remittance_structured, u.end_to_end_id, u.mandate_id, u.creditor_id, u.bank_transaction_code,
      u.proprietary_code, u.return_reason_code, u.reversal, ${ctx.format}
    FROM unnest(
      ${col((r) => r.accountId)}::uuid[], ${col((r) => r.key)}::text[], ${col((r) => r.t.sourceId)}::text[], ${col((r) => r.t.status)}::text[],
      ${col((r) => r.t.bookingDate)}::date[], ${col((r) => r.t.valueDate)}::date[], ${col((r) => r.t.amountCents)}::bigint[],
      ${col((r) => r.t.currency)}::text[], ${col((r) => r.t.counterpartyName)}::text[], ${col((r) => r.t.counterpartyIban)}::text[],
      ${col((r) => r.t.counterpartyBic)}::text[], ${col((r) => r.t.remittanceUnstructured)}::text[], ${col((r) => r.t.remittanceStructured)}::text[],
      ${col((r) => r.t.endToEndId)}::text[], ${col((r) => r.t.mandateId)}::text[], ${col((r) => r.t.creditorId)}::text[],
      ${col((r) => r.t.bankTransactionCode)}::text[], ${col((r) => r.t.proprietaryCode)}::text[], ${col((r) => r.t.returnReasonCode)}::text[],
      ${col((r) => r.t.reversal)}::boolean[]
    ) AS u(account_id, dedupe_key, source_id, status, booking_date, value_date, amount_cents, currency, counterparty_name, counterparty_iban,
           counterparty_bic, remittance_unstructured, remittance_structured, end_to_end_id, mandate_id, creditor_id, bank_transaction_code,
           proprietary_code, return_reason_code, reversal)
    ON CONFLICT (tenant_id, account_id, dedupe_key) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Rows this upload sent again that are held under an older consent move to this consent, so they
 * outlive the older one. Rare (a renewed consent), so a cheap existence check guards the update.
 */
async function adoptRowsOfOlderConsents(db: Db, ctx: BatchContext, rows: { key: string; accountId: string }[]): Promise<void> {
  const accountIds = [...new Set(rows.map((r) => r.accountId))];
  const older = await db
    .selectFrom('bank_transactions')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('account_id', 'in', accountIds)
    .where('consent_id', '<>', ctx.consentId)
    .limit(1)
    .executeTakeFirst();
  if (!older) return;
  await sql`
    UPDATE bank_transactions t SET consent_id = ${ctx.consentId}::uuid, upload_id = ${ctx.uploadId}::uuid
    FROM unnest(${sql.val(rows.map((r) => r.accountId))}::uuid[], ${sql.val(rows.map((r) => r.key))}::text[]) AS u(account_id, dedupe_key)
    WHERE t.tenant_id = ${ctx.tenantId} AND t.account_id = u.account_id AND t.dedupe_key = u.dedupe_key AND t.consent_id <> ${ctx.consentId}::uuid`.execute(db);
}
