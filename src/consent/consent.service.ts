/**
 * The consent lifecycle. Bank data exists in this service only under a valid consent: ingestion and
 * every use check it, and the moment a consent ends (revoked, terminated, expired) the bank data
 * obtained under it is erased in the same transaction, leaving an audit entry without personal data.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import { addDays, diffDays, type IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { secondsUntilNextDay, zonedDay } from '../platform/time-zone.js';
import { getDebtor } from '../debtors/debtor.service.js';
import { eraseUploadDraftsOfConsent } from '../bank-data/upload-drafts.service.js';
import type { ConsentEvidence, ConsentPurpose, ConsentRow, ConsentStatus } from './consent.table.js';
import { signLinkToken, type LinkTokenPayload } from './link-token.js';
import { inTransaction, recordEvent, type WebhookEventType } from '../webhooks/events.js';

/** Berlin Group (2023 RTS change): at most 180 days of access without renewed authentication. */
export const MAX_CONSENT_DAYS = 180;
/** How long a debtor has to act on a consent request link. */
export const LINK_VALID_DAYS = 14;
/** The consent text version shown to debtors; stored with each grant as evidence. */
export const CURRENT_CONSENT_TEXT_VERSION = '2026-11-v1';

export type ConsentAccess = 'accounts' | 'balances' | 'transactions';

export interface Consent {
  id: string;
  debtorId: string;
  access: { accounts: boolean; balances: boolean; transactions: boolean };
  purpose: ConsentPurpose;
  validUntil: IsoDate;
  frequencyPerDay: number;
  recurringIndicator: boolean;
  status: ConsentStatus;
  statusChangedAt: string;
  linkExpiresAt: string;
  evidence: ConsentEvidence | null;
  createdAt: string;
}

