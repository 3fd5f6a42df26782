import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const invoice = (id: string, ref: string, issued: string, due: string, amountCents = 12_000) => ({ eventId: `iss-${id}`, debtorRef: ref, type: 'invoice_issued', occurredOn: issued, invoiceId: id, amountCents, dueDate: due });
const paid = (id: string, ref: string, on: string, amountCents = 12_000) => ({ eventId: `pay-${id}`, debtorRef: ref, type: 'invoice_paid', occurredOn: on, invoiceId: id, amountCents, method: 'transfer' });

describe('data points through the API', () => {
  let t: TestApp;
  const send = (events: object[], key = t.tenantA.keys.creditor) => t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(key), payload: { events } });
  const count = async () => Number((await t.database.db.selectFrom('data_point_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await createTestApp({ today: () => '2026-11-23' });
  });
  afterAll(async () => t.close());

  it('accepts a batch, registers new debtors, and treats an identical resend as a no-op', async () => {
    const events = [invoice('F1', 'cust-1', '2026-08-01', '2026-08-15'), paid('F1', 'cust-1', '2026-08-20'), invoice('F2', 'cust-1', '2026-09-01', '2026-09-15')];
    const first = await send(events);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ accepted: 3, duplicates: 0, debtorsCreated: 1 });
    const again = await send(events);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 3, debtorsCreated: 0 });
  });

  it('refuses another event under a used eventId with 409 naming the field', async () => {
    const res = await send([{ ...invoice('F1', 'cust-1', '2026-08-01', '2026-08-15'), amountCents: 99 }]);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'idempotency_conflict', errors: [expect.objectContaining({ pointer: '/events/0/eventId' })] });
  });

  it('names the failing field of the intended variant for shape errors', async () => {
    const unknownType = await send([{ eventId: 'x1', debtorRef: 'cust-1', type: 'invoice_lost', occurredOn: '2026-09-01' }]);
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().errors[0].pointer).toMatch(/^\/events\/0/);
    const negative = await send([{ ...invoice('F9', 'cust-1', '2026-09-01', '2026-09-15'), amountCents: -5 }]);
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors).toEqual([expect.objectContaining({ pointer: '/events/0/amountCents' })]);
    const badDate = await send([invoice('F9', 'cust-1', '2026-02-30', '2026-03-15')]);
    expect(badDate.json().errors).toEqual([expect.objectContaining({ pointer: '/events/0/occurredOn' })]);
  });

  it('refuses a whole batch when one event is impossible (paid before issued), writing nothing', async () => {
    const before = await count();
    const res = await send([invoice('G1', 'cust-2', '2026-10-01', '2026-10-15'), paid('G1', 'cust-2', '2026-09-20')]);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([expect.objectContaining({ pointer: '/events/1/occurredOn', code: 'paid_before_issued' })]);
    expect(await count()).toBe(before);
  });

  it('derives signals as of a date without leakage from later events', async () => {
    const debtor = (await t.app.inject({ url: '/v1/debtors?externalRef=cust-1', headers: bearer(t.tenantA.keys.creditor) })).json().items[0];
    const signalsAt = async (asOf: string) => (await t.app.inject({ url: `/v1/debtors/${debtor.id}/signals?asOf=${asOf}`, headers: bearer(t.tenantA.keys.analyst) })).json().signals;
    const before = await signalsAt('2026-10-01');
    expect(before.maxDaysPastDue).toBe(16);
    await send([paid('F2', 'cust-1', '2026-10-10'), { eventId: 'ret-1', debtorRef: 'cust-1', type: 'direct_debit_returned', occurredOn: '2026-10-12', invoiceId: 'F2', amountCents: 1000, reasonCode: 'AM04' }]);
    expect(await signalsAt('2026-10-01')).toEqual(before);
    const after = await signalsAt('2026-11-01');
    // F2 was paid on 10-10, then € 10 of it came back (AM04) on 10-12: open again, due since 09-15.
    expect(after.maxDaysPastDue).toBe(47);
    expect(after.openBalanceCents).toBe(1000);
    expect(after.returnedDirectDebits.last90Days.total).toBe(1);
  });

  it('keeps tenants apart: the same debtorRef of another tenant is another debtor', async () => {
    const res = await send([invoice('F1', 'cust-1', '2026-08-01', '2026-08-15')], t.tenantB.keys.creditor);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, debtorsCreated: 1 });
  });
});
