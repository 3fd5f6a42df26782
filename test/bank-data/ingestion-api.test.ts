import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtor, createDebtorWithConsent, fixture, grant, requestConsent, upload } from '../support/flows.js';

const BERLIN = 'bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json';

function berlinGroupFile(booked: object[], pending: object[] = []): string {
  return JSON.stringify({ account: { iban: 'NL91ABNA0417164300' }, transactions: { booked, pending } });
}

function entry(id: string | null, amount: string, date: string, name = 'Albert Heijn 1234', extra: object = {}): object {
  return {
    ...(id ? { transactionId: id } : {}),
    creditorName: name,
    transactionAmount: { currency: 'EUR', amount },
    bookingDate: date,
    valueDate: date,
    remittanceInformationUnstructured: 'Betaalautomaat',
    ...extra,
  };
}

describe('bank-data ingestion through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('refuses bank data without a granted consent (403 consent_required) and stores nothing', async () => {
    const debtorId = await createDebtor(t, t.tenantA, 'no-consent');
    const before = await upload(t, t.tenantA, debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(before.statusCode).toBe(403);
    expect(before.json().code).toBe('consent_required');
    await requestConsent(t, t.tenantA, debtorId);
    const requestedOnly = await upload(t, t.tenantA, debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(requestedOnly.statusCode).toBe(403);
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(0);
  });

  it('refuses data the consent does not cover', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'balances-only', { access: { balances: true, transactions: false } });
    const res = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('consent_required');
  });

  it('takes a statement with flawed secondary fields and lists what was repaired in warnings', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'warnings');
    const res = await upload(t, t.tenantA, d.debtorId, fixture('bank-formats/camt/synthetic/camt053-budgetbeheer-balance-without-dt.xml'), { contentType: 'application/xml' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'camt.053', accepted: 2, balances: 3, rejected: [] });
    expect(res.json().warnings).toEqual([
      { location: 'Stmt[0]/Bal[0]/Dt', field: 'Bal/Dt', reason: expect.stringContaining('2026-10-01'), action: 'repaired' },
      { location: 'Stmt[0]/Bal[1]/Tp', field: 'Bal/Tp', reason: expect.stringContaining('BDGT'), action: 'kept' },
    ]);
  });

  it('stores text with NUL and lone surrogates removed (PostgreSQL text cannot hold NUL) and says so', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'nul-text');
    const body = berlinGroupFile([entry('NUL-1', '-12.50', '2026-10-01', 'Albert\u0000 Heijn', { remittanceInformationUnstructured: 'Pin\u0000 \ud800betaling' })]);
    const res = await upload(t, t.tenantA, d.debtorId, Buffer.from(body), { contentType: 'application/json' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().warnings.map((w: { field: string; action: string }) => [w.field, w.action])).toEqual([
      ['counterpartyName', 'cleaned'],
      ['remittanceUnstructured', 'cleaned'],
    ]);
    const listed = await t.app.inject({ url: `/v1/debtors/${d.debtorId}/transactions`, headers: bearer(t.tenantA.keys.creditor) });
    expect(listed.json().items.map((x: { counterpartyName: string; remittanceUnstructured: string }) => [x.counterpartyName, x.remittanceUnstructured])).toEqual([['Albert Heijn', 'Pin betaling']]);
  });

  it('stores a Berlin Group file once: a resend gives 0 new rows', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'resend');
    const first = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ format: 'berlin-group', accepted: 3, duplicates: 0, rejected: [] });
    const again = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(3);
    const listed = await t.app.inject({ url: `/v1/debtors/${d.debtorId}/transactions`, headers: bearer(t.tenantA.keys.creditor) });
    expect(listed.json().items.map((x: { amountCents: number }) => x.amountCents).sort((a: number, b: number) => a - b)).toEqual([-10003, 25667, 34301]);
  });

  it('keeps genuine same-day duplicates apart, and overlapping periods do not duplicate', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'coffees');
    const coffee = entry(null, '-2.80', '2026-10-05', 'Koffiebar De Boon');
    const first = await upload(t, t.tenantA, d.debtorId, berlinGroupFile([coffee, coffee, entry(null, '-40.00', '2026-10-04')]), { contentType: 'application/json' });
    expect(first.json().accepted).toBe(3);
    const overlapping = await upload(t, t.tenantA, d.debtorId, berlinGroupFile([coffee, coffee, entry(null, '-12.00', '2026-10-06')]), { contentType: 'application/json' });
    expect(overlapping.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(4);
  });

  it('replaces a pending transaction when it comes back booked', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'pending');
    const pendingOnly = await upload(t, t.tenantA, d.debtorId, berlinGroupFile([], [entry('P-1', '-55.00', '2026-10-10', 'Vattenfall'), entry(null, '-9.99', '2026-10-10', 'Netflix')]), { contentType: 'application/json' });
    expect(pendingOnly.json().accepted).toBe(2);
    const booked = await upload(t, t.tenantA, d.debtorId, berlinGroupFile([entry('P-1', '-55.00', '2026-10-11', 'Vattenfall'), entry('B-9', '-9.99', '2026-10-12', 'Netflix')]), { contentType: 'application/json' });
    expect(booked.json()).toMatchObject({ accepted: 2, replacedPending: 2 });
    const rows = (await t.app.inject({ url: `/v1/debtors/${d.debtorId}/transactions`, headers: bearer(t.tenantA.keys.creditor) })).json().items;
    expect(rows).toHaveLength(2);
    expect(rows.every((r: { status: string }) => r.status === 'booked')).toBe(true);
  });

  it('erases all bank data when the debtor revokes, in the same transaction, with an audit entry without personal data', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'revoke');
    await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    await upload(t, t.tenantA, d.debtorId, fixture('bank-formats/berlin-group/balancesExample1_RegularAccount.json'), { contentType: 'application/json' });
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(3);
    expect(await countRows(t, 'bank_balances', d.debtorId)).toBeGreaterThan(0);
    const revoke = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${d.linkToken}/revoke` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().status).toBe('revokedByPsu');
    for (const table of ['bank_transactions', 'bank_balances', 'bank_accounts', 'bank_uploads'] as const) expect(await countRows(t, table, d.debtorId), table).toBe(0);
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('subject_id', '=', d.consentId).where('action', '=', 'consent.revokedByPsu').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ transactions: 3 });
    expect(JSON.stringify(audit.details)).not.toMatch(/John|Miles|DE23|NL76/);
    const after = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(after.json().code).toBe('consent_required');
  });

  it('does not duplicate data under a renewed consent, and keeps what the newer consent re-delivered', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'renewed');
    expect((await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' })).json().accepted).toBe(3);
    const renewed = await requestConsent(t, t.tenantA, d.debtorId);
    await grant(t, renewed.linkToken);
    const resent = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json', query: `consentId=${renewed.consentId}` });
    expect(resent.json()).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await countRows(t, 'bank_accounts', d.debtorId)).toBe(1);
    await t.app.inject({ method: 'DELETE', url: `/v1/consents/${d.consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(3);
    await t.app.inject({ method: 'DELETE', url: `/v1/consents/${renewed.consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
    expect(await countRows(t, 'bank_accounts', d.debtorId)).toBe(0);
  });

  it('erases bank data when the creditor terminates the consent', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'terminate');
    await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${d.consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(res.json().status).toBe('terminatedByTpp');
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
  });

  it('expires a consent after its last day and erases the data (403 consent_expired)', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'expiry', { validDays: 2 });
    await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    const later = await createTestAppSharingDb(t, 5);
    const res = await later.inject({ url: `/v1/debtors/${d.debtorId}/transactions`, headers: bearer(t.tenantA.keys.creditor) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('consent_expired');
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
    await later.close();
  });

  it('refuses an XXE document as unsafe, and stores nothing', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'xxe');
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&x;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>`;
    const res = await upload(t, t.tenantA, d.debtorId, xxe, { contentType: 'application/xml', query: 'format=camt.053' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('unsafe_file');
    expect(res.body).not.toContain('root:');
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
  });

  it('rejects a malformed file as a whole naming the place, or stores the valid entries in lenient mode', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'malformed');
    const file = berlinGroupFile([entry('A', '-1.00', '2026-10-01'), entry('B', 'twelve', '2026-10-02'), entry('C', '-3.00', '2026-10-03')]);
    const strict = await upload(t, t.tenantA, d.debtorId, file, { contentType: 'application/json' });
    expect(strict.statusCode).toBe(422);
    expect(strict.json().code).toBe('unprocessable_file');
    expect(strict.json().errors[0].pointer).toContain('/transactions/booked/1');
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
    const lenient = await upload(t, t.tenantA, d.debtorId, file, { contentType: 'application/json', query: 'lenient=true' });
    expect(lenient.statusCode).toBe(201);
    expect(lenient.json().accepted).toBe(2);
    expect(lenient.json().rejected).toEqual([expect.objectContaining({ location: expect.stringContaining('/transactions/booked/1') })]);
  });

  it('answers an unrecognisable file with 415 unsupported_format', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'unknown-format');
    const res = await upload(t, t.tenantA, d.debtorId, 'hello, this is not a bank file\n', { contentType: 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_format');
  });

  it('caps uploads per day at the consent’s frequencyPerDay', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'frequency', { frequencyPerDay: 1 });
    expect((await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' })).statusCode).toBe(201);
    const second = await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    expect(second.statusCode).toBe(429);
    expect(second.json().code).toBe('rate_limited');
  });

  it('exports everything held on a debtor and erases the debtor entirely', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'gdpr');
    await upload(t, t.tenantA, d.debtorId, fixture(BERLIN), { contentType: 'application/json' });
    const exported = await t.app.inject({ url: `/v1/debtors/${d.debtorId}/export`, headers: bearer(t.tenantA.keys.creditor) });
    expect(exported.statusCode).toBe(200);
    expect(exported.json()).toMatchObject({ debtor: { externalRef: 'gdpr' }, consents: [expect.objectContaining({ status: 'valid' })] });
    expect(exported.json().transactions).toHaveLength(3);
    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${d.debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode).toBe(204);
    expect(await countRows(t, 'bank_transactions', d.debtorId)).toBe(0);
    expect((await t.app.inject({ url: `/v1/debtors/${d.debtorId}`, headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(404);
  });

  it('refuses a consent longer than 180 days and a grant with a stale text version', async () => {
    const debtorId = await createDebtor(t, t.tenantA, 'long-consent');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtorId}/consents`,
      headers: bearer(t.tenantA.keys.creditor),
      payload: { access: { transactions: true }, purpose: 'affordability_assessment', validUntil: '2099-01-01', frequencyPerDay: 4, recurringIndicator: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/validUntil');
    const { linkToken } = await requestConsent(t, t.tenantA, debtorId);
    const stale = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${linkToken}/grant`, payload: { textVersion: 'old', agreed: true } });
    expect(stale.statusCode).toBe(409);
    await grant(t, linkToken);
    const tampered = await t.app.inject({ url: `/v1/consent-links/${linkToken.slice(0, -2)}xx` });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe('invalid_link_token');
  });
});

