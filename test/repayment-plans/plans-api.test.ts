/**
 * Repayment plans through the API on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * options from the stored affordability report and claims, acceptance by the creditor and by the
 * debtor's link, payments matched from data points and bank data, a plan completed with its reward,
 * one missed, breached and re-planned, the payment link decoded back from the QR, and the policy.
 * Time moves by changing the app's "today".
 */
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCreditorReference } from '../../src/payment-links/creditor-reference.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { today as realToday } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { debitsStatement, debtorWithPlanConsent, householdStatement, PAYEE, uploadStatement } from './plan-support.js';

// jsqr is a CommonJS bundle typed as an ES module: its function is the export and its `default`.
const jsQR = jsQRModule.default;

// Consent links expire by the real clock, so the test starts today; every date below follows from the responses.
const START = realToday();
const HISTORY_FROM = `${addMonths(START, -14).slice(0, 7)}-01`;

interface Instalment {
  number: number;
  dueDate: string;
  incomeDate: string | null;
  amountCents: number;
  amountIfKeptCents: number;
  reference: string;
  state: string;
  expectedCents: number;
  paidCents: number;
  paidOn: string | null;
  reminderDueOn: string | null;
  missedOn: string | null;
}

describe('repayment plans through the API', () => {
  let t: TestApp;
  let today = START;
  let debtorId = '';
  let consentLinkToken = '';
  const claimIds: string[] = [];
  const offers: Record<string, { id: string; linkToken: string }> = {};
  const plans: Record<string, string> = {};

  const as = (role: 'creditor' | 'analyst' | 'admin') => bearer(t.tenantA.keys[role]);
  const get = (url: string, role: 'creditor' | 'analyst' | 'admin' = 'creditor') => t.app.inject({ url, headers: as(role) });
  const post = (url: string, payload: object, role: 'creditor' | 'analyst' | 'admin' = 'creditor') => t.app.inject({ method: 'POST', url, headers: as(role), payload });
  const plan = async (planId: string, asOf: string) => {
    const res = await get(`/v1/plans/${planId}?asOf=${asOf}`, 'analyst');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json() as { state: { status: string; kept: boolean; completedOn: string | null; breachedOn: string | null; paidCents: number; rewardsEarned: unknown[]; instalments: Instalment[] }; payments: { paymentId: string; matchedBy: string; source: string; instalmentNumber: number }[]; replacedByPlanId: string | null; bankDataUsed: boolean };
  };
  const sendPayment = async (eventId: string, occurredOn: string, invoiceId: string, amountCents: number) => {
    const res = await post('/v1/data-points', { events: [{ eventId, debtorRef: 'plan-debtor', type: 'invoice_paid', occurredOn, invoiceId, amountCents, method: 'transfer' }] });
    expect(res.statusCode, res.body).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestApp({ today: () => today });
    ({ debtorId, consentLinkToken } = await debtorWithPlanConsent(t, t.tenantA, 'plan-debtor', START));
    await uploadStatement(t, t.tenantA, debtorId, householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, HISTORY_FROM, START));
    const claims = await post('/v1/claims', {
      claims: [
        { reference: 'E-2025-0901', debtorRef: 'plan-debtor', principalCents: 200_000, dueDate: '2025-09-01', costsChargedCents: 30_000, interestBasis: 'statutory_consumer', fourteenDayLetter: { sentOn: '2025-10-01' } },
        { reference: 'E-2025-1001', debtorRef: 'plan-debtor', principalCents: 120_000, dueDate: '2025-10-01', interestBasis: 'none' },
      ],
    });
    expect(claims.statusCode, claims.body).toBe(201);
    // The creditor's payment data points name an invoice it told about before.
    const invoices = await post('/v1/data-points', {
      events: [
        { eventId: 'inv-0901', debtorRef: 'plan-debtor', type: 'invoice_issued', occurredOn: '2025-08-18', invoiceId: 'E-2025-0901', amountCents: 200_000, dueDate: '2025-09-01' },
        { eventId: 'inv-1001', debtorRef: 'plan-debtor', type: 'invoice_issued', occurredOn: '2025-09-17', invoiceId: 'E-2025-1001', amountCents: 120_000, dueDate: '2025-10-01' },
      ],
    });
    expect(invoices.statusCode, invoices.body).toBe(200);
    claimIds.push(...claims.json().items.map((i: { claimId: string }) => i.claimId));
    const policy = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: as('admin'), payload: { policy: { payee: PAYEE } } });
    expect(policy.statusCode, policy.body).toBe(200);
  }, 60_000);
  afterAll(async () => t.close());

  it('answers the policy with the defaults filled in, and refuses a bad payee IBAN', async () => {
    const res = await get('/v1/policies/repayment-plans', 'analyst');
    expect(res.json()).toMatchObject({ version: 1, policy: { maxTermMonths: 18, payNow: { withinDays: 3, waiveCosts: true }, payee: PAYEE } });
    const bad = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: as('admin'), payload: { policy: { payee: { ...PAYEE, iban: 'NL00INGB0001234567' } } } });
    expect(bad.statusCode).toBe(422);
  });

  it('offers options under the affordable ceiling, due after the salary day, summing to the claim’s total', async () => {
    const res = await post(`/v1/debtors/${debtorId}/plan-options`, { claimIds: [claimIds[0]], asOf: START });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    const { offer, linkToken, linkUrl } = res.json();
    offers.first = { id: offer.id, linkToken };
    expect(linkUrl).toContain(linkToken);
    const report = (await get(`/v1/debtors/${debtorId}/affordability?asOf=${START}`)).json();
    const claim = (await get(`/v1/claims/${claimIds[0]}?asOf=${START}`)).json();
    expect(offer.totalDueCents).toBe(claim.totals.totalDueCents);
    expect(offer.costsOutstandingCents).toBe(claim.totals.costsOutstandingCents);
    expect(offer.costsOutstandingCents).toBeGreaterThan(0);
    // The salary is steady, so no income drop lowers the basis: the ceiling counts stable income above
    // the protected amount plus the default 5 % margin on that income (320.00 × 5 % = 160.00 here).
    expect(report.flags.map((f: { code: string }) => f.code)).not.toContain('income_drop');
    const margin = Math.round((report.average.stableIncomeCents * 500) / 10_000);
    const ceiling = Math.min(report.affordableInstalment.lowCents, report.affordableInstalment.highCents, report.average.stableIncomeCents - report.protectedAmount.protectedCents - margin);
    expect(offer.ceiling.cents).toBe(ceiling);
    expect(offer).toMatchObject({ affordable: true, status: 'open', dueDateBasis: 'income_days', recommendation: null });
    expect(offer.options.length).toBeGreaterThanOrEqual(2);
    expect(offer.options.length).toBeLessThanOrEqual(4);
    for (const option of offer.options) {
      expect(option.instalments.reduce((s: number, i: { amountCents: number }) => s + i.amountCents, 0)).toBe(offer.totalDueCents);
      for (const i of option.instalments) {
        expect(option.kind === 'pay_now' ? i.amountIfKeptCents : i.amountCents).toBeLessThanOrEqual(ceiling);
        // The salary comes on the 23rd or the working day before; due one working day later.
        if (option.kind !== 'pay_now') expect(Number(i.incomeDate.slice(8))).toBeGreaterThanOrEqual(20);
        if (option.kind !== 'pay_now') expect(i.dueDate > i.incomeDate).toBe(true);
      }
    }
    const read = await get(`/v1/plan-offers/${offer.id}`, 'analyst');
    expect(read.statusCode).toBe(200);
    expect(read.json().offer).toEqual(offer);
  });

  it('refuses a claim of another debtor or an unknown one, and needs a consent', async () => {
    const other = await post('/v1/claims', { claims: [{ reference: 'OTHER-1', debtorRef: 'someone-else', principalCents: 5_000, dueDate: '2025-10-01', interestBasis: 'none' }] });
    const res = await post(`/v1/debtors/${debtorId}/plan-options`, { claimIds: [other.json().items[0].claimId] });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].pointer).toBe('/claimIds/0');
    const noConsent = await post(`/v1/debtors/${other.json().items[0].debtorId}/plan-options`, { claimIds: [other.json().items[0].claimId] });
    expect(noConsent.statusCode).toBe(403);
  });

  it('lets the creditor accept an option once; the same option again returns the same plan, another is refused', async () => {
    const offer = (await get(`/v1/plan-offers/${offers.first!.id}`)).json().offer;
    const short = offer.options.find((o: { kind: string }) => o.kind === 'short');
    expect(short, JSON.stringify(offer.options.map((o: { id: string }) => o.id))).toBeDefined();
    const res = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: short.id });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const accepted = res.json();
    plans.short = accepted.id;
    expect(accepted).toMatchObject({ acceptedBy: 'creditor', acceptedOn: START, optionId: short.id, totalCents: offer.totalDueCents, state: { status: 'active', kept: true } });
    expect(accepted.state.instalments.map((i: Instalment) => [i.dueDate, i.amountCents])).toEqual(short.instalments.map((i: Instalment) => [i.dueDate, i.amountCents]));
    expect(accepted.state.instalments[0].reference).toMatch(/^RF\d{2}\d{15}$/);
    const again = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: short.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(accepted.id);
    const other = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: offer.options.at(-1).id });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('invalid_state');
    expect((await get(`/v1/plan-offers/${offer.id}`)).json()).toMatchObject({ offer: { status: 'accepted', planId: accepted.id }, linkToken: null });
    const missing = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: 'longest_99m' });
    expect(missing.statusCode).toBe(409);
  });

  it('refuses a second plan over a claim that is already in a running plan, and points to the re-plan', async () => {
    const created = await post(`/v1/debtors/${debtorId}/plan-options`, { claimIds: [claimIds[0]], asOf: START });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
    const offer = created.json().offer;
    expect(offer.options.length).toBeGreaterThan(0);
    const res = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: offer.options[0].id });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(409);
    expect(res.json().code).toBe('invalid_state');
    expect(res.json().detail).toContain(`/v1/plans/${plans.short}/replan`);
    expect((await get(`/v1/plan-offers/${offer.id}`)).json().offer.status).not.toBe('accepted');
    expect((await get(`/v1/debtors/${debtorId}/plans`)).json().items.map((p: { id: string }) => p.id)).toEqual([plans.short]);
  });

  it('lets the debtor see and accept an offer through the signed link, and only that link', async () => {
    const created = await post(`/v1/debtors/${debtorId}/plan-options`, { claimIds: [claimIds[1]], asOf: START });
    expect(created.statusCode).toBe(201);
    const { offer, linkToken } = created.json();
    offers.second = { id: offer.id, linkToken };
    const view = await t.app.inject({ url: `/v1/plan-links/${linkToken}` });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ creditorName: expect.any(String), offer: { id: offer.id, status: 'open' } });
    // A consent link is no plan link, and a plan link is no consent link.
    expect((await t.app.inject({ url: `/v1/plan-links/${consentLinkToken}` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/v1/consent-links/${linkToken}` })).statusCode).toBe(401);
    const longest = offer.options.find((o: { kind: string }) => o.kind === 'longest');
    const accepted = await t.app.inject({ method: 'POST', url: `/v1/plan-links/${linkToken}/accept`, payload: { optionId: longest.id } });
    expect(accepted.statusCode, accepted.body.slice(0, 300)).toBe(201);
    expect(accepted.json()).toMatchObject({ acceptedBy: 'debtor', kind: 'longest', rewards: [] });
    plans.longest = accepted.json().id;
  });

  it('matches a bank debit carrying the RF reference and the creditor’s bookings by amount and date, and completes the plan with its reward', async () => {
    const first = await plan(plans.short!, START);
    const [one, two, ...rest] = first.state.instalments;
    // Instalment 1: the debtor's bank shows a transfer with the instalment's reference in print form, in the remittance text.
    today = one!.dueDate;
    await uploadStatement(t, t.tenantA, debtorId, debitsStatement([{ date: today, amountCents: one!.amountCents, counterpartyIban: PAYEE.iban, remittance: `Termijn 1 ${formatCreditorReference(one!.reference)}` }]));
    let s = await plan(plans.short!, today);
    expect(s.bankDataUsed).toBe(true);
    expect(s.state.instalments[0]).toMatchObject({ state: 'paid', paidOn: one!.dueDate });
    expect(s.payments).toEqual([expect.objectContaining({ source: 'bank_transaction', matchedBy: 'reference', instalmentNumber: 1 })]);
    // Instalment 2: the creditor books the receipt on the claim (its own payment data), a day late, no reference.
    today = addDays(two!.dueDate, 1);
    await sendPayment('pay-2', today, 'E-2025-0901', two!.amountCents);
    s = await plan(plans.short!, today);
    expect(s.state.instalments[1]).toMatchObject({ state: 'paid' });
    expect(s.payments[1]).toMatchObject({ paymentId: 'dp:pay-2', source: 'data_point', matchedBy: 'amount_and_date', instalmentNumber: 2 });
    // The rest: what is due when kept (the costs come off the last instalments).
    for (const [k, inst] of rest.entries()) {
      today = inst.dueDate;
      if (inst.amountIfKeptCents > 0) await sendPayment(`pay-rest-${k}`, inst.dueDate, 'E-2025-0901', inst.amountIfKeptCents);
    }
    const last = rest.at(-1)!;
    s = await plan(plans.short!, last.dueDate);
    expect(s.state).toMatchObject({ status: 'completed', kept: true, rewardsEarned: [{ kind: 'costs_waived_at_completion', cents: expect.any(Number) }] });
    expect(s.state.paidCents).toBe(first.state.instalments.reduce((sum, i) => sum + i.amountIfKeptCents, 0));
  });

  it('marks a missed instalment with a reminder on the next salary day, breaches the plan, and re-plans what is left', async () => {
    const initial = await plan(plans.longest!, START);
    const [one, two] = initial.state.instalments;
    // The default policy: 3 grace days.
    let s = await plan(plans.longest!, addDays(one!.dueDate, 4));
    expect(s.state.instalments[0]).toMatchObject({ state: 'late', reminderDueOn: two!.incomeDate });
    // Two instalments missed (14 days each past their due dates): breached.
    const breachDay = addDays(two!.dueDate, 14);
    today = breachDay;
    s = await plan(plans.longest!, breachDay);
    expect(s.state).toMatchObject({ status: 'breached', breachedOn: breachDay });
    // A re-plan is made on fresh bank data: on the statement that ended at START, the salary of the
    // months since would look stopped (an income_drop flag), and the plan ceiling would fall to nothing.
    await uploadStatement(t, t.tenantA, debtorId, householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, START, breachDay));
    const replan = await post(`/v1/plans/${plans.longest}/replan`, {});
    expect(replan.statusCode, replan.body.slice(0, 300)).toBe(201);
    const offer = replan.json().offer;
    expect(offer).toMatchObject({ replacesPlanId: plans.longest, totalDueCents: initial.state.instalments.reduce((sum, i) => sum + i.amountCents, 0), claimIds: [claimIds[1]] });
    const accepted = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: offer.options.at(-1).id });
    expect(accepted.statusCode, accepted.body.slice(0, 300)).toBe(201);
    const old = await plan(plans.longest!, breachDay);
    expect(old.state.status).toBe('replanned');
    expect(old.replacedByPlanId).toBe(accepted.json().id);
    expect((await post(`/v1/plans/${plans.longest}/replan`, {})).statusCode).toBe(409);
    const list = await get(`/v1/debtors/${debtorId}/plans?asOf=${breachDay}`, 'analyst');
    expect(list.json().items.map((p: { id: string }) => p.id)).toEqual([plans.short, plans.longest, accepted.json().id]);
    plans.replanned = accepted.json().id;
  });

  it('gives an EPC QR payment link per instalment as JSON, SVG and PNG; the PNG decodes to the payload', async () => {
    const s = await plan(plans.replanned!, today);
    const open = s.state.instalments[0]!;
    const json = await get(`/v1/plans/${plans.replanned}/instalments/1/payment-link`);
    expect(json.statusCode, json.body).toBe(200);
    const link = json.json();
    expect(link).toMatchObject({ amountCents: open.expectedCents, reference: open.reference, payee: { name: PAYEE.name, iban: PAYEE.iban, bic: PAYEE.bic } });
    const euros = `${Math.floor(open.expectedCents / 100)}.${String(open.expectedCents % 100).padStart(2, '0')}`;
    expect(link.payload.split('\n')).toEqual(['BCD', '002', '1', 'SCT', PAYEE.bic, PAYEE.name, PAYEE.iban, `EUR${euros}`, '', open.reference]);
    const png = await t.app.inject({ url: `/v1/plans/${plans.replanned}/instalments/1/payment-link`, headers: { ...as('creditor'), accept: 'image/png' } });
    expect(png.headers['content-type']).toBe('image/png');
    const image = PNG.sync.read(png.rawPayload);
    const decoded = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
    expect(Buffer.from(decoded!.binaryData).toString('utf8')).toBe(link.payload);
    const svg = await t.app.inject({ url: `/v1/plans/${plans.replanned}/instalments/1/payment-link?format=svg`, headers: { ...as('creditor'), accept: 'application/json' } });
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('<title>QR-code om');
    expect((await t.app.inject({ url: `/v1/plans/${plans.replanned}/instalments/1/payment-link`, headers: { ...as('creditor'), accept: 'text/html' } })).statusCode).toBe(406);
    expect((await get(`/v1/plans/${plans.replanned}/instalments/99/payment-link`)).statusCode).toBe(404);
    // A completed plan has nothing to pay.
    expect((await get(`/v1/plans/${plans.short}/instalments/1/payment-link`)).statusCode).toBe(409);
  });

  it('closes an offer after its last day: the link stops working and accepting is refused', async () => {
    const created = await post(`/v1/debtors/${debtorId}/plan-options`, { claimIds: [claimIds[1]] });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(201);
    const { offer, linkToken } = created.json();
    // The default policy keeps an offer open 14 days.
    expect(offer.expiresOn).toBe(addDays(today, 14));
    const before = today;
    today = offer.expiresOn;
    expect((await t.app.inject({ url: `/v1/plan-links/${linkToken}` })).statusCode).toBe(200);
    today = addDays(offer.expiresOn, 1);
    expect((await t.app.inject({ url: `/v1/plan-links/${linkToken}` })).statusCode).toBe(401);
    const late = await post(`/v1/plan-offers/${offer.id}/accept`, { optionId: offer.options[0].id });
    expect(late.statusCode).toBe(409);
    expect((await get(`/v1/plan-offers/${offer.id}`)).json()).toMatchObject({ offer: { status: 'expired' }, linkToken: null });
    today = before;
  });

  it('says so and recommends debt help when nothing is left above the protected amount', async () => {
    const poor = await debtorWithPlanConsent(t, t.tenantA, 'plan-poor', today);
    await uploadStatement(t, t.tenantA, poor.debtorId, householdStatement({ salaryCents: 110_000, rentCents: 70_000, energyCents: 12_000, groceriesPerWeekCents: 6_000 }, HISTORY_FROM, today));
    const claim = await post('/v1/claims', { claims: [{ reference: 'POOR-1', debtorRef: 'plan-poor', principalCents: 80_000, dueDate: '2026-01-01', interestBasis: 'none' }] });
    const res = await post(`/v1/debtors/${poor.debtorId}/plan-options`, { claimIds: [claim.json().items[0].claimId] });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().offer).toMatchObject({ affordable: false, options: [], recommendation: { kind: 'refer_to_debt_help' } });
  });

  it('exports the offers and plans with the debtor, and erases them', async () => {
    const exported = (await get(`/v1/debtors/${debtorId}/export`)).json();
    expect(exported.planOffers.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([offers.first!.id, offers.second!.id]));
    expect(exported.repaymentPlans.map((p: { id: string }) => p.id)).toEqual([plans.short, plans.longest, plans.replanned]);
    expect(exported.repaymentPlans[0].payments.length).toBeGreaterThanOrEqual(2);
    expect(exported.repaymentPlans[0].instalments[0].reference).toMatch(/^RF/);
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${debtorId}`, headers: as('creditor') });
    expect(erased.statusCode).toBe(204);
    for (const table of ['repayment_plan_offers', 'repayment_plans', 'repayment_plan_instalments', 'repayment_plan_payments'] as const) {
      const left = await t.database.db.selectFrom(table).select('tenant_id').where('debtor_id', '=', debtorId).execute();
      expect(left, table).toEqual([]);
    }
    expect((await get(`/v1/plans/${plans.short}`)).statusCode).toBe(404);
  });
});
