/**
 * Storing claims and computing them on a date. A batch is checked whole and written in one
 * transaction (the caller's), so it is either fully in or fully out. The creditor's invoice id is the
 * idempotency key: a resend with the same content is a no-op, other content under a used id is a
 * conflict, because silently keeping either version would change what a debtor owes.
 *
 * Where the parts of a claim come from:
 * - the claim itself: POST /v1/claims, or, for an invoice never sent as a claim, the debtor's
 *   `invoice_issued` data point (principal = invoiced amount, due date; statutory consumer interest,
 *   which the law gives without a claim for it; no costs charged);
 * - payments: the debtor's `invoice_paid` data points for the invoice id;
 * - the 14-day letter: recorded on the claim, else the first `reminder_sent` data point at stage
 *   `fourteen_day_letter` for the invoice id.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError, notFound, type FieldError } from '../platform/errors.js';
import { createOrGetDebtor, getDebtor } from '../debtors/debtor.service.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { ClaimNormsError } from './claim-norms.js';
import { claimTotals, type Claim, type ClaimTotals, type InterestBasis } from './claim-totals.js';
import type { Payment } from './statutory-interest.js';
import type { ClaimRow } from './claims.table.js';

export interface ClaimInput {
  reference: string;
  debtorRef: string;
  principalCents: number;
  currency?: 'EUR';
  dueDate: IsoDate;
  costsChargedCents?: number;
  vatOnCosts?: boolean;
  interestBasis: InterestBasis;
  contractualRateBasisPoints?: number;
  fourteenDayLetter?: { sentOn: IsoDate; receivedOn?: IsoDate };
}

export interface StoredClaimSummary {
  claimId: string;
  reference: string;
  debtorId: string;
  created: boolean;
}

/** A claim with what it is computed from and how it stands on the date. */
export interface ClaimView {
  id: string | null;
  source: 'api' | 'data_points';
  debtorId: string;
  reference: string;
  principalCents: number;
  currency: 'EUR';
  dueDate: IsoDate;
  costsChargedCents: number;
  vatOnCosts: boolean;
  interestBasis: InterestBasis;
  contractualRateBasisPoints: number | null;
  fourteenDayLetter: { sentOn: IsoDate; receivedOn: IsoDate | null; source: 'claim' | 'data_points' } | null;
  createdAt: string | null;
  totals: ClaimTotals;
}

/** A stored claim as the creditor sent it, with the letter recorded since: what a GDPR access request shows. */
export interface ClaimRecord {
  id: string;
  reference: string;
  principalCents: number;
  currency: 'EUR';
  dueDate: IsoDate;
  costsChargedCents: number;
  vatOnCosts: boolean;
  interestBasis: InterestBasis;
  contractualRateBasisPoints: number | null;
  fourteenDayLetter: { sentOn: IsoDate; receivedOn: IsoDate | null } | null;
  createdAt: string;
}

