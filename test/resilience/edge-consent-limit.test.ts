/**
 * A consent's frequencyPerDay holds under parallel uploads: the count is taken under a lock on the
 * consent, so N parallel uploads accept at most the limit; the rest get 429 with Retry-After until
 * the tenant's next day. Run on PostgreSQL for true concurrency (TEST_DATABASE_URL); passes on PGlite too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtorWithConsent, upload } from '../support/flows.js';
import { ingestStatement } from '../../src/bank-data/ingestion.service.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { secondsUntilNextDay } from '../../src/platform/time-zone.js';

function berlinGroupFile(id: string): string {
  return JSON.stringify({
    account: { iban: 'NL91ABNA0417164300' },
    transactions: {
      booked: [{ transactionId: id, creditorName: 'Albert Heijn', transactionAmount: { currency: 'EUR', amount: '-12.50' }, bookingDate: '2026-11-02', valueDate: '2026-11-02' }],
      pending: [],
    },
  });
}

describe('consent upload limit under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('accepts exactly frequencyPerDay of 5 parallel uploads; the others get 429 with Retry-After', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'parallel', { frequencyPerDay: 2 });
    const zone = t.config.tenantTimeZone;
    const before = secondsUntilNextDay(new Date(), zone);
    const responses = await Promise.all([1, 2, 3, 4, 5].map((i) => upload(t, t.tenantA, d.debtorId, berlinGroupFile(`tx-${i}`), { contentType: 'application/json' })));
    const after = secondsUntilNextDay(new Date(), zone);
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses, responses.map((r) => r.body).join('\n')).toEqual([201, 201, 429, 429, 429]);
    for (const res of responses.filter((r) => r.statusCode === 429)) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      // Seconds to the next midnight in the tenant's zone, as measured around the requests.
      expect(retryAfter).toBeGreaterThanOrEqual(Math.min(before, after));
      expect(retryAfter).toBeLessThanOrEqual(Math.max(before, after));
      expect(retryAfter).toBeLessThanOrEqual(25 * 3600);
    }
    expect(await countRows(t, 'bank_uploads', d.debtorId)).toBe(2);
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(2);
    // Still refused afterwards, one at a time.
    const sixth = await upload(t, t.tenantA, d.debtorId, berlinGroupFile('tx-6'), { contentType: 'application/json' });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  });

  it('counts per consent: another debtor’s consent is not affected', async () => {
    const a = await createDebtorWithConsent(t, t.tenantA, 'limit-a', { frequencyPerDay: 1 });
    const b = await createDebtorWithConsent(t, t.tenantA, 'limit-b', { frequencyPerDay: 1 });
    const [ra, rb] = await Promise.all([a, b].map((d) => upload(t, t.tenantA, d.debtorId, berlinGroupFile('same'), { contentType: 'application/json' })));
    expect(ra!.statusCode).toBe(201);
    expect(rb!.statusCode).toBe(201);
    expect((await upload(t, t.tenantA, a.debtorId, berlinGroupFile('again'), { contentType: 'application/json' })).statusCode).toBe(429);
  });

  it('does not count an upload whose transaction rolled back', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'rollback', { frequencyPerDay: 1 });
    const statement = parseBankFile(Buffer.from(berlinGroupFile('rolled-back')), { lenient: false, maxBytes: 1_000_000, hints: { contentType: 'application/json' } });
    const failure = new Error('a later step of the upload failed');
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await ingestStatement(trx, { tenantId: t.tenantA.id, debtorId: d.debtorId, statement, fileSha256: 'x', byteSize: 1, actor: 'test' }, { today: new Date().toISOString().slice(0, 10), now: new Date(), timeZone: t.config.tenantTimeZone });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await countRows(t, 'bank_uploads', d.debtorId)).toBe(0);
    const res = await upload(t, t.tenantA, d.debtorId, berlinGroupFile('after-rollback'), { contentType: 'application/json' });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('documents 429 with its Retry-After header on the upload route', () => {
    const document = t.app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>> };
    const responses = document.paths['/v1/debtors/{debtorId}/bank-data']!.post!.responses;
    expect(responses['429']?.headers).toHaveProperty('Retry-After');
  });

  it('sends Retry-After on a 429 even when the thrower names no figure', async () => {
    const { sendProblem } = await import('../../src/platform/http/error-handler.js');
    const { AppError } = await import('../../src/platform/errors.js');
    const Fastify = (await import('fastify')).default;
    const app = Fastify({ logger: false });
    app.get('/limited', (request, reply) => sendProblem(reply, request, new AppError('rate_limited')));
    const res = await app.inject({ url: '/limited' });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await app.close();
  });
});
