/**
 * Write-off recommendations and debt-help referrals through the API on a real database (PGlite, or
 * PostgreSQL with TEST_DATABASE_URL): the tenant's cost table, each rule from stored data, 404 naming
 * the field, referrals opened once per debtor, the list and closing.
 *
 * Hand figures, with the tenant cost table below (every route's probability factor 0, no discount):
 * p_route = 0, so each route nets minus its costs: plan −(10 + 20) = −30.00; dunning −5.00;
 * agency −10.00; court −(100 + 100 + 200) = −400.00 (claim EUR 100 ≤ EUR 500: court fee band 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createDebtorWithConsent, today, upload } from '../support/flows.js';
import { testConfig } from './support.js';

/** The real day: consents are checked against it (flows.ts). The data below is dated before it. */
const TODAY = today();

/** Two payments to different collectors (an agency by name, a bailiff by the words of the remittance) and a salary. */
function bankFileWithCollectors(): string {
  const booked = [
    ...['2026-03-24', '2026-04-24', '2026-05-22'].map((day, i) => ({ transactionId: `sal-${i}`, debtorName: 'Werkgever Bouw BV', debtorAccount: { iban: 'NL91ABNA0417164300' }, transactionAmount: { currency: 'EUR', amount: '2100.00' }, bookingDate: day, remittanceInformationUnstructured: 'SALARIS' })),
    { transactionId: 'col-1', creditorName: 'Incassobureau Janssen', creditorAccount: { iban: 'NL20INGB0001234567' }, transactionAmount: { currency: 'EUR', amount: '-75.00' }, bookingDate: '2026-04-02', remittanceInformationUnstructured: 'dossier 4411 termijn' },
    { transactionId: 'col-2', creditorName: 'Van Dam', creditorAccount: { iban: 'NL39RABO0300065264' }, transactionAmount: { currency: 'EUR', amount: '-120.00' }, bookingDate: '2026-05-04', remittanceInformationUnstructured: 'deurwaarderskosten vonnis 2026-118' },
  ];
  return JSON.stringify({ account: { iban: 'NL02ABNA0123456789' }, transactions: { booked, pending: [] } });
}

