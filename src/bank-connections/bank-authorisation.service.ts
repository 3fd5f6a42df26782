/**
 * Connecting a debtor's bank under one of our consents: the redirect to the bank (start), the return
 * (complete), and every later pull (by the debtor's return, the creditor, or the refresh job).
 *
 * A pull fetches everything first (every account's balances and every page of its transactions) and
 * only then ingests, in ONE transaction through the same parser and ingestion as an uploaded file.
 * A failure anywhere (a 500 on the third account, a timeout on page 40, a malformed page) therefore
 * leaves the stored data exactly as it was: nothing half-read is ever used for an affordability
 * decision. The price is holding one debtor's pull in memory, which is bounded by the client's page
 * and size limits.
 *
 * What the bank says about its consent decides ours: revoked or expired at the bank ends our consent
 * with that status and erases its data (the consent service does the erasure); a 429 sets when we may
 * try again; an unavailable bank or a malformed answer is recorded on the authorisation and nothing
 * changes. Ending our consent revokes the bank's (best effort; the refresh job retries).
 *
 * Domain code: no Fastify.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { secondsUntilNextDay, zonedDay } from '../platform/time-zone.js';
import { CURRENT_CONSENT_TEXT_VERSION, endConsentReportedByBank, getConsent, grantConsent, rejectConsent } from '../consent/consent.service.js';
import type { LinkTokenPayload } from '../consent/link-token.js';
import type { ConsentRow, ConsentStatus } from '../consent/consent.table.js';
import { BankFileError, type ParsedStatement } from '../bank-data/canonical.js';
import { parseBankFile } from '../bank-data/formats/index.js';
import { ingestStatement } from '../bank-data/ingestion.service.js';
import { inTransaction } from '../webhooks/events.js';
import { ProviderError, type AccountInformationProvider, type BerlinGroupAccountReport } from './provider.js';
import { bankConnectionRow, DEFAULT_HISTORY_DAYS, type ProviderRegistry } from './bank-connections.service.js';
import type { BankAuthorisationRow, BankPullRow, PullTrigger } from './bank-connections.table.js';

export interface BankFlowDeps {
  providers: ProviderRegistry;
  /** PUBLIC_BASE_URL: the bank sends the debtor's browser back to the debtor's page on it. */
  publicBaseUrl: string;
  /** The tenants' day (TENANT_TIME_ZONE): pulls a day are counted in it. */
  timeZone: string;
}

/** Days before the last booked date a later pull starts: late bookings and value-date corrections land there. */
export const PULL_OVERLAP_DAYS = 5;
/** Wait after an unavailable or malformed answer before the refresh job tries again. */
const RETRY_AFTER_FAILURE_SECONDS = 15 * 60;
/** Wait after a 429 without Retry-After. */
const DEFAULT_RATE_LIMIT_SECONDS = 5 * 60;

export interface BankAuthorisationView {
  id: string;
  consentId: string;
  connectionId: string;
  connectionName: string;
  status: BankAuthorisationRow['status'];
  historyFrom: IsoDate;
  createdAt: string;
  lastPullAt: string | null;
  lastPullOutcome: string | null;
  lastSuccessAt: string | null;
  nextPullAfter: string | null;
  lastErrorCode: string | null;
  lastErrorAt: string | null;
  pullsToday: number;
  endedAt: string | null;
}

export interface BankPullView {
  id: string;
  authorisationId: string;
  trigger: PullTrigger;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  dateFrom: IsoDate | null;
  accounts: number;
  accepted: number;
  duplicates: number;
  replacedPending: number;
  balances: number;
}