export function toConsent(row: ConsentRow): Consent {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    access: { accounts: row.access_accounts, balances: row.access_balances, transactions: row.access_transactions },
    purpose: row.purpose,
    validUntil: row.valid_until,
    frequencyPerDay: row.frequency_per_day,
    recurringIndicator: row.recurring,
    status: row.status,
    statusChangedAt: new Date(row.status_changed_at).toISOString(),
    linkExpiresAt: new Date(row.link_expires_at).toISOString(),
    evidence: row.evidence,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface ConsentRequestInput {
  access: { accounts?: boolean; balances?: boolean; transactions?: boolean };
  purpose: ConsentPurpose;
  validUntil: IsoDate;
  frequencyPerDay: number;
  recurringIndicator: boolean;
}

export async function requestConsent(
  db: Db,
  tenantId: string,
  debtorId: string,
  input: ConsentRequestInput,
  context: { today: IsoDate; now: Date; secret: string; actor: string },
): Promise<{ consent: Consent; linkToken: string }> {
  await getDebtor(db, tenantId, debtorId);
  const days = diffDays(input.validUntil, context.today);
  if (days < 1 || days > MAX_CONSENT_DAYS) {
    throw new AppError('validation_failed', `validUntil must be 1 to ${MAX_CONSENT_DAYS} days after today (${context.today})`, {
      errors: [{ in: 'body', pointer: '/validUntil', message: `must be between ${addDays(context.today, 1)} and ${addDays(context.today, MAX_CONSENT_DAYS)}`, code: 'consent_validity' }],
    });
  }
  const access = { accounts: input.access.accounts ?? true, balances: input.access.balances ?? false, transactions: input.access.transactions ?? false };
  if (!access.balances && !access.transactions) {
    throw new AppError('validation_failed', 'a consent must give access to balances, transactions or both', {
      errors: [{ in: 'body', pointer: '/access', message: 'must include balances or transactions', code: 'consent_access' }],
    });
  }
  const linkExpiresAt = new Date(context.now.getTime() + LINK_VALID_DAYS * 86_400_000);
  const row = await db
    .insertInto('consents')
    .values({
      tenant_id: tenantId,
      id: randomUUID(),
      debtor_id: debtorId,
      access_accounts: access.accounts,
      access_balances: access.balances,
      access_transactions: access.transactions,
      purpose: input.purpose,
      valid_until: input.validUntil,
      frequency_per_day: input.frequencyPerDay,
      recurring: input.recurringIndicator,
      status: 'received',
      link_expires_at: linkExpiresAt,
      evidence: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, { tenantId, actor: context.actor, action: 'consent.requested', subjectType: 'consent', subjectId: row.id, details: { purpose: row.purpose } });
  return { consent: toConsent(row), linkToken: linkTokenFor(row, context.secret) };
}

/** The token lives until the consent's last day, so the debtor can revoke at any time while it runs. */
export function linkTokenFor(row: Pick<ConsentRow, 'tenant_id' | 'id' | 'debtor_id' | 'valid_until'>, secret: string): string {
  const expiresAt = Math.floor(Date.parse(`${row.valid_until}T23:59:59Z`) / 1000);
  return signLinkToken({ tenantId: row.tenant_id, consentId: row.id, debtorId: row.debtor_id, expiresAt }, secret);
}

export async function getConsent(db: Db, tenantId: string, consentId: string): Promise<ConsentRow> {
  const row = await db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', consentId).executeTakeFirst();
  if (!row) throw notFound(`consent ${consentId}`);
  return row;
}

export async function listConsents(db: Db, tenantId: string, debtorId: string): Promise<Consent[]> {
  await getDebtor(db, tenantId, debtorId);
  const rows = await db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(toConsent);
}

/** The consent a link token names, locked for the change about to be made. */
async function consentOfToken(db: Db, token: LinkTokenPayload): Promise<ConsentRow> {
  const row = await db
    .selectFrom('consents')
    .selectAll()
    .where('tenant_id', '=', token.tenantId)
    .where('id', '=', token.consentId)
    .where('debtor_id', '=', token.debtorId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('invalid_link_token');
  return row;
}

export async function viewConsentByToken(db: Db, token: LinkTokenPayload): Promise<{ consent: Consent; creditorName: string }> {
  const row = await db.selectFrom('consents').selectAll().where('tenant_id', '=', token.tenantId).where('id', '=', token.consentId).where('debtor_id', '=', token.debtorId).executeTakeFirst();
  if (!row) throw new AppError('invalid_link_token');
  const tenant = await db.selectFrom('tenants').select('name').where('id', '=', token.tenantId).executeTakeFirstOrThrow();
  return { consent: toConsent(row), creditorName: tenant.name };
}

export async function grantConsent(db: Db, token: LinkTokenPayload, input: { textVersion: string; method: string }, context: { now: Date; today: IsoDate }): Promise<Consent> {
  const row = await consentOfToken(db, token);
  if (input.textVersion !== CURRENT_CONSENT_TEXT_VERSION) {
    throw new AppError('invalid_state', `the consent text changed; show the debtor version ${CURRENT_CONSENT_TEXT_VERSION} and ask again`);
  }
  if (row.status !== 'received') throw new AppError('invalid_state', `the consent is ${row.status}; only a requested consent can be granted`);
  if (new Date(row.link_expires_at).getTime() < context.now.getTime()) throw new AppError('invalid_state', 'the link to grant this consent has expired; ask for a new one');
  if (row.valid_until < context.today) throw new AppError('consent_expired');
  const evidence: ConsentEvidence = { grantedAt: context.now.toISOString(), method: input.method, textVersion: input.textVersion };
  const updated = await db
    .updateTable('consents')
    .set({ status: 'valid', status_changed_at: context.now, evidence: JSON.stringify(evidence) })
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, { tenantId: row.tenant_id, actor: 'debtor_link', action: 'consent.granted', subjectType: 'consent', subjectId: row.id, details: { textVersion: input.textVersion } });
  await inTransaction(db, (trx) => recordEvent(trx, row.tenant_id, { type: 'consent.granted', debtorId: row.debtor_id, subject: { type: 'consent', id: row.id }, data: consentEventData(updated) }));
  return toConsent(updated);
}

export async function rejectConsent(db: Db, token: LinkTokenPayload, context: { now: Date }): Promise<Consent> {
  const row = await consentOfToken(db, token);
  if (row.status !== 'received') throw new AppError('invalid_state', `the consent is ${row.status}; only a requested consent can be declined`);
  return endConsent(db, row, 'rejected', 'debtor_link', context.now);
}

export async function revokeConsentByDebtor(db: Db, token: LinkTokenPayload, context: { now: Date }): Promise<Consent> {
  const row = await consentOfToken(db, token);
  if (row.status !== 'valid' && row.status !== 'received') throw new AppError('invalid_state', `the consent is already ${row.status}`);
  return endConsent(db, row, 'revokedByPsu', 'debtor_link', context.now);
}

export async function terminateConsent(db: Db, tenantId: string, consentId: string, context: { now: Date; actor: string }): Promise<Consent> {
  const row = await db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', consentId).forUpdate().executeTakeFirst();
  if (!row) throw notFound(`consent ${consentId}`);
  if (row.status !== 'valid' && row.status !== 'received') return toConsent(row);
  return endConsent(db, row, 'terminatedByTpp', context.actor, context.now);
}

/**
 * The debtor's bank reports that its side of the consent ended (the debtor revoked it at the bank, or
 * it expired there): ours ends the same way and its bank data is erased, in one transaction.
 */
export async function endConsentReportedByBank(db: Db, tenantId: string, consentId: string, status: 'revokedByPsu' | 'expired', context: { now: Date; actor: string }): Promise<Consent> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', consentId).forUpdate().executeTakeFirst();
    if (!row) throw notFound(`consent ${consentId}`);
    if (row.status !== 'valid' && row.status !== 'received') return toConsent(row);
    return endConsent(trx, row, status, context.actor, context.now);
  });
}