describe('write-off recommendations and debt-help referrals through the API', () => {
  let t: TestApp;
  const recommend = (payload: object, key = t.tenantA.keys.creditor) => t.app.inject({ method: 'POST', url: '/v1/write-off-recommendations', headers: bearer(key), payload });
  const sendClaim = async (reference: string, debtorRef: string, principalCents: number) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: bearer(t.tenantA.keys.creditor), payload: { claims: [{ reference, debtorRef, principalCents, dueDate: '2026-02-01', interestBasis: 'none' }] } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().items[0] as { claimId: string; debtorId: string };
  };
  const sendEvents = async (events: object[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(t.tenantA.keys.creditor), payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const item = (res: { json: () => { items: Record<string, unknown>[] } }, i = 0) => res.json().items[i]!;

  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(async () => t.close());

  it('answers with every route’s arithmetic from the shipped cost table, and the model’s probability', async () => {
    const { claimId } = await sendClaim('PLAIN-1', 'plain', 100000);
    const res = await recommend({ claimIds: [claimId] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ asOf: TODAY, costTable: { source: 'default', version: 0 } });
    const r = body.items[0];
    expect(r).toMatchObject({ claimId, reference: 'PLAIN-1', totalDueCents: 100000 });
    expect(r.routes.map((x: { route: string }) => x.route)).toEqual(['plan', 'standard_dunning', 'agency', 'court_and_bailiff']);
    // The starter model scores every tenant: its probability is used and named.
    expect(r.probability.source).toBe('risk_model');
    expect(r.probability.paymentProbabilityBasisPoints).toBe(Math.round((1 - r.probability.model.arrearsProbability) * 10000));
    // No bank data under consent: the complex-debt rule is undecided, the plan length is the configured one (12 months).
    expect(r.rules.find((x: { rule: string }) => x.rule === 'complex_debt')).toMatchObject({ applies: null });
    expect(r.routes[0].plan).toEqual({ months: 12, instalmentCents: 8334, basis: 'configured_months' });
    for (const route of r.routes) expect(route.netCents).toBe(route.discountedRecoveryCents - route.expectedCostsCents);
    const court = r.routes[3];
    // EUR 1,000 is in the second court-fee band (EUR 500–1,500: EUR 322).
    expect(court.steps.find((s: { step: string }) => s.step === 'court_fee').cents).toBe(32200);
  });

  it('uses the tenant’s own cost table (hand figures in the header) and writes off when every route loses', async () => {
    const config = testConfig();
    for (const route of ['plan', 'standard_dunning', 'agency', 'court_and_bailiff'] as const) config.routes[route].probabilityFactorBasisPoints = 0;
    config.annualDiscountRateBasisPoints = 0;
    const put = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-costs', headers: bearer(t.tenantA.keys.admin), payload: { config } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ source: 'tenant', version: 1 });
    const { claimId } = await sendClaim('LOSS-1', 'loss', 10000);
    const res = await recommend({ claimIds: [claimId] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().costTable).toEqual({ source: 'tenant', version: 1 });
    const r = item(res) as { action: string; decidedBy: unknown; routes: { route: string; netCents: number }[] };
    expect(Object.fromEntries(r.routes.map((x) => [x.route, x.netCents]))).toEqual({ plan: -3000, standard_dunning: -500, agency: -1000, court_and_bailiff: -40000 });
    expect(r.action).toBe('write_off');
    expect(r.decidedBy).toEqual({ kind: 'expected_value' });
    // The other tenant still has the defaults.
    const other = await t.app.inject({ url: '/v1/policies/collection-costs', headers: bearer(t.tenantB.keys.analyst) });
    expect(other.json()).toMatchObject({ source: 'default', version: 0 });
    // Back to the defaults' figures for the next tests (a tenant document replaces the whole table).
    const { config: defaults } = (await t.app.inject({ url: '/v1/policies/collection-costs', headers: bearer(t.tenantB.keys.analyst) })).json();
    expect((await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-costs', headers: bearer(t.tenantA.keys.admin), payload: { config: defaults } })).statusCode).toBe(200);
  });

  it('refuses a cost table whose step has neither a cost nor bands, naming the field', async () => {
    const config = testConfig();
    delete config.routes.agency.steps[0]!.cents;
    const res = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-costs', headers: bearer(t.tenantA.keys.admin), payload: { config } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].pointer).toBe('/config/routes/agency/steps/0');
  });

  it('stops collection after an MD07 return (deceased), from the data points', async () => {
    const { claimId } = await sendClaim('DEC-1', 'deceased', 100000);
    await sendEvents([{ eventId: 'dec-rt-1', debtorRef: 'deceased', type: 'direct_debit_returned', occurredOn: '2026-03-03', amountCents: 4500, reasonCode: 'MD07' }]);
    const r = item(await recommend({ claimIds: [claimId] }));
    expect(r).toMatchObject({ action: 'write_off', route: null, decidedBy: { kind: 'rule', rule: 'deceased_debtor' } });
    expect((r.rules as { rule: string; evidence: unknown }[])[0]).toMatchObject({ rule: 'deceased_debtor', applies: true, evidence: { eventIds: ['dec-rt-1'] } });
  });

  it('writes off a small claim of a customer who paid well before', async () => {
    const { claimId } = await sendClaim('SMALL-1', 'good-payer', 3000);
    const paid = ['01', '02', '03'].flatMap((m) => [
      { eventId: `gp-i-${m}`, debtorRef: 'good-payer', type: 'invoice_issued', occurredOn: `2025-${m}-01`, invoiceId: `GP-${m}`, amountCents: 2500, dueDate: `2025-${m}-15` },
      { eventId: `gp-p-${m}`, debtorRef: 'good-payer', type: 'invoice_paid', occurredOn: `2025-${m}-10`, invoiceId: `GP-${m}`, amountCents: 2500, method: 'transfer' },
    ]);
    await sendEvents(paid);
    const r = item(await recommend({ claimIds: [claimId] }));
    expect(r).toMatchObject({ action: 'write_off', decidedBy: { kind: 'rule', rule: 'small_claim_good_history' } });
    expect((r.rules as { rule: string; evidence: { figures: object } }[])[2]!.evidence.figures).toMatchObject({ paidInvoices: 3, sharePaidLateBasisPoints: 0, totalDueCents: 3000 });
  });

  it('refers complex debt (two collectors in the bank data) and opens one referral when asked', async () => {
    const { debtorId } = await createDebtorWithConsent(t, t.tenantA, 'complex');
    const uploaded = await upload(t, t.tenantA, debtorId, bankFileWithCollectors(), { contentType: 'application/json' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const a = await sendClaim('CX-1', 'complex', 40000);
    const b = await sendClaim('CX-2', 'complex', 25000);
    const res = await recommend({ claimIds: [a.claimId, b.claimId], createReferrals: true });
    expect(res.statusCode, res.body).toBe(200);
    const [first, second] = res.json().items;
    expect(first).toMatchObject({ action: 'refer_to_debt_help', decidedBy: { kind: 'rule', rule: 'complex_debt' }, referral: { created: true } });
    expect(first.rules[1].evidence.figures).toMatchObject({ collectors: 2 });
    expect(first.rules[1].evidence.transactionIds).toHaveLength(2);
    // Bank data under consent gives the affordable instalment, so the plan's length comes from it.
    expect(first.routes[0].plan === null || first.routes[0].plan.basis !== 'configured_months').toBe(true);
    // One referral for the debtor, named on both claims.
    expect(second.referral).toEqual(first.referral);
    const again = await recommend({ claimIds: [a.claimId], createReferrals: true });
    expect(item(again).referral).toEqual({ id: first.referral.id, created: false });
    const referral = await t.app.inject({ url: `/v1/debt-help-referrals/${first.referral.id}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(referral.json()).toMatchObject({ debtorId, status: 'open', source: 'write_off_recommendation', reasons: ['complex_debt', 'multiple_collectors'], openedOn: TODAY, evidence: { claimIds: [a.claimId, b.claimId] } });
  });

  it('does not let an analyst open referrals, but lets it read recommendations', async () => {
    const { claimId } = await sendClaim('AN-1', 'analyst-view', 50000);
    expect((await recommend({ claimIds: [claimId] }, t.tenantA.keys.analyst)).statusCode).toBe(200);
    const refused = await recommend({ claimIds: [claimId], createReferrals: true }, t.tenantA.keys.analyst);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().errors[0].pointer).toBe('/createReferrals');
  });

  it('answers 404 naming each unknown or other-tenant claim id, and 422 for a claim with nothing due', async () => {
    const { claimId } = await sendClaim('K-1', 'known', 20000);
    const theirs = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: bearer(t.tenantB.keys.creditor), payload: { claims: [{ reference: 'B-1', debtorRef: 'b', principalCents: 1000, dueDate: '2026-02-01', interestBasis: 'none' }] } });
    const otherTenantClaim = theirs.json().items[0].claimId as string;
    const res = await recommend({ claimIds: [claimId, otherTenantClaim, '00000000-0000-4000-8000-00000000abcd'] });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/claimIds/1', '/claimIds/2']);
    await sendEvents([
      { eventId: 'k-i', debtorRef: 'known', type: 'invoice_issued', occurredOn: '2026-01-01', invoiceId: 'K-1', amountCents: 20000, dueDate: '2026-02-01' },
      { eventId: 'k-p', debtorRef: 'known', type: 'invoice_paid', occurredOn: '2026-02-01', invoiceId: 'K-1', amountCents: 20000, method: 'transfer' },
    ]);
    const paid = await recommend({ claimIds: [claimId] });
    expect(paid.statusCode).toBe(422);
    expect(paid.json().errors[0]).toMatchObject({ pointer: '/claimIds/0', code: 'nothing_due' });
  });

  it('keeps one open referral per debtor: a resend returns it (200), closing lists it as closed', async () => {
    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor), payload: { externalRef: 'ref-debtor' } });
    const debtorId = debtor.json().id as string;
    const post = () => t.app.inject({ method: 'POST', url: '/v1/debt-help-referrals', headers: bearer(t.tenantA.keys.creditor), payload: { debtorId, reasons: ['cannot_pay', 'no_affordable_plan'], evidence: { note: 'no affordable plan at any term' } } });
    const first = await post();
    expect(first.statusCode, first.body).toBe(201);
    const referral = first.json().referral;
    expect(referral).toMatchObject({ debtorId, status: 'open', reasons: ['cannot_pay', 'no_affordable_plan'], source: 'api', openedOn: TODAY, closedOn: null, outcome: null });
    const [second, third] = await Promise.all([post(), post()]);
    expect([second.statusCode, third.statusCode]).toEqual([200, 200]);
    expect(second.json()).toEqual({ referral, created: false });
    const count = await t.database.db.selectFrom('debt_help_referrals').select((eb) => eb.fn.countAll<number>().as('n')).where('debtor_id', '=', debtorId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    const open = await t.app.inject({ url: '/v1/debt-help-referrals?status=open', headers: bearer(t.tenantA.keys.analyst) });
    expect(open.json().items.map((r: { id: string }) => r.id)).toContain(referral.id);
    const close = (outcome: string) => t.app.inject({ method: 'POST', url: `/v1/debt-help-referrals/${referral.id}/close`, headers: bearer(t.tenantA.keys.creditor), payload: { outcome } });
    const closed = await close('debt_help_started');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ id: referral.id, status: 'closed', outcome: 'debt_help_started', closedOn: TODAY });
    expect((await close('debt_help_started')).statusCode).toBe(200);
    expect((await close('no_contact')).statusCode).toBe(409);
    const lists = async (status: string) => (await t.app.inject({ url: `/v1/debt-help-referrals?status=${status}`, headers: bearer(t.tenantA.keys.creditor) })).json().items.map((r: { id: string }) => r.id);
    expect(await lists('open')).not.toContain(referral.id);
    expect(await lists('closed')).toContain(referral.id);
    // A new referral may be opened once the last one is closed.
    const reopened = await post();
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json().referral.id).not.toBe(referral.id);
    // Another tenant sees none of it.
    expect((await t.app.inject({ url: `/v1/debt-help-referrals/${referral.id}`, headers: bearer(t.tenantB.keys.creditor) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/debt-help-referrals?status=closed', headers: bearer(t.tenantB.keys.creditor) })).json().items).toEqual([]);
  });

  it('pages the list oldest first with a cursor, and refuses a foreign cursor', async () => {
    const ids: string[] = [];
    for (const ref of ['page-1', 'page-2', 'page-3']) {
      const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor), payload: { externalRef: ref } });
      const res = await t.app.inject({ method: 'POST', url: '/v1/debt-help-referrals', headers: bearer(t.tenantA.keys.creditor), payload: { debtorId: debtor.json().id, reasons: ['debtor_request'] } });
      ids.push(res.json().referral.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: () => { items: { id: string }[]; nextCursor: string | null } } = await t.app.inject({ url: `/v1/debt-help-referrals?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(t.tenantA.keys.creditor) });
      const body = page.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((r) => r.id));
      cursor = body.nextCursor;
    } while (cursor);
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.app.inject({ url: '/v1/debt-help-referrals?cursor=bm90LW91cnM', headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(400);
  });

  it('exports the debtor’s referrals and erases them with the debtor', async () => {
    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor), payload: { externalRef: 'gdpr-referral' } });
    const debtorId = debtor.json().id as string;
    const opened = await t.app.inject({ method: 'POST', url: '/v1/debt-help-referrals', headers: bearer(t.tenantA.keys.creditor), payload: { debtorId, reasons: ['complex_debt'] } });
    const exported = await t.app.inject({ url: `/v1/debtors/${debtorId}/export`, headers: bearer(t.tenantA.keys.creditor) });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json().debtHelpReferrals).toEqual([opened.json().referral]);
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    const left = await t.database.db.selectFrom('debt_help_referrals').select('id').where('debtor_id', '=', debtorId).execute();
    expect(left).toEqual([]);
  });
});