export interface PullResult extends BankPullView {
  /** Our consent's status after the pull (it ends when the bank says the debtor's consent there ended). */
  consentStatus: ConsentStatus;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toPullView(row: BankPullRow): BankPullView {
  return {
    id: row.id,
    authorisationId: row.authorisation_id,
    trigger: row.trigger,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    outcome: row.outcome,
    dateFrom: row.date_from,
    accounts: row.accounts,
    accepted: row.accepted,
    duplicates: row.duplicates,
    replacedPending: row.replaced_pending,
    balances: row.balances,
  };
}

// -------------------------------------------------------------------------------------------------
// Start

export type StartResult = { ok: true; authorisationId: string; scaRedirectUrl: string } | { ok: false; authorisationId: string; errorCode: string };

/**
 * Creates the bank's consent mirroring ours (access, last day, accesses a day, recurring) and returns
 * where to send the debtor. Our consent must be requested (the bank's approval is then the grant) or
 * valid (adding a bank, or renewing a connection).
 */
export async function startBankAuthorisation(
  db: Db,
  deps: BankFlowDeps,
  input: { linkToken: string; token: LinkTokenPayload; connectionId: string; psuIpAddress?: string; now: Date; today: IsoDate; lang?: 'nl' | 'en' },
): Promise<StartResult> {
  const { token } = input;
  const consent = await consentOfLink(db, token);
  if (consent.status !== 'received' && consent.status !== 'valid') throw new AppError('invalid_state', `the consent is ${consent.status}; a bank can only be connected to a requested or running consent`);
  if (consent.valid_until < input.today) throw new AppError('consent_expired');
  if (consent.status === 'received' && new Date(consent.link_expires_at).getTime() < input.now.getTime()) throw new AppError('invalid_state', 'the link to grant this consent has expired; ask for a new one');
  const connection = await bankConnectionRow(db, token.tenantId, input.connectionId);
  if (!connection.enabled) throw notFound(`bank connection ${input.connectionId}`);
  const provider = deps.providers.providerFor(connection);
  const id = randomUUID();
  const state = randomBytes(24).toString('base64url');
  const consentPage = `${deps.publicBaseUrl}/consent/${encodeURIComponent(input.linkToken)}`;
  const historyDays = connection.settings.historyDays ?? DEFAULT_HISTORY_DAYS;
  // The debtor comes back in the language they left in.
  const lang = input.lang === 'en' ? '&lang=en' : '';
  const base = {
    tenant_id: token.tenantId,
    id,
    consent_id: consent.id,
    debtor_id: consent.debtor_id,
    connection_id: connection.id,
    state,
    history_from: addDays(input.today, -historyDays),
  };
  try {
    const started = await provider.startAuthorisation(
      {
        access: { accounts: consent.access_accounts, balances: consent.access_balances, transactions: consent.access_transactions },
        validUntil: consent.valid_until,
        frequencyPerDay: consent.frequency_per_day,
        recurringIndicator: consent.recurring,
        redirectUri: `${consentPage}/bank/return?state=${state}${lang}`,
        nokRedirectUri: `${consentPage}/bank/return-nok?state=${state}${lang}`,
        reference: id,
        historyDays,
        ...(input.psuIpAddress ? { psuIpAddress: input.psuIpAddress } : {}),
        ...(connection.settings.institutionId ? { institutionId: connection.settings.institutionId } : {}),
      },
      input.psuIpAddress ? { psuIpAddress: input.psuIpAddress } : {},
    );
    await db.insertInto('bank_authorisations').values({ ...base, provider_consent_id: started.providerConsentId, status: 'redirected' }).execute();
    await recordAudit(db, { tenantId: token.tenantId, actor: 'debtor_link', action: 'bank_authorisation.started', subjectType: 'consent', subjectId: consent.id, details: { authorisationId: id, connectionId: connection.id } });
    return { ok: true, authorisationId: id, scaRedirectUrl: started.scaRedirectUrl };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    await db.insertInto('bank_authorisations').values({ ...base, provider_consent_id: null, status: 'failed', last_error_code: error.code, last_error_at: input.now }).execute();
    return { ok: false, authorisationId: id, errorCode: error.code };
  }
}

// -------------------------------------------------------------------------------------------------
// Complete

export type CompleteResult =
  | { outcome: 'granted'; pull: PullResult | null }
  | { outcome: 'rejected' }
  | { outcome: 'not_finished' }
  | { outcome: 'failed'; errorCode: string };

const ENDED_AT_BANK = new Set(['rejected', 'revokedByPsu', 'expired', 'terminatedByTpp']);

/**
 * The debtor's browser came back from the bank (TPP-Redirect-URI, or the Nok URI after a denial).
 * The redirect itself proves nothing (anyone can open the URL): the consent's status at the bank
 * decides. Valid → our consent is granted (method bank_sca) and the first pull runs now, with the
 * debtor present; denied → our consent request is rejected. Idempotent: a reload after the first
 * return shows the same outcome.
 */
export async function completeBankAuthorisation(
  db: Db,
  deps: BankFlowDeps,
  input: { token: LinkTokenPayload; state: string; nok: boolean; psuIpAddress?: string; now: Date; today: IsoDate },
): Promise<CompleteResult> {
  const { token } = input;
  const authorisation = await db
    .selectFrom('bank_authorisations')
    .selectAll()
    .where('tenant_id', '=', token.tenantId)
    .where('consent_id', '=', token.consentId)
    .where('debtor_id', '=', token.debtorId)
    .where('state', '=', input.state)
    .executeTakeFirst();
  if (!authorisation) throw new AppError('invalid_state', 'this return from the bank does not belong to a bank connection started on this page');
  if (authorisation.status === 'active') return { outcome: 'granted', pull: null };
  if (authorisation.status === 'rejected') return { outcome: 'rejected' };
  if (authorisation.status !== 'redirected') return { outcome: 'failed', errorCode: authorisation.last_error_code ?? authorisation.status };

  const connection = await bankConnectionRow(db, token.tenantId, authorisation.connection_id);
  const provider = deps.providers.providerFor(connection);
  const ref = { providerConsentId: authorisation.provider_consent_id! };
  const context = input.psuIpAddress ? { psuIpAddress: input.psuIpAddress } : {};
  let bankStatus: string;
  try {
    bankStatus = await provider.consentStatus(ref, context);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    // A denial at the bank sometimes leaves a consent the bank no longer knows: the Nok return says enough.
    if (input.nok && (error.code === 'consent_invalid' || error.code === 'consent_expired' || error.code === 'consent_revoked')) bankStatus = 'rejected';
    else {
      await noteError(db, authorisation, error.code, input.now);
      return { outcome: 'failed', errorCode: error.code };
    }
  }
  if (bankStatus === 'valid') {
    const activation = await inTransaction(db, async (trx): Promise<'activated' | 'already' | 'consent_ended'> => {
      // The consent row's lock orders two returns of the same browser (a double click, a reload):
      // the second sees the authorisation active and neither grants twice nor pulls twice.
      const consent = await trx.selectFrom('consents').selectAll().where('tenant_id', '=', token.tenantId).where('id', '=', token.consentId).forUpdate().executeTakeFirstOrThrow();
      const current = await trx.selectFrom('bank_authorisations').select('status').where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).executeTakeFirstOrThrow();
      if (current.status !== 'redirected') return 'already';
      if (consent.status === 'received') await grantConsent(trx, token, { textVersion: CURRENT_CONSENT_TEXT_VERSION, method: 'bank_sca' }, { now: input.now, today: input.today });
      else if (consent.status !== 'valid') return 'consent_ended';
      await trx.updateTable('bank_authorisations').set({ status: 'active', updated_at: input.now, last_error_code: null }).where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).execute();
      await recordAudit(trx, { tenantId: token.tenantId, actor: 'debtor_link', action: 'bank_authorisation.approved', subjectType: 'consent', subjectId: consent.id, details: { authorisationId: authorisation.id, connectionId: connection.id, method: 'bank_sca' } });
      return 'activated';
    });
    if (activation === 'already') return { outcome: 'granted', pull: null };
    if (activation === 'consent_ended') {
      // Our consent ended while the debtor was at the bank: the bank's consent must not outlive it.
      await endAuthorisation(db, provider, authorisation, input.now);
      throw new AppError('invalid_state', 'the consent ended while the debtor was at the bank; the bank’s consent was ended too');
    }
    // Connecting the same bank again under this consent renews it: the older bank consent is ended, so
    // one bank is never pulled twice (and counted twice against frequencyPerDay) for one consent.
    const older = await db
      .selectFrom('bank_authorisations')
      .selectAll()
      .where('tenant_id', '=', authorisation.tenant_id)
      .where('consent_id', '=', authorisation.consent_id)
      .where('connection_id', '=', authorisation.connection_id)
      .where('status', '=', 'active')
      .where('id', '<>', authorisation.id)
      .execute();
    for (const replaced of older) await endAuthorisation(db, provider, replaced, input.now);
    const pull = await pullWith(db, deps, provider, { tenantId: token.tenantId, authorisationId: authorisation.id, trigger: 'debtor', now: input.now, today: input.today, ...(input.psuIpAddress ? { psuIpAddress: input.psuIpAddress } : {}) });
    return { outcome: 'granted', pull };
  }
  if (input.nok || ENDED_AT_BANK.has(bankStatus)) {
    await db.updateTable('bank_authorisations').set({ status: 'rejected', updated_at: input.now, ended_at: input.now }).where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).execute();
    const consent = await getConsent(db, token.tenantId, token.consentId);
    if (consent.status === 'received') await inTransaction(db, (trx) => rejectConsent(trx, token, { now: input.now }));
    // Tidy up a consent the bank still holds as received: it must never become usable later.
    if (!ENDED_AT_BANK.has(bankStatus)) await provider.revoke(ref, context).catch(() => undefined);
    return { outcome: 'rejected' };
  }
  return { outcome: 'not_finished' };
}