/** Expires every consent whose last day has passed, erasing its data; run by a job and lazily on use. */
export async function expireConsents(db: Db, today: IsoDate, now = new Date(), tenantId?: string): Promise<number> {
  let query = db.selectFrom('consents').selectAll().where('status', 'in', ['valid', 'received']).where('valid_until', '<', today);
  if (tenantId) query = query.where('tenant_id', '=', tenantId);
  const due = await query.execute();
  let expired = 0;
  for (const candidate of due) {
    // Each consent ends in its own transaction (erasure, status and event together), re-read under a
    // lock so two runs at once (the job and a lazy check) end it, and announce it, once.
    const ended = await inTransaction(db, async (trx) => {
      const row = await trx.selectFrom('consents').selectAll().where('tenant_id', '=', candidate.tenant_id).where('id', '=', candidate.id).forUpdate().executeTakeFirst();
      if (!row || (row.status !== 'valid' && row.status !== 'received') || row.valid_until >= today) return false;
      await endConsent(trx, row, 'expired', 'system', now);
      return true;
    });
    if (ended) expired += 1;
  }
  return expired;
}

export interface ErasedCounts {
  transactions: number;
  balances: number;
  accounts: number;
  uploads: number;
  /** Uploads the debtor staged on their page and had not confirmed or discarded (bank_upload_drafts). */
  drafts: number;
}

async function endConsent(db: Db, row: ConsentRow, status: ConsentStatus, actor: string, now: Date): Promise<Consent> {
  const erased = await eraseBankDataOfConsent(db, row.tenant_id, row.id);
  const evidence: ConsentEvidence = { ...(row.evidence ?? {}), endedAt: now.toISOString(), endedBy: actor };
  const updated = await db
    .updateTable('consents')
    .set({ status, status_changed_at: now, evidence: JSON.stringify(evidence) })
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, { tenantId: row.tenant_id, actor, action: `consent.${status}`, subjectType: 'consent', subjectId: row.id, details: { ...erased } });
  const type = CONSENT_END_EVENTS[status];
  if (type) await inTransaction(db, (trx) => recordEvent(trx, row.tenant_id, { type, debtorId: row.debtor_id, subject: { type: 'consent', id: row.id }, data: { ...consentEventData(updated), previousStatus: row.status } }));
  return toConsent(updated);
}

/** The webhook event of each way a consent ends; one place, so every path that ends a consent announces it. */
const CONSENT_END_EVENTS: Partial<Record<ConsentStatus, WebhookEventType>> = {
  rejected: 'consent.rejected',
  revokedByPsu: 'consent.revoked',
  terminatedByTpp: 'consent.terminated',
  expired: 'consent.expired',
};

/** What a receiver needs to act on a consent change: ids, purpose, access and dates, no personal data. */
function consentEventData(row: ConsentRow): Record<string, string | boolean> {
  return {
    consentId: row.id,
    status: row.status,
    purpose: row.purpose,
    validUntil: row.valid_until,
    accessAccounts: row.access_accounts,
    accessBalances: row.access_balances,
    accessTransactions: row.access_transactions,
  };
}

/**
 * Deletes every row of bank data held under a consent and says how many of each went, staged upload
 * drafts included. An account row goes too once no data of it remains and no other valid consent delivered it.
 */
