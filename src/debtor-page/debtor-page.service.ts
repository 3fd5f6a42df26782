/**
 * What the debtor's page shows, read for one debtor through their link: the bank data held under the
 * consent, the open claims a plan can cover, a plan already running, and whether debt help should come
 * first. Domain code: the routes render it, tests call it directly.
 */
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import { listDebtorClaims } from '../claims/claims.service.js';
import { debtorSegment } from '../collection-segments/collection-segments.service.js';
import type { Db } from '../platform/database/connection.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { offerLinkToken } from '../repayment-plans/repayment-plans.service.js';
import { simulateHouseholds } from '../simulation/simulate-households.js';
import { writeCamt053Statement } from '../simulation/camt053.writer.js';
import { worldStartEndingToday } from '../simulation/world-loader.js';

export interface StoredAccountSummary {
  iban: string | null;
  otherId: string | null;
  transactions: number;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
}

export interface StoredBankData {
  accounts: StoredAccountSummary[];
  transactions: number;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
}

/** The bank data held under one consent: what the debtor shared, and after withdrawal the proof it is gone. */
export async function storedBankData(db: Db, tenantId: string, consentId: string): Promise<StoredBankData> {
  const rows = await db
    .selectFrom('bank_transactions as t')
    .innerJoin('bank_accounts as a', (join) => join.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.account_id'))
    .select((eb) => ['a.iban', 'a.other_id', eb.fn.countAll<number>().as('n'), eb.fn.min('t.booking_date').as('first'), eb.fn.max('t.booking_date').as('last')])
    .where('t.tenant_id', '=', tenantId)
    .where('t.consent_id', '=', consentId)
    .groupBy(['a.id', 'a.iban', 'a.other_id'])
    .orderBy('a.iban')
    .execute();
  const accounts = rows.map((r) => ({ iban: r.iban, otherId: r.other_id, transactions: Number(r.n), firstDate: isoDay(r.first), lastDate: isoDay(r.last) }));
  const dates = accounts.flatMap((a) => [a.firstDate, a.lastDate]).filter((d): d is IsoDate => d !== null).sort();
  return { accounts, transactions: accounts.reduce((s, a) => s + a.transactions, 0), firstDate: dates[0] ?? null, lastDate: dates.at(-1) ?? null };
}

/** Every row of bank data under the consent, of every kind: zero is what "your data is erased" means. */
export async function bankRowsUnderConsent(db: Db, tenantId: string, consentId: string): Promise<number> {
  const count = async (table: 'bank_transactions' | 'bank_balances' | 'bank_uploads' | 'bank_accounts') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('consent_id', '=', consentId).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const counts = await Promise.all([count('bank_transactions'), count('bank_balances'), count('bank_uploads'), count('bank_accounts')]);
  return counts.reduce((s, n) => s + n, 0);
}

/** DATE columns come back as Date from node-postgres and as strings from PGlite. */
function isoDay(value: unknown): IsoDate | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** How long a plan link made from the consent page works. */
const PLAN_LINK_DAYS = 30;

export interface PlanSituation {
  /** Stored claims with something due and no running plan: what a new offer would cover. */
  claimIdsToOffer: string[];
  /** Links (tokens) to the offers of plans that are running now. */
  runningPlanOfferTokens: string[];
}

export async function planSituation(db: Db, tenantId: string, debtorId: string, today: IsoDate, linkTokenSecret: string): Promise<PlanSituation> {
  const claims = await listDebtorClaims(db, tenantId, debtorId, today);
  const running = await db
    .selectFrom('repayment_plans as p')
    .innerJoin('repayment_plan_offers as o', (join) => join.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.offer_id'))
    .select(['o.tenant_id', 'o.id', 'o.debtor_id', 'o.expires_on', 'p.claim_ids'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.debtor_id', '=', debtorId)
    .where('p.status', '=', 'active')
    .execute();
  const covered = new Set(running.flatMap((r) => r.claim_ids as string[]));
  return {
    claimIdsToOffer: claims.items.filter((c) => c.id !== null && !covered.has(c.id)).map((c) => c.id!),
    // A fresh link to the plan's page on every visit, valid for a month: the debtor finds their plan and
    // its payment codes again through the consent link, without a long-lived token in circulation.
    runningPlanOfferTokens: running.map((r) => offerLinkToken({ ...r, expires_on: addDays(today, PLAN_LINK_DAYS) }, linkTokenSecret)),
  };
}

/**
 * Debt help goes first when the debtor's situation is complex debt (several collectors, payday
 * credit, many creditors). Read without the risk model: the complex-debt rules look at data points and
 * bank transactions only. A failure to read it never blocks the page; the help block is there anyway.
 */
export async function debtHelpComesFirst(db: Db, engine: AffordabilityEngine, tenantId: string, debtorId: string, today: IsoDate): Promise<boolean> {
  try {
    const answer = await debtorSegment(db, { engine, scorer: null }, tenantId, debtorId, { asOf: today, today, requestedBy: 'debtor_page' });
    return answer.segment === 'complex_debt';
  } catch {
    return false;
  }
}

/** Months of history in the demo statement: enough for income days and an affordability report. */
const DEMO_STATEMENT_MONTHS = 6;

/**
 * A simulated household's current account as a camt.053 file, for demo mode: the debtor's page can be
 * tried end to end without a bank. The seed comes from the debtor, so the same debtor gets the same account.
 */
export function demoStatement(debtorId: string, today: IsoDate): { bytes: Buffer; fileName: string } {
  const seed = [...debtorId].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);
  const [household] = simulateHouseholds({ households: 1, months: DEMO_STATEMENT_MONTHS, seed, truthRuns: 1, startDate: worldStartEndingToday(today, DEMO_STATEMENT_MONTHS) });
  const account = household!.accounts[0]!;
  return { bytes: Buffer.from(writeCamt053Statement(account), 'utf8'), fileName: `voorbeeldrekening-${account.iban}.xml` };
}