// -------------------------------------------------------------------------------------------------
// Pull

export interface PullInput {
  tenantId: string;
  authorisationId: string;
  trigger: PullTrigger;
  /** Present only when the debtor is (the return from the bank): such a pull is not counted by the bank. */
  psuIpAddress?: string;
  now: Date;
  today: IsoDate;
  signal?: AbortSignal;
}

/**
 * One pull of one authorisation. Refuses (AppError) what must not reach the bank: an authorisation
 * that is not active, a consent that is not valid (409), an unattended pull over frequencyPerDay or
 * before a 429's Retry-After (429). Provider failures are an outcome, not an exception.
 */
export async function pullAuthorisation(db: Db, deps: BankFlowDeps, input: PullInput): Promise<PullResult> {
  const authorisation = await authorisationRow(db, input.tenantId, input.authorisationId);
  const connection = await bankConnectionRow(db, input.tenantId, authorisation.connection_id);
  if (!connection.enabled) throw new AppError('invalid_state', 'the bank connection is disabled');
  return pullWith(db, deps, deps.providers.providerFor(connection), input);
}

async function pullWith(db: Db, deps: BankFlowDeps, provider: AccountInformationProvider, input: PullInput): Promise<PullResult> {
  const authorisation = await authorisationRow(db, input.tenantId, input.authorisationId);
  if (authorisation.status !== 'active') throw new AppError('invalid_state', `the bank authorisation is ${authorisation.status}; only an active one is pulled`);
  const consent = await getConsent(db, input.tenantId, authorisation.consent_id);
  if (consent.status !== 'valid' || consent.valid_until < input.today) throw new AppError('invalid_state', `the consent is ${consent.valid_until < input.today && consent.status === 'valid' ? 'past its last day' : consent.status}; only a valid consent is pulled`);
  const unattended = input.psuIpAddress === undefined;
  if (unattended) await takePullSlot(db, deps, authorisation, consent, input.now);

  const pullId = randomUUID();
  const dateFrom = await pullDateFrom(db, authorisation);
  await db.insertInto('bank_pulls').values({ tenant_id: input.tenantId, id: pullId, authorisation_id: authorisation.id, consent_id: consent.id, trigger: input.trigger, started_at: input.now, outcome: 'running', date_from: dateFrom }).execute();

  const ref = { providerConsentId: authorisation.provider_consent_id! };
  const context = { ...(input.psuIpAddress ? { psuIpAddress: input.psuIpAddress } : {}), ...(input.signal ? { signal: input.signal } : {}) };
  let reports: BerlinGroupAccountReport[];
  try {
    const accounts = await provider.listAccounts(ref, context);
    reports = [];
    // One account after the other: a bank counts parallel calls against its rate limits just the same,
    // and the first failure stops the pull before more is fetched for nothing.
    for (const account of accounts) {
      reports.push(await provider.accountReport(ref, account, { dateFrom, withBalances: consent.access_balances, withTransactions: consent.access_transactions }, context));
    }
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      // A fault of ours, not the bank's: the history must not show the pull running forever.
      await finishPull(db, { authorisation, pullId, outcome: 'internal_error', now: input.now, consentStatus: consent.status, errorCode: 'internal_error' }).catch(() => undefined);
      throw error;
    }
    return failPull(db, deps, provider, { authorisation, consent, pullId, error, now: input.now });
  }
  if (reports.length === 0) return finishPull(db, { authorisation, pullId, outcome: 'no_accounts', now: input.now, consentStatus: consent.status });

  let statement: ParsedStatement;
  let bytes: Buffer;
  try {
    ({ statement, bytes } = parseReports(reports));
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    return failPull(db, deps, provider, { authorisation, consent, pullId, error: new ProviderError('malformed', `the bank's report could not be read: ${error.message}`), now: input.now });
  }
  try {
    return await inTransaction(db, async (trx) => {
      const result = await ingestStatement(
        trx,
        { tenantId: input.tenantId, debtorId: consent.debtor_id, consentId: consent.id, statement, fileSha256: createHash('sha256').update(bytes).digest('hex'), byteSize: bytes.length, actor: `bank_pull:${authorisation.id}` },
        { today: input.today, now: input.now, timeZone: deps.timeZone },
      );
      const counts = { accounts: result.accounts.length, accepted: result.accepted, duplicates: result.duplicates, replaced_pending: result.replacedPending, balances: result.balances, upload_id: result.uploadId };
      return finishPull(trx, { authorisation, pullId, outcome: 'ok', now: input.now, consentStatus: consent.status, counts });
    });
  } catch (error) {
    // Our own refusals at ingestion: the consent ended meanwhile, or today's ingestions are used up.
    if (error instanceof AppError && (error.code === 'rate_limited' || error.code === 'consent_required' || error.code === 'consent_expired')) {
      const outcome = error.code === 'rate_limited' ? 'access_exceeded' : 'consent_ended';
      const retryAfter = typeof error.extra.retryAfterSeconds === 'number' ? error.extra.retryAfterSeconds : null;
      return finishPull(db, { authorisation, pullId, outcome, now: input.now, consentStatus: (await getConsent(db, input.tenantId, consent.id)).status, errorCode: outcome, ...(retryAfter !== null ? { nextPullAfter: new Date(input.now.getTime() + retryAfter * 1000) } : {}) });
    }
    await finishPull(db, { authorisation, pullId, outcome: 'internal_error', now: input.now, consentStatus: consent.status, errorCode: 'internal_error' }).catch(() => undefined);
    throw error;
  }
}