/** The same database seen by an app whose calendar runs `days` ahead, to test expiry without waiting. */
async function createTestAppSharingDb(t: TestApp, days: number) {
  const { buildApp } = await import('../../src/app.js');
  const { addDays } = await import('../../src/platform/dates.js');
  const app = await buildApp(t.config, { database: { ...t.database, close: async () => {} }, logger: false, today: () => addDays(new Date().toISOString().slice(0, 10), days) });
  await app.ready();
  return app;
}

describe('bank-data uploads under fuzzing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers random and mutated files with a 2xx or a 4xx problem, never a 5xx (property)', async () => {
    const fc = (await import('fast-check')).default;
    const d = await createDebtorWithConsent(t, t.tenantA, 'fuzz', { frequencyPerDay: 1000 });
    const samples = [
      'bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json',
      'bank-formats/camt/camt053.v2.multi.statement.xml',
      'bank-formats/uk-open-banking/v3.1.11_Transactions_response1.json',
    ].map((f) => fixture(f).toString('latin1'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 6 })).map(([s, at, cut, insert]) => {
            const i = at % s.length;
            return Buffer.from(s.slice(0, i) + insert + s.slice(i + cut), 'latin1');
          }),
        ),
        fc.constantFrom('application/json', 'application/xml', 'text/plain', 'application/octet-stream'),
        fc.boolean(),
        async (body, contentType, lenient) => {
          const res = await upload(t, t.tenantA, d.debtorId, body, { contentType, query: lenient ? 'lenient=true' : '' });
          expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/problem\+json/);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('every shared sample through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers each sample file with a 2xx or a precise 4xx problem, never a 5xx', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../fixtures/bank-formats/', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = `${dir}/${name}`;
        if (statSync(full).isDirectory()) walk(full);
        else if (!/(LICENSE|SOURCES\.md|\.ya?ml|\.md)$/.test(name)) files.push(full.slice(root.length));
      }
    };
    walk(root.replace(/\/$/, ''));
    expect(files.length).toBeGreaterThan(80);
    const d = await createDebtorWithConsent(t, t.tenantA, 'all-samples', { frequencyPerDay: 1000 });
    const outcomes = { stored: 0, refused: 0 };
    for (const file of files) {
      const res = await upload(t, t.tenantA, d.debtorId, fixture(`bank-formats/${file}`));
      expect(res.statusCode, `${file}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      if (res.statusCode >= 400) {
        expect(res.json().code, file).toMatch(/^(unprocessable_file|unsupported_format|unsafe_file|consent_required)$/);
        expect(res.json().detail.length, file).toBeGreaterThan(10);
        outcomes.refused += 1;
      } else outcomes.stored += 1;
    }
    expect(outcomes.stored).toBeGreaterThan(40);
  });
});