export async function eraseBankDataOfConsent(db: Db, tenantId: string, consentId: string): Promise<ErasedCounts> {
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const consent = await db.selectFrom('consents').select('debtor_id').where('tenant_id', '=', tenantId).where('id', '=', consentId).executeTakeFirst();
  const transactions = count(await db.deleteFrom('bank_transactions').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).executeTakeFirst());
  const balances = count(await db.deleteFrom('bank_balances').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).executeTakeFirst());
  let accounts = 0;
  if (consent) {
    const result = await db
      .deleteFrom('bank_accounts as a')
      .where('a.tenant_id', '=', tenantId)
      .where('a.debtor_id', '=', consent.debtor_id)
      .where((eb) =>
        eb.and([
          eb.not(eb.exists(eb.selectFrom('bank_transactions as t').select('t.id').where('t.tenant_id', '=', tenantId).whereRef('t.account_id', '=', 'a.id'))),
          eb.not(eb.exists(eb.selectFrom('bank_balances as b').select('b.id').where('b.tenant_id', '=', tenantId).whereRef('b.account_id', '=', 'a.id'))),
          eb.or([
            eb('a.consent_id', '=', consentId),
            eb.not(eb.exists(eb.selectFrom('consents as c').select('c.id').where('c.tenant_id', '=', tenantId).whereRef('c.id', '=', 'a.consent_id').where('c.status', '=', 'valid'))),
          ]),
        ]),
      )
      .executeTakeFirst();
    accounts = count(result);
  }
  const uploads = count(await db.deleteFrom('bank_uploads').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).executeTakeFirst());
  // Files staged but not yet confirmed are bank data too: the cascade on the consent row would only
  // remove them once the consent itself is deleted, and an ended consent stays for its history.
  const drafts = await eraseUploadDraftsOfConsent(db, tenantId, consentId);
  return { transactions, balances, accounts, uploads, drafts };
}

/**
 * The consent under which bank data of this kind may be stored or used now. Names a consent or picks
 * the debtor's newest valid one. Throws consent_required / consent_expired (403) otherwise.
 */
export async function requireConsent(
  db: Db,
  tenantId: string,
  debtorId: string,
  needs: { access: ConsentAccess[]; consentId?: string; purposes?: ConsentPurpose[] },
  context: { today: IsoDate; now?: Date },
): Promise<ConsentRow> {
  await getDebtor(db, tenantId, debtorId);
  await expireConsents(db, context.today, context.now ?? new Date(), tenantId);
  let query = db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId);
  if (needs.consentId) query = query.where('id', '=', needs.consentId);
  const rows = await query.orderBy('created_at', 'desc').execute();
  if (needs.consentId && rows.length === 0) throw notFound(`consent ${needs.consentId}`);
  const covers = (row: ConsentRow) =>
    needs.access.every((a) => (a === 'accounts' ? row.access_accounts : a === 'balances' ? row.access_balances : row.access_transactions)) &&
    (!needs.purposes || needs.purposes.includes(row.purpose));
  const usable = rows.find((row) => row.status === 'valid' && row.valid_until >= context.today && covers(row));
  if (usable) return usable;
  if (rows.some((row) => row.status === 'expired' && covers(row))) throw new AppError('consent_expired', 'the debtor’s consent for this data has expired; request a new one');
  throw new AppError('consent_required', `no valid consent of this debtor covers ${needs.access.join(' and ')}${needs.purposes ? ` for ${needs.purposes.join(' or ')}` : ''}`);
}

/**
 * Takes one of the consent's uploads for today (Berlin Group frequencyPerDay) or refuses with 429.
 *
 * Call it inside the upload's transaction. It locks the consent row, so parallel uploads under one
 * consent queue here and each counts the uploads committed before it: N parallel uploads accept at
 * most the limit. The slot is the upload's own bank_uploads row, written later in the same
 * transaction, so an upload that fails and rolls back frees its slot. The day is the tenant's day in
 * `timeZone`; the 429 says how many seconds remain until it ends.
 */
export async function takeUploadSlot(db: Db, consent: ConsentRow, context: { now: Date; timeZone: string }): Promise<void> {
  const locked = await db
    .selectFrom('consents')
    .select(['status', 'frequency_per_day'])
    .where('tenant_id', '=', consent.tenant_id)
    .where('id', '=', consent.id)
    .forUpdate()
    .executeTakeFirst();
  // Revoked while this upload waited for the lock: its data was erased, so nothing may be stored now.
  if (!locked || locked.status !== 'valid') throw new AppError('consent_required', 'the consent ended while this upload was waiting; request a new one');
  const day = zonedDay(context.now, context.timeZone);
  const row = await db
    .selectFrom('bank_uploads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', consent.tenant_id)
    .where('consent_id', '=', consent.id)
    .where('created_at', '>=', day.start)
    .where('created_at', '<', day.end)
    .executeTakeFirstOrThrow();
  if (Number(row.n) >= locked.frequency_per_day) {
    const retryAfterSeconds = secondsUntilNextDay(context.now, context.timeZone);
    throw new AppError('rate_limited', `the consent allows ${locked.frequency_per_day} uploads a day and today's (${day.date}, ${context.timeZone}) are used; try again tomorrow`, {
      retryAfterSeconds,
    });
  }
}