/**
 * Counts an unattended pull against frequencyPerDay (the tenant's day) before it reaches the bank,
 * in one conditional update so two instances cannot both take the last one.
 */
async function takePullSlot(db: Db, deps: BankFlowDeps, authorisation: BankAuthorisationRow, consent: ConsentRow, now: Date): Promise<void> {
  if (authorisation.next_pull_after && new Date(authorisation.next_pull_after).getTime() > now.getTime()) {
    const seconds = Math.ceil((new Date(authorisation.next_pull_after).getTime() - now.getTime()) / 1000);
    throw new AppError('rate_limited', `the bank asked us to wait; the next pull may start in ${seconds} s`, { retryAfterSeconds: seconds });
  }
  const zoned = zonedDay(now, deps.timeZone);
  const day = zoned.date;
  // Our own count too: every ingestion (upload or pull) takes one of the consent's daily slots
  // (takeUploadSlot). A pull that would be refused there must not spend an access at the bank first.
  const ingested = await db
    .selectFrom('bank_uploads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', authorisation.tenant_id)
    .where('consent_id', '=', consent.id)
    .where('created_at', '>=', zoned.start)
    .where('created_at', '<', zoned.end)
    .executeTakeFirstOrThrow();
  if (Number(ingested.n) >= consent.frequency_per_day) {
    throw new AppError('rate_limited', `the consent allows ${consent.frequency_per_day} readings a day (uploads and pulls) and today's (${day}) are used; try again tomorrow`, { retryAfterSeconds: secondsUntilNextDay(now, deps.timeZone) });
  }
  const taken = await db
    .updateTable('bank_authorisations')
    .set({ pull_day: day, pulls_on_day: sql<number>`case when pull_day = ${day}::date then pulls_on_day + 1 else 1 end`, updated_at: now })
    .where('tenant_id', '=', authorisation.tenant_id)
    .where('id', '=', authorisation.id)
    .where((eb) => eb.or([eb('pull_day', 'is', null), eb('pull_day', '<>', day), eb('pulls_on_day', '<', consent.frequency_per_day)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 0) {
    throw new AppError('rate_limited', `the consent allows ${consent.frequency_per_day} unattended pulls a day and today's (${day}) are used; try again tomorrow`, { retryAfterSeconds: secondsUntilNextDay(now, deps.timeZone) });
  }
}

/** The first pull reads the consent's history; later ones from a few days before the last booked entry. */
async function pullDateFrom(db: Db, authorisation: BankAuthorisationRow): Promise<IsoDate> {
  if (!authorisation.last_success_at) return authorisation.history_from;
  const row = await db
    .selectFrom('bank_transactions')
    .select((eb) => eb.fn.max('booking_date').as('last'))
    .where('tenant_id', '=', authorisation.tenant_id)
    .where('consent_id', '=', authorisation.consent_id)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  const last = row?.last as string | Date | null | undefined;
  if (!last) return authorisation.history_from;
  const lastDate = typeof last === 'string' ? last.slice(0, 10) : last.toISOString().slice(0, 10);
  const from = addDays(lastDate, -PULL_OVERLAP_DAYS);
  return from < authorisation.history_from ? authorisation.history_from : from;
}

/** Every account's report, parsed by the berlin-group reader as an upload would be, as one statement. */
export function parseReports(reports: readonly BerlinGroupAccountReport[]): { statement: ParsedStatement; bytes: Buffer } {
  const merged: ParsedStatement = { format: 'berlin-group', accounts: [], transactions: [], balances: [], rejected: [], warnings: [] };
  const texts: Buffer[] = [];
  for (const report of reports) {
    const bytes = Buffer.from(JSON.stringify(report));
    texts.push(bytes);
    const part = parseBankFile(bytes, { format: 'berlin-group' });
    const offset = merged.accounts.length;
    merged.accounts.push(...part.accounts);
    for (const t of part.transactions) merged.transactions.push({ ...t, accountIndex: t.accountIndex + offset });
    for (const b of part.balances) merged.balances.push({ ...b, accountIndex: b.accountIndex + offset });
    merged.rejected.push(...part.rejected);
    merged.warnings.push(...part.warnings);
  }
  return { statement: merged, bytes: Buffer.concat(texts) };
}

async function finishPull(
  db: Db,
  input: {
    authorisation: BankAuthorisationRow;
    pullId: string;
    outcome: string;
    now: Date;
    consentStatus: ConsentStatus;
    counts?: { accounts: number; accepted: number; duplicates: number; replaced_pending: number; balances: number; upload_id: string | null };
    errorCode?: string;
    nextPullAfter?: Date;
  },
): Promise<PullResult> {
  const finished = new Date(Math.max(Date.now(), input.now.getTime()));
  const row = await db
    .updateTable('bank_pulls')
    .set({ outcome: input.outcome, finished_at: finished, ...(input.counts ?? {}) })
    .where('tenant_id', '=', input.authorisation.tenant_id)
    .where('id', '=', input.pullId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const success = input.outcome === 'ok' || input.outcome === 'no_accounts';
  await db
    .updateTable('bank_authorisations')
    .set({
      last_pull_at: input.now,
      last_pull_outcome: input.outcome,
      updated_at: finished,
      ...(success ? { last_success_at: input.now, last_error_code: null, next_pull_after: null } : { last_error_code: input.errorCode ?? input.outcome, last_error_at: input.now }),
      ...(input.nextPullAfter ? { next_pull_after: input.nextPullAfter } : {}),
    })
    .where('tenant_id', '=', input.authorisation.tenant_id)
    .where('id', '=', input.authorisation.id)
    .execute();
  return { ...toPullView(row), consentStatus: input.consentStatus };
}

/** What a provider failure does to our side (see the module comment). */
async function failPull(
  db: Db,
  deps: BankFlowDeps,
  provider: AccountInformationProvider,
  input: { authorisation: BankAuthorisationRow; consent: ConsentRow; pullId: string; error: ProviderError; now: Date },
): Promise<PullResult> {
  const { authorisation, consent, error, now } = input;
  if (error.code === 'consent_invalid' || error.code === 'consent_expired' || error.code === 'consent_revoked') {
    let ended: 'revokedByPsu' | 'expired' = error.code === 'consent_expired' ? 'expired' : 'revokedByPsu';
    if (error.code === 'consent_invalid') {
      // "Invalid" covers revoked, expired and terminated: the status at the bank tells which.
      const status = await provider.consentStatus({ providerConsentId: authorisation.provider_consent_id! }).catch(() => null);
      if (status === 'expired') ended = 'expired';
    }
    const updated = await endConsentReportedByBank(db, authorisation.tenant_id, consent.id, ended, { now, actor: `bank:${authorisation.connection_id}` });
    await db.updateTable('bank_authorisations').set({ status: 'ended', ended_at: now, updated_at: now }).where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).execute();
    return finishPull(db, { authorisation, pullId: input.pullId, outcome: error.code, now, consentStatus: updated.status, errorCode: error.code });
  }
  let nextPullAfter: Date | undefined;
  if (error.code === 'rate_limited') nextPullAfter = new Date(now.getTime() + (error.details.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_SECONDS) * 1000);
  else if (error.code === 'access_exceeded') nextPullAfter = new Date(now.getTime() + (error.details.retryAfterSeconds ?? secondsUntilNextDay(now, deps.timeZone)) * 1000);
  else if (error.code === 'unavailable' || error.code === 'malformed') nextPullAfter = new Date(now.getTime() + RETRY_AFTER_FAILURE_SECONDS * 1000);
  return finishPull(db, { authorisation, pullId: input.pullId, outcome: error.code, now, consentStatus: consent.status, errorCode: error.code, ...(nextPullAfter ? { nextPullAfter } : {}) });
}

async function noteError(db: Db, authorisation: BankAuthorisationRow, code: string, now: Date): Promise<void> {
  await db.updateTable('bank_authorisations').set({ last_error_code: code, last_error_at: now, updated_at: now }).where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).execute();
}

// -------------------------------------------------------------------------------------------------
// Ending

/** Revokes at the bank (best effort) and marks the authorisation ended. */
async function endAuthorisation(db: Db, provider: AccountInformationProvider, authorisation: BankAuthorisationRow, now: Date): Promise<boolean> {
  if (authorisation.provider_consent_id) {
    try {
      await provider.revoke({ providerConsentId: authorisation.provider_consent_id });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await noteError(db, authorisation, error.code, now);
      return false;
    }
  }
  await db.updateTable('bank_authorisations').set({ status: 'ended', ended_at: now, updated_at: now }).where('tenant_id', '=', authorisation.tenant_id).where('id', '=', authorisation.id).execute();
  return true;
}

/** A debtor sent to the bank who has not come back after this long is not coming back through that link. */
export const ABANDONED_AFTER_MS = 24 * 3_600_000;

/**
 * Revokes at the bank every authorisation whose consent of ours has ended (withdrawn by the debtor,
 * ended by the creditor, expired), and every one the debtor abandoned at the bank (sent there more
 * than a day ago, never back), and marks it ended. Called right after a consent ends and by the
 * refresh job, which retries what a bank could not take the first time. Returns how many ended.
 */
export async function revokeEndedAuthorisations(db: Db, deps: BankFlowDeps, tenantId: string, options: { consentId?: string; now: Date }): Promise<number> {
  const abandonedBefore = new Date(options.now.getTime() - ABANDONED_AFTER_MS);
  let query = db
    .selectFrom('bank_authorisations as a')
    .innerJoin('consents as c', (join) => join.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.consent_id'))
    .selectAll('a')
    .where('a.tenant_id', '=', tenantId)
    .where('a.status', 'in', ['active', 'redirected'])
    .where((eb) => eb.or([eb('c.status', 'not in', ['valid', 'received']), eb.and([eb('a.status', '=', 'redirected'), eb('a.created_at', '<', abandonedBefore)])]));
  if (options.consentId) query = query.where('a.consent_id', '=', options.consentId);
  const due = await query.execute();
  let ended = 0;
  for (const authorisation of due) {
    const connection = await bankConnectionRow(db, tenantId, authorisation.connection_id);
    if (await endAuthorisation(db, deps.providers.providerFor(connection), authorisation, options.now)) ended += 1;
  }
  return ended;
}

// -------------------------------------------------------------------------------------------------
// Reading

async function authorisationRow(db: Db, tenantId: string, authorisationId: string): Promise<BankAuthorisationRow> {
  const row = await db.selectFrom('bank_authorisations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', authorisationId).executeTakeFirst();
  if (!row) throw notFound(`bank authorisation ${authorisationId}`);
  return row;
}

async function consentOfLink(db: Db, token: LinkTokenPayload): Promise<ConsentRow> {
  const row = await db.selectFrom('consents').selectAll().where('tenant_id', '=', token.tenantId).where('id', '=', token.consentId).where('debtor_id', '=', token.debtorId).executeTakeFirst();
  if (!row) throw new AppError('invalid_link_token');
  return row;
}

export async function listBankAuthorisations(db: Db, tenantId: string, consentId: string, context: { now: Date; timeZone: string }): Promise<BankAuthorisationView[]> {
  await getConsent(db, tenantId, consentId);
  return authorisationViews(db, tenantId, { consentId }, context);
}

/** The debtor's bank authorisations for a GDPR export (a few per consent: one read). */
export async function exportDebtorBankAuthorisations(db: Db, tenantId: string, debtorId: string, context: { now: Date; timeZone: string }): Promise<BankAuthorisationView[]> {
  return authorisationViews(db, tenantId, { debtorId }, context);
}

async function authorisationViews(db: Db, tenantId: string, filter: { consentId?: string; debtorId?: string }, context: { now: Date; timeZone: string }): Promise<BankAuthorisationView[]> {
  let query = db
    .selectFrom('bank_authorisations as a')
    .innerJoin('bank_connections as k', (join) => join.onRef('k.tenant_id', '=', 'a.tenant_id').onRef('k.id', '=', 'a.connection_id'))
    .selectAll('a')
    .select('k.display_name')
    .where('a.tenant_id', '=', tenantId);
  if (filter.consentId) query = query.where('a.consent_id', '=', filter.consentId);
  if (filter.debtorId) query = query.where('a.debtor_id', '=', filter.debtorId);
  const rows = await query.orderBy('a.created_at', 'desc').orderBy('a.id').execute();
  const today = zonedDay(context.now, context.timeZone).date;
  return rows.map((row) => ({
    id: row.id,
    consentId: row.consent_id,
    connectionId: row.connection_id,
    connectionName: row.display_name,
    status: row.status,
    historyFrom: row.history_from,
    createdAt: iso(row.created_at)!,
    lastPullAt: iso(row.last_pull_at),
    lastPullOutcome: row.last_pull_outcome,
    lastSuccessAt: iso(row.last_success_at),
    nextPullAfter: iso(row.next_pull_after),
    lastErrorCode: row.last_error_code,
    lastErrorAt: iso(row.last_error_at),
    pullsToday: row.pull_day === today ? row.pulls_on_day : 0,
    endedAt: iso(row.ended_at),
  }));
}

export async function listBankPulls(db: Db, tenantId: string, consentId: string, options: { limit: number }): Promise<BankPullView[]> {
  await getConsent(db, tenantId, consentId);
  const rows = await db.selectFrom('bank_pulls').selectAll().where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).orderBy('started_at', 'desc').orderBy('id').limit(options.limit).execute();
  return rows.map(toPullView);
}

/** The creditor's "pull now": every active authorisation of the consent, one after the other. */
export async function pullConsentNow(db: Db, deps: BankFlowDeps, tenantId: string, consentId: string, context: { now: Date; today: IsoDate }): Promise<PullResult[]> {
  const consent = await getConsent(db, tenantId, consentId);
  if (consent.status !== 'valid') throw new AppError('invalid_state', `the consent is ${consent.status}; only a valid consent is pulled`);
  const active = await db.selectFrom('bank_authorisations').select('id').where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).where('status', '=', 'active').orderBy('created_at').execute();
  if (active.length === 0) throw new AppError('invalid_state', 'no bank is connected under this consent; the debtor connects one on their page');
  const results: PullResult[] = [];
  for (const { id } of active) results.push(await pullAuthorisation(db, deps, { tenantId, authorisationId: id, trigger: 'creditor', now: context.now, today: context.today }));
  return results;
}

