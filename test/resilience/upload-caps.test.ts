/** Caps on entries, accounts and text sizes are configuration, and going over one is a 413 naming it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtorWithConsent, upload } from '../support/flows.js';
import { genuineCamt053 } from './generated-bank-files.js';

describe('bank-file caps through the upload route', () => {
  let t: TestApp;
  let debtorId: string;
  beforeAll(async () => {
    t = await createTestApp({ config: { maxFileEntries: 30, maxFileAccounts: 1, maxFileTextBytes: 512 } });
    ({ debtorId } = await createDebtorWithConsent(t, t.tenantA, 'caps'));
  });
  afterAll(async () => t?.close());

  it('accepts a file at the entry cap', async () => {
    const res = await upload(t, t.tenantA, debtorId, genuineCamt053(30, 1), { contentType: 'application/xml' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().accepted).toBe(30);
  });

  it('refuses a file one entry over the cap with 413 naming MAX_FILE_ENTRIES, storing nothing', async () => {
    const before = await countRows(t, 'bank_uploads', debtorId);
    const res = await upload(t, t.tenantA, debtorId, genuineCamt053(31, 2), { contentType: 'application/xml' });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ code: 'payload_too_large', cap: 'maxFileEntries', limit: 30, format: 'camt.053' });
    expect(res.json().detail).toContain('MAX_FILE_ENTRIES');
    expect(await countRows(t, 'bank_uploads', debtorId)).toBe(before);
  });

  it('refuses a camt.053 with more statements than the account cap', async () => {
    const one = genuineCamt053(2, 3).toString('utf8');
    const statement = one.slice(one.indexOf('<Stmt>'), one.indexOf('</Stmt>') + '</Stmt>'.length);
    const two = one.replace('</Stmt>', `</Stmt>\n${statement.replace(/GEN-3-/g, 'GEN-4-')}`);
    const res = await upload(t, t.tenantA, debtorId, two, { contentType: 'application/xml' });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ cap: 'maxFileAccounts', limit: 1 });
    expect(res.json().detail).toContain('MAX_FILE_ACCOUNTS');
  });

  it('refuses a CSV line longer than the text cap before reading it', async () => {
    const csv = `"Datum";"Naam / Omschrijving";"Rekening"\n"20240101";"${'x'.repeat(600)}";"NL91ABNA0417164300"\n`;
    const res = await upload(t, t.tenantA, debtorId, csv, { contentType: 'text/csv', query: 'format=csv-ing' });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ cap: 'maxFileTextBytes', limit: 512 });
    expect(res.json().detail).toContain('MAX_FILE_TEXT_BYTES');
  });
});