/** The debtor's stored claims, oldest due date first; the debtor is not checked. A debtor has few claims: one read. */
export async function exportDebtorClaims(db: Db, tenantId: string, debtorId: string): Promise<ClaimRecord[]> {
  const rows = await db.selectFrom('claims').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('due_date').orderBy('external_ref').execute();
  return rows.map((row) => ({
    id: row.id,
    reference: row.external_ref,
    principalCents: Number(row.principal_cents),
    currency: 'EUR',
    dueDate: row.due_date,
    costsChargedCents: Number(row.costs_charged_cents),
    vatOnCosts: row.vat_on_costs,
    interestBasis: row.interest_basis,
    contractualRateBasisPoints: row.contractual_rate_basis_points,
    fourteenDayLetter: row.fourteen_day_letter_sent_on === null ? null : { sentOn: row.fourteen_day_letter_sent_on, receivedOn: row.fourteen_day_letter_received_on },
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** The same claim always hashes the same: defaults filled in, keys in a fixed order. */
function normalise(input: ClaimInput) {
  return {
    reference: input.reference,
    debtorRef: input.debtorRef,
    principalCents: input.principalCents,
    currency: input.currency ?? 'EUR',
    dueDate: input.dueDate,
    costsChargedCents: input.costsChargedCents ?? 0,
    vatOnCosts: input.vatOnCosts ?? false,
    interestBasis: input.interestBasis,
    contractualRateBasisPoints: input.contractualRateBasisPoints ?? null,
    fourteenDayLetter: input.fourteenDayLetter ? { sentOn: input.fourteenDayLetter.sentOn, receivedOn: input.fourteenDayLetter.receivedOn ?? null } : null,
  };
}

export function claimContentHash(input: ClaimInput): string {
  return createHash('sha256').update(JSON.stringify(normalise(input))).digest('hex');
}

/** What the schema cannot say: relations between fields and with today. */
function checkClaim(input: ClaimInput, today: IsoDate, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ in: 'body', pointer: `${at}/${field}`, message });
  if (input.interestBasis === 'contractual' && input.contractualRateBasisPoints === undefined) fail('contractualRateBasisPoints', 'is required for the contractual interest basis');
  if (input.interestBasis !== 'contractual' && input.contractualRateBasisPoints !== undefined) fail('contractualRateBasisPoints', 'is only for the contractual interest basis');
  if (input.fourteenDayLetter) errors.push(...checkLetter(input.fourteenDayLetter, input.dueDate, today, `${at}/fourteenDayLetter`));
  return errors;
}

function checkLetter(letter: { sentOn: IsoDate; receivedOn?: IsoDate }, dueDate: IsoDate, today: IsoDate, at: string): FieldError[] {
  const errors: FieldError[] = [];
  // The letter demands payment of a claim in default: it cannot come before the due date has passed.
  if (letter.sentOn <= dueDate) errors.push({ in: 'body', pointer: `${at}/sentOn`, message: `must be after the due date ${dueDate}` });
  if (letter.sentOn > today) errors.push({ in: 'body', pointer: `${at}/sentOn`, message: 'must not be in the future' });
  if (letter.receivedOn !== undefined && letter.receivedOn < letter.sentOn) errors.push({ in: 'body', pointer: `${at}/receivedOn`, message: 'must not be before sentOn' });
  if (letter.receivedOn !== undefined && letter.receivedOn > today) errors.push({ in: 'body', pointer: `${at}/receivedOn`, message: 'must not be in the future' });
  return errors;
}

function invalid(errors: FieldError[]): AppError {
  return new AppError('validation_failed', `${errors.length} field(s) are not valid; the first: ${errors[0]!.pointer} ${errors[0]!.message}`, { errors });
}

/** Stores a batch of claims: all or nothing, idempotent per reference. Run inside a transaction. */
export async function createClaims(db: Db, tenantId: string, claims: readonly ClaimInput[], today: IsoDate): Promise<StoredClaimSummary[]> {
  const errors = claims.flatMap((claim, i) => checkClaim(claim, today, `/claims/${i}`));
  const firstIndex = new Map<string, number>();
  claims.forEach((claim, i) => {
    const earlier = firstIndex.get(claim.reference);
    if (earlier === undefined) firstIndex.set(claim.reference, i);
    else if (claimContentHash(claims[earlier]!) !== claimContentHash(claim)) errors.push({ in: 'body', pointer: `/claims/${i}/reference`, message: `appears twice in the batch with other content (first at /claims/${earlier})` });
  });
  if (errors.length > 0) throw invalid(errors);

  const references = [...firstIndex.keys()];
  const stored = await db.selectFrom('claims').select(['id', 'external_ref', 'debtor_id', 'content_hash']).where('tenant_id', '=', tenantId).where('external_ref', 'in', references).execute();
  const storedByRef = new Map(stored.map((row) => [row.external_ref, row]));
  const conflicts: FieldError[] = [];
  for (const [reference, i] of firstIndex) {
    const known = storedByRef.get(reference);
    if (known && known.content_hash !== claimContentHash(claims[i]!)) conflicts.push({ in: 'body', pointer: `/claims/${i}/reference`, message: `claim ${reference} was stored before with other content`, code: 'reference_reused' });
  }
  if (conflicts.length > 0) throw new AppError('idempotency_conflict', `${conflicts[0]!.pointer}: ${conflicts[0]!.message}`, { errors: conflicts });

  const debtorIds = new Map<string, string>();
  const summaries: StoredClaimSummary[] = [];
  for (const [reference, i] of firstIndex) {
    const known = storedByRef.get(reference);
    if (known) {
      summaries.push({ claimId: known.id, reference, debtorId: known.debtor_id, created: false });
      continue;
    }
    const claim = claims[i]!;
    let debtorId = debtorIds.get(claim.debtorRef);
    if (debtorId === undefined) {
      debtorId = (await createOrGetDebtor(db, tenantId, { externalRef: claim.debtorRef })).debtor.id;
      debtorIds.set(claim.debtorRef, debtorId);
    }
    const n = normalise(claim);
    const inserted = await db
      .insertInto('claims')
      .values({
        tenant_id: tenantId,
        id: randomUUID(),
        debtor_id: debtorId,
        external_ref: reference,
        principal_cents: n.principalCents,
        currency: n.currency,
        due_date: n.dueDate,
        costs_charged_cents: n.costsChargedCents,
        vat_on_costs: n.vatOnCosts,
        interest_basis: n.interestBasis,
        contractual_rate_basis_points: n.contractualRateBasisPoints,
        fourteen_day_letter_sent_on: n.fourteenDayLetter?.sentOn ?? null,
        fourteen_day_letter_received_on: n.fourteenDayLetter?.receivedOn ?? null,
        content_hash: claimContentHash(claim),
      })
      // A concurrent request may have stored the same reference since the read above.
      .onConflict((oc) => oc.columns(['tenant_id', 'external_ref']).doNothing())
      .returning(['id'])
      .executeTakeFirst();
    if (inserted) {
      summaries.push({ claimId: inserted.id, reference, debtorId, created: true });
      continue;
    }
    const raced = await db.selectFrom('claims').select(['id', 'debtor_id', 'content_hash']).where('tenant_id', '=', tenantId).where('external_ref', '=', reference).executeTakeFirstOrThrow();
    if (raced.content_hash !== claimContentHash(claim)) throw new AppError('idempotency_conflict', `/claims/${i}/reference: claim ${reference} was stored meanwhile with other content`, { errors: [{ in: 'body', pointer: `/claims/${i}/reference`, message: 'stored meanwhile with other content', code: 'reference_reused' }] });
    summaries.push({ claimId: raced.id, reference, debtorId: raced.debtor_id, created: false });
  }
  return summaries;
}

/** Records the 14-day letter of a claim. The same letter again is a no-op; another one is a conflict (the first letter's term is what counts). */
export async function recordFourteenDayLetter(db: Db, tenantId: string, claimId: string, letter: { sentOn: IsoDate; receivedOn?: IsoDate }, today: IsoDate): Promise<{ changed: boolean }> {
  const row = await findClaimRow(db, tenantId, claimId);
  const errors = checkLetter(letter, row.due_date, today, '');
  if (errors.length > 0) throw invalid(errors);
  const receivedOn = letter.receivedOn ?? null;
  const sameOrConflict = (recorded: Pick<ClaimRow, 'fourteen_day_letter_sent_on' | 'fourteen_day_letter_received_on'>): { changed: false } => {
    if (recorded.fourteen_day_letter_sent_on === letter.sentOn && recorded.fourteen_day_letter_received_on === receivedOn) return { changed: false };
    throw new AppError('conflict', `a 14-day letter sent ${recorded.fourteen_day_letter_sent_on} is already recorded for claim ${row.external_ref}; its term is the one that counts`);
  };
  if (row.fourteen_day_letter_sent_on !== null) return sameOrConflict(row);
  // Only where none is recorded yet, so two requests at once cannot both win.
  const updated = await db
    .updateTable('claims')
    .set({ fourteen_day_letter_sent_on: letter.sentOn, fourteen_day_letter_received_on: receivedOn })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', claimId)
    .where('fourteen_day_letter_sent_on', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return { changed: true };
  return sameOrConflict(await findClaimRow(db, tenantId, claimId));
}

async function findClaimRow(db: Db, tenantId: string, claimId: string): Promise<ClaimRow> {
  const row = await db.selectFrom('claims').selectAll().where('tenant_id', '=', tenantId).where('id', '=', claimId).executeTakeFirst();
  if (!row) throw notFound(`claim ${claimId}`);
  return row;
}

/** What the debtor's data points say about invoices: issued, paid, 14-day letters. */
interface InvoiceFacts {
  issued: Map<string, { amountCents: number; dueDate: IsoDate; issuedOn: IsoDate }>;
  payments: Map<string, Payment[]>;
  letters: Map<string, IsoDate>;
}

/** The facts of one invoice, or of all the debtor's invoices when `invoiceId` is left out. */
async function invoiceFacts(db: Db, tenantId: string, debtorId: string, asOf: IsoDate, invoiceId?: string): Promise<InvoiceFacts> {
  let query = db
    .selectFrom('data_point_events')
    .select(['payload'])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .where('type', 'in', ['invoice_issued', 'invoice_paid', 'reminder_sent'])
    .where('occurred_on', '<=', asOf)
    .where('invoice_id', 'is not', null);
  if (invoiceId !== undefined) query = query.where('invoice_id', '=', invoiceId);
  const rows = await query.orderBy('occurred_on').orderBy('id').execute();
  return foldInvoiceFacts(rows.map((r) => r.payload));
}

/** The invoice facts in a debtor's events, oldest first. */
function foldInvoiceFacts(events: readonly DataPointEvent[]): InvoiceFacts {
  const facts: InvoiceFacts = { issued: new Map(), payments: new Map(), letters: new Map() };
  for (const event of events) {
    if (event.type === 'invoice_issued') facts.issued.set(event.invoiceId, { amountCents: event.amountCents, dueDate: event.dueDate, issuedOn: event.occurredOn });
    else if (event.type === 'invoice_paid') facts.payments.set(event.invoiceId, [...(facts.payments.get(event.invoiceId) ?? []), { on: event.occurredOn, cents: event.amountCents }]);
    else if (event.type === 'reminder_sent' && event.stage === 'fourteen_day_letter' && event.invoiceId && !facts.letters.has(event.invoiceId)) facts.letters.set(event.invoiceId, event.occurredOn);
  }
  return facts;
}

function compute(claim: Claim, asOf: IsoDate): ClaimTotals {
  try {
    return claimTotals(claim, asOf);
  } catch (error) {
    // A day the rate tables do not cover (say, a commercial claim before 2024): say which, do not guess.
    if (error instanceof ClaimNormsError) throw new AppError('unprocessable_entity', `the claim cannot be computed as of ${asOf}: ${error.message}`);
    throw error;
  }
}

function viewOfRow(row: ClaimRow, facts: InvoiceFacts, asOf: IsoDate): ClaimView {
  const letterFromPoints = facts.letters.get(row.external_ref);
  const letter: ClaimView['fourteenDayLetter'] =
    row.fourteen_day_letter_sent_on !== null
      ? { sentOn: row.fourteen_day_letter_sent_on, receivedOn: row.fourteen_day_letter_received_on, source: 'claim' }
      : letterFromPoints !== undefined && letterFromPoints > row.due_date
        ? { sentOn: letterFromPoints, receivedOn: null, source: 'data_points' }
        : null;
  const claim: Claim = {
    principalCents: Number(row.principal_cents),
    dueDate: row.due_date,
    costsChargedCents: Number(row.costs_charged_cents),
    interestBasis: row.interest_basis,
    contractualRateBasisPoints: row.contractual_rate_basis_points,
    vatOnCosts: row.vat_on_costs,
    fourteenDayLetter: letter && { sentOn: letter.sentOn, receivedOn: letter.receivedOn },
    payments: facts.payments.get(row.external_ref) ?? [],
  };
  return {
    id: row.id,
    source: 'api',
    debtorId: row.debtor_id,
    reference: row.external_ref,
    principalCents: claim.principalCents,
    currency: 'EUR',
    dueDate: row.due_date,
    costsChargedCents: claim.costsChargedCents,
    vatOnCosts: row.vat_on_costs,
    interestBasis: row.interest_basis,
    contractualRateBasisPoints: row.contractual_rate_basis_points,
    fourteenDayLetter: letter,
    createdAt: new Date(row.created_at).toISOString(),
    totals: compute(claim, asOf),
  };
}

/** One claim as it stands at the end of `asOf`. */
export async function getClaimView(db: Db, tenantId: string, claimId: string, asOf: IsoDate): Promise<ClaimView> {
  const row = await findClaimRow(db, tenantId, claimId);
  const facts = await invoiceFacts(db, tenantId, row.debtor_id, asOf, row.external_ref);
  return viewOfRow(row, facts, asOf);
}

export interface DebtorClaims {
  debtorId: string;
  asOf: IsoDate;
  items: ClaimView[];
  totals: { principalOutstandingCents: number; interestOutstandingCents: number; costsOutstandingCents: number; totalDueCents: number };
  lastKnownKept: boolean;
}

/**
 * The debtor's open claims at the end of `asOf`: the stored ones, and the invoices issued by then that
 * no stored claim covers, each with something still due.
 */
export async function listDebtorClaims(db: Db, tenantId: string, debtorId: string, asOf: IsoDate): Promise<DebtorClaims> {
  await getDebtor(db, tenantId, debtorId);
  const rows = await db.selectFrom('claims').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('due_date').orderBy('external_ref').execute();
  const facts = await invoiceFacts(db, tenantId, debtorId, asOf);
  const views = rows.map((row) => viewOfRow(row, facts, asOf));
  const claimed = new Set(rows.map((r) => r.external_ref));
  for (const [invoiceId, invoice] of facts.issued) {
    if (claimed.has(invoiceId)) continue;
    const letterOn = facts.letters.get(invoiceId);
    const letter = letterOn !== undefined && letterOn > invoice.dueDate ? { sentOn: letterOn, receivedOn: null } : null;
    const claim: Claim = {
      principalCents: invoice.amountCents,
      dueDate: invoice.dueDate,
      costsChargedCents: 0,
      interestBasis: 'statutory_consumer',
      contractualRateBasisPoints: null,
      vatOnCosts: false,
      fourteenDayLetter: letter,
      payments: facts.payments.get(invoiceId) ?? [],
    };
    views.push({
      id: null,
      source: 'data_points',
      debtorId,
      reference: invoiceId,
      principalCents: invoice.amountCents,
      currency: 'EUR',
      dueDate: invoice.dueDate,
      costsChargedCents: 0,
      vatOnCosts: false,
      interestBasis: 'statutory_consumer',
      contractualRateBasisPoints: null,
      fourteenDayLetter: letter && { ...letter, source: 'data_points' },
      createdAt: null,
      totals: compute(claim, asOf),
    });
  }
  const open = views.filter((v) => v.totals.totalDueCents > 0).sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.reference.localeCompare(b.reference)));
  const sum = (pick: (t: ClaimTotals) => number) => open.reduce((s, v) => s + pick(v.totals), 0);
  return {
    debtorId,
    asOf,
    items: open,
    totals: {
      principalOutstandingCents: sum((t) => t.principalOutstandingCents),
      interestOutstandingCents: sum((t) => t.interestOutstandingCents),
      costsOutstandingCents: sum((t) => t.costsOutstandingCents),
      totalDueCents: sum((t) => t.totalDueCents),
    },
    lastKnownKept: open.some((v) => v.totals.lastKnownKept),
  };
}

/**
 * Stored claims by id as they stand at the end of `asOf`, in two reads however many there are (the
 * claims, then their debtors' invoice data points): for requests about many claims at once. Ids the
 * tenant does not have are left out; the caller says which.
 */
export async function getClaimViews(db: Db, tenantId: string, claimIds: readonly string[], asOf: IsoDate): Promise<Map<string, ClaimView>> {
  if (claimIds.length === 0) return new Map();
  const rows = await db.selectFrom('claims').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', [...new Set(claimIds)]).execute();
  const debtorIds = [...new Set(rows.map((r) => r.debtor_id))];
  const events =
    debtorIds.length === 0
      ? []
      : await db
          .selectFrom('data_point_events')
          .select(['debtor_id', 'payload'])
          .where('tenant_id', '=', tenantId)
          .where('debtor_id', 'in', debtorIds)
          .where('type', 'in', ['invoice_issued', 'invoice_paid', 'reminder_sent'])
          .where('occurred_on', '<=', asOf)
          .where('invoice_id', 'is not', null)
          .orderBy('occurred_on')
          .orderBy('id')
          .execute();
  const eventsOf = new Map<string, DataPointEvent[]>();
  for (const e of events) {
    const list = eventsOf.get(e.debtor_id);
    if (list) list.push(e.payload);
    else eventsOf.set(e.debtor_id, [e.payload]);
  }
  const factsOf = new Map(debtorIds.map((id) => [id, foldInvoiceFacts(eventsOf.get(id) ?? [])]));
  return new Map(rows.map((row) => [row.id, viewOfRow(row, factsOf.get(row.debtor_id)!, asOf)]));
}