/**
 * Authorisations the refresh job should pull now: active, consent valid, connection enabled, not
 * waiting for a Retry-After, today's unattended pulls not used up, and the last pull at least
 * 24 h / frequencyPerDay ago, so a consent's pulls spread over the day instead of bunching at midnight.
 */
export async function dueAuthorisationIds(db: Db, tenantId: string, context: { now: Date; today: IsoDate; timeZone: string }): Promise<string[]> {
  const day = zonedDay(context.now, context.timeZone).date;
  const rows = await db
    .selectFrom('bank_authorisations as a')
    .innerJoin('consents as c', (join) => join.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.consent_id'))
    .innerJoin('bank_connections as k', (join) => join.onRef('k.tenant_id', '=', 'a.tenant_id').onRef('k.id', '=', 'a.connection_id'))
    .select('a.id')
    .where('a.tenant_id', '=', tenantId)
    .where('a.status', '=', 'active')
    .where('c.status', '=', 'valid')
    .where('c.valid_until', '>=', context.today)
    .where('k.enabled', '=', true)
    .where((eb) => eb.or([eb('a.next_pull_after', 'is', null), eb('a.next_pull_after', '<=', context.now)]))
    .where((eb) => eb.or([eb('a.pull_day', 'is', null), eb('a.pull_day', '<>', day), eb('a.pulls_on_day', '<', eb.ref('c.frequency_per_day'))]))
    .where((eb) => eb.or([eb('a.last_pull_at', 'is', null), eb('a.last_pull_at', '<=', sql<Date>`${context.now}::timestamptz - make_interval(secs => 86400.0 / c.frequency_per_day)`)]))
    .orderBy('a.last_pull_at')
    .orderBy('a.id')
    .execute();
  return rows.map((r) => r.id);
}
