/**
 * Claims through the API on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): storing,
 * idempotent resends, conflicts, atomic batches, and the 14-day letter rule end to end.
 * Hand figures: EUR 1,000 due 2024-02-14 at 7 %: interest from 2024-02-15 is 1,000 × 7 % × days / 365.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2024-06-01';
const claim = (reference: string, overrides: object = {}) => ({ reference, debtorRef: 'claims-debtor', principalCents: 100000, dueDate: '2024-02-14', costsChargedCents: 15000, interestBasis: 'statutory_consumer', ...overrides });

describe('claims through the API', () => {
  let t: TestApp;
  const post = (claims: object[], key = t.tenantA.keys.creditor) => t.app.inject({ method: 'POST', url: '/v1/claims', headers: bearer(key), payload: { claims } });
  const get = (claimId: string, asOf: string) => t.app.inject({ url: `/v1/claims/${claimId}?asOf=${asOf}`, headers: bearer(t.tenantA.keys.creditor) });
  const letter = (claimId: string, body: object) => t.app.inject({ method: 'POST', url: `/v1/claims/${claimId}/fourteen-day-letter`, headers: bearer(t.tenantA.keys.creditor), payload: body });
  const countClaims = async () => Number((await t.database.db.selectFrom('claims').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const sendDataPoints = async (events: object[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(t.tenantA.keys.creditor), payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
  });
  afterAll(async () => t.close());

  it('stores a claim (201), and a resend with the same content is a no-op (200)', async () => {
    const first = await post([claim('INV-1')]);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ created: 1, unchanged: 0, items: [{ reference: 'INV-1', created: true }] });
    // The defaults spelt out are the same content.
    const again = await post([claim('INV-1', { currency: 'EUR', vatOnCosts: false })]);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, unchanged: 1, items: [{ claimId: first.json().items[0].claimId, created: false }] });
    expect(await countClaims()).toBe(1);
  });

  it('refuses other content under a stored reference with 409 naming the field', async () => {
    const res = await post([claim('INV-1', { principalCents: 100001 })]);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'idempotency_conflict', errors: [expect.objectContaining({ pointer: '/claims/0/reference' })] });
  });

  it('writes nothing of a batch with one bad claim, and names the field', async () => {
    const before = await countClaims();
    const shape = await post([claim('INV-2'), claim('INV-3', { principalCents: 0 })]);
    expect(shape.statusCode).toBe(400);
    expect(shape.json().errors).toEqual([expect.objectContaining({ pointer: '/claims/1/principalCents' })]);
    const meaning = await post([claim('INV-2'), claim('INV-3', { interestBasis: 'contractual' })]);
    expect(meaning.statusCode).toBe(400);
    expect(meaning.json().errors).toEqual([expect.objectContaining({ pointer: '/claims/1/contractualRateBasisPoints' })]);
    const conflict = await post([claim('INV-2'), claim('INV-1', { dueDate: '2024-02-15' })]);
    expect(conflict.statusCode).toBe(409);
    const currency = await post([claim('INV-2', { currency: 'USD' })]);
    expect(currency.statusCode).toBe(400);
    expect(currency.json().errors[0].pointer).toBe('/claims/0/currency');
    expect(await countClaims()).toBe(before);
    // Not even the debtor of the refused batch was registered.
    const debtors = await t.app.inject({ url: '/v1/debtors?externalRef=new-debtor-of-refused-batch', headers: bearer(t.tenantA.keys.creditor) });
    await post([claim('INV-4', { debtorRef: 'new-debtor-of-refused-batch' }), claim('INV-5', { interestBasis: 'none', contractualRateBasisPoints: 500 })]);
    expect((await t.app.inject({ url: '/v1/debtors?externalRef=new-debtor-of-refused-batch', headers: bearer(t.tenantA.keys.creditor) })).json().items).toEqual(debtors.json().items);
  });

  it('applies the 14-day letter rule end to end', async () => {
    const created = await post([claim('INV-L')]);
    const claimId = created.json().items[0].claimId;
    // No letter: no costs, and the charged costs are flagged.
    const noLetter = (await get(claimId, '2024-03-10')).json();
    expect(noLetter.costs).toMatchObject({ status: 'no_letter', chargeableCents: 0, flags: ['charged_before_allowed'] });
    // 2024-02-15 to 2024-03-10 = 25 days: 1,000 × 7 % × 25/365 = 4.794 → 4.79
    expect(noLetter.totals).toMatchObject({ interestOutstandingCents: 479, costsOutstandingCents: 0, totalDueCents: 100479 });

    expect((await letter(claimId, { sentOn: '2024-02-14' })).json().errors).toEqual([expect.objectContaining({ pointer: '/sentOn' })]);
    expect((await letter(claimId, { sentOn: '2024-06-02' })).statusCode).toBe(400);
    const recorded = await letter(claimId, { sentOn: '2024-03-01' });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json().costs.letterTerm).toEqual({ sentOn: '2024-03-01', receivedOn: '2024-03-03', receivedOnAssumed: true, termFirstDay: '2024-03-04', termLastDay: '2024-03-17', costsPayableFrom: '2024-03-18' });
    expect((await letter(claimId, { sentOn: '2024-03-01' })).statusCode).toBe(200);
    expect((await letter(claimId, { sentOn: '2024-03-02' })).statusCode).toBe(409);

    expect((await get(claimId, '2024-03-17')).json().costs).toMatchObject({ status: 'term_running', chargeableCents: 0 });
    const after = (await get(claimId, '2024-03-18')).json();
    expect(after.costs).toMatchObject({ status: 'chargeable', chargeableCents: 15000, flags: [] });
    // 2024-02-15 to 2024-03-18 = 33 days: 1,000 × 7 % × 33/365 = 6.328 → 6.33
    expect(after.totals).toMatchObject({ principalOutstandingCents: 100000, interestOutstandingCents: 633, costsOutstandingCents: 15000, totalDueCents: 115633 });
    expect(after.arithmetic.at(-1)).toBe('Total due: principal EUR 1000.00 + interest EUR 6.33 + costs EUR 150.00 = EUR 1156.33.');
  });

  it('charges no costs for a claim paid in full within the term, with payments and letter from data points', async () => {
    await post([claim('INV-P', { debtorRef: 'payer' })]);
    // Paid 2024-03-17, the term's last day: interest 2024-02-15 to 2024-03-16, 31 days = 5.95.
    await sendDataPoints([
      { eventId: 'p-iss', debtorRef: 'payer', type: 'invoice_issued', occurredOn: '2024-01-31', invoiceId: 'INV-P', amountCents: 100000, dueDate: '2024-02-14' },
      { eventId: 'p-letter', debtorRef: 'payer', type: 'reminder_sent', occurredOn: '2024-03-01', channel: 'letter', invoiceId: 'INV-P', stage: 'fourteen_day_letter' },
      { eventId: 'p-pay', debtorRef: 'payer', type: 'invoice_paid', occurredOn: '2024-03-17', invoiceId: 'INV-P', amountCents: 100595, method: 'transfer' },
    ]);
    const claimId = (await post([claim('INV-P', { debtorRef: 'payer' })])).json().items[0].claimId;
    const view = (await get(claimId, '2024-05-01')).json();
    expect(view.fourteenDayLetter).toEqual({ sentOn: '2024-03-01', receivedOn: null, source: 'data_points' });
    expect(view.costs).toMatchObject({ status: 'paid_by_end_of_term', chargeableCents: 0 });
    expect(view.payments).toEqual([{ on: '2024-03-17', cents: 100595, toCostsCents: 0, toInterestCents: 595, toPrincipalCents: 100000, unallocatedCents: 0 }]);
    expect(view.totals.totalDueCents).toBe(0);
    // Paid in full: not among the debtor's open claims, and the invoice is not counted twice.
    const list = (await t.app.inject({ url: `/v1/debtors/${view.debtorId}/claims?asOf=2024-05-01`, headers: bearer(t.tenantA.keys.creditor) })).json();
    expect(list.items).toEqual([]);
    expect(list.totals.totalDueCents).toBe(0);
  });

  it('derives open claims from invoice data points no claim covers, and totals the debtor’s claims', async () => {
    await sendDataPoints([
      { eventId: 'd-iss-1', debtorRef: 'derived', type: 'invoice_issued', occurredOn: '2024-03-01', invoiceId: 'D-1', amountCents: 50000, dueDate: '2024-03-31' },
      { eventId: 'd-iss-2', debtorRef: 'derived', type: 'invoice_issued', occurredOn: '2024-03-01', invoiceId: 'D-2', amountCents: 20000, dueDate: '2024-03-31' },
      { eventId: 'd-pay-2', debtorRef: 'derived', type: 'invoice_paid', occurredOn: '2024-03-20', invoiceId: 'D-2', amountCents: 20000, method: 'ideal' },
    ]);
    const stored = (await post([claim('D-3', { debtorRef: 'derived', principalCents: 30000, dueDate: '2024-04-30', costsChargedCents: 0, interestBasis: 'none' })])).json();
    const debtorId = stored.items[0].debtorId;
    const list = (await t.app.inject({ url: `/v1/debtors/${debtorId}/claims?asOf=2024-05-30`, headers: bearer(t.tenantA.keys.creditor) })).json();
    expect(list.items.map((c: { reference: string; source: string; id: string | null }) => [c.reference, c.source, c.id === null])).toEqual([
      ['D-1', 'data_points', true],
      ['D-3', 'api', false],
    ]);
    // D-1: 500 × 7 % × 60/365 (2024-04-01 to 2024-05-30) = 5.753 → 5.75; D-3: no interest.
    expect(list.totals).toEqual({ principalOutstandingCents: 80000, interestOutstandingCents: 575, costsOutstandingCents: 0, totalDueCents: 80575 });
    // Before D-1 was issued, only the stored claim.
    const early = (await t.app.inject({ url: `/v1/debtors/${debtorId}/claims?asOf=2024-02-01`, headers: bearer(t.tenantA.keys.creditor) })).json();
    expect(early.items.map((c: { reference: string }) => c.reference)).toEqual(['D-3']);
  });

  it('answers 422 for a day the rate tables do not cover, and 404 for an unknown claim or debtor', async () => {
    const id = (await post([claim('C-OLD', { interestBasis: 'statutory_commercial', dueDate: '2023-10-31' })])).json().items[0].claimId;
    const res = await get(id, '2024-03-01');
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/no rate known on 2023-11-01/);
    expect((await get('00000000-0000-4000-8000-000000000000', TODAY)).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/debtors/00000000-0000-4000-8000-000000000000/claims', headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(404);
    expect((await get(id, '2024-02-30')).json().errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/asOf' })]);
  });

  it('exports a debtor’s claims (GDPR art. 15) and erases them with the debtor (art. 17)', async () => {
    const stored = (await post([claim('E-1', { debtorRef: 'to-erase', fourteenDayLetter: { sentOn: '2024-03-01', receivedOn: '2024-03-02' } })])).json().items[0];
    const debtorId = stored.debtorId;
    const exported = (await t.app.inject({ url: `/v1/debtors/${debtorId}/export`, headers: bearer(t.tenantA.keys.creditor) })).json();
    expect(exported.claims).toEqual([
      { id: stored.claimId, reference: 'E-1', principalCents: 100000, currency: 'EUR', dueDate: '2024-02-14', costsChargedCents: 15000, vatOnCosts: false, interestBasis: 'statutory_consumer', contractualRateBasisPoints: null, fourteenDayLetter: { sentOn: '2024-03-01', receivedOn: '2024-03-02' }, createdAt: expect.any(String) },
    ]);
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode).toBe(204);
    expect(await t.database.db.selectFrom('claims').select('id').where('debtor_id', '=', debtorId).execute()).toEqual([]);
  });

  it('keeps tenants apart: the same reference is another tenant’s own claim', async () => {
    const res = await post([claim('INV-1', { principalCents: 5 })], t.tenantB.keys.creditor);
    expect(res.statusCode).toBe(201);
    expect((await get(res.json().items[0].claimId, TODAY)).statusCode).toBe(404);
  });
});
