/**
 * Staged uploads: a parsed file waits for the debtor's decision, is taken once for ingestion (inside
 * its transaction), expires, stays within its consent and tenant, and goes with the consent and the debtor.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createDebtor, createDebtorWithConsent, fixture, requestConsent, today, type DebtorWithConsent } from '../support/flows.js';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { ingestStatement } from '../../src/bank-data/ingestion.service.js';
import { summariseStatement } from '../../src/bank-data/statement-summary.js';
import {
  DRAFT_VALID_HOURS,
  MAX_OPEN_DRAFTS_PER_CONSENT,
  discardUploadDraft,
  getUploadDraft,
  purgeExpiredUploadDrafts,
  stageUploadDraft,
  takeUploadDraft,
} from '../../src/bank-data/upload-drafts.service.js';

const ING = 'bank-formats/nl-bank-csv/ing_ok.csv';
const HOUR = 3_600_000;

describe('bank upload drafts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  function stage(d: DebtorWithConsent, options: { bytes?: Uint8Array; now?: Date; fileName?: string | null; tenantId?: string } = {}) {
    const bytes = options.bytes ?? fixture(ING);
    return stageUploadDraft(t.database.db, {
      tenantId: options.tenantId ?? t.tenantA.id,
      debtorId: d.debtorId,
      consentId: d.consentId,
      fileName: options.fileName === undefined ? 'ing.csv' : options.fileName,
      bytes,
      format: 'csv-ing',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      summary: summariseStatement(parseBankFile(fixture(ING))),
      now: options.now ?? new Date(),
    });
  }

  async function draftRows(consentId: string): Promise<number> {
    const row = await t.database.db.selectFrom('bank_upload_drafts').select((eb) => eb.fn.countAll<number>().as('n')).where('consent_id', '=', consentId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('stages a file, shows it without its bytes, and hands the identical bytes over once', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'stage');
    const now = new Date();
    const staged = await stage(d, { now });
    expect(staged.expiresAt.getTime()).toBe(now.getTime() + DRAFT_VALID_HOURS * HOUR);

    const shown = await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, staged.id, new Date());
    expect(shown).toEqual({
      id: staged.id,
      fileName: 'ing.csv',
      format: 'csv-ing',
      byteSize: fixture(ING).byteLength,
      summary: summariseStatement(parseBankFile(fixture(ING))),
      createdAt: now.toISOString(),
      expiresAt: staged.expiresAt.toISOString(),
    });
    expect(shown).not.toHaveProperty('bytes');
    expect(shown!.summary.totals).toMatchObject({ transactions: 6, months: 3, fullMonths: 1 });

    const taken = await t.database.db.transaction().execute((trx) => takeUploadDraft(trx, t.tenantA.id, d.consentId, staged.id, new Date()));
    expect(Buffer.isBuffer(taken!.bytes)).toBe(true);
    expect(taken!.bytes.equals(fixture(ING))).toBe(true);
    expect(taken).toMatchObject({ id: staged.id, debtorId: d.debtorId, format: 'csv-ing', fileName: 'ing.csv', byteSize: fixture(ING).byteLength, sha256: createHash('sha256').update(fixture(ING)).digest('hex') });
    expect(taken!.summary.totals.transactions).toBe(6);
    expect(await draftRows(d.consentId)).toBe(0);
    expect(await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, staged.id, new Date())).toBeNull();
    expect(await takeUploadDraft(t.database.db, t.tenantA.id, d.consentId, staged.id, new Date())).toBeNull();
  });

  it('keeps the draft when the transaction that took it fails, and ingests it through the normal path when it does not', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'take-rollback');
    const { id } = await stage(d);
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        const taken = await takeUploadDraft(trx, t.tenantA.id, d.consentId, id, new Date());
        expect(taken).not.toBeNull();
        throw new Error('ingestion failed');
      }),
    ).rejects.toThrow('ingestion failed');
    expect(await draftRows(d.consentId)).toBe(1);
    expect(await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, id, new Date())).not.toBeNull();

    const result = await t.database.db.transaction().execute(async (trx) => {
      const taken = (await takeUploadDraft(trx, t.tenantA.id, d.consentId, id, new Date()))!;
      const statement = parseBankFile(taken.bytes, { format: taken.format });
      return ingestStatement(
        trx,
        { tenantId: t.tenantA.id, debtorId: taken.debtorId, consentId: d.consentId, statement, fileSha256: taken.sha256, byteSize: taken.byteSize, actor: 'debtor_link' },
        { today: today(), now: new Date() },
      );
    });
    expect(result).toMatchObject({ accepted: 6, consentId: d.consentId });
    expect(await draftRows(d.consentId)).toBe(0);
  });

  it('hides expired drafts, removes them before staging, and purges them', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'expiry');
    const other = await createDebtorWithConsent(t, t.tenantA, 'expiry-other');
    const now = new Date();
    const old = await stage(d, { now: new Date(now.getTime() - (DRAFT_VALID_HOURS + 1) * HOUR) });
    const otherOld = await stage(other, { now: new Date(now.getTime() - (DRAFT_VALID_HOURS + 1) * HOUR) });
    expect(await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, old.id, now)).toBeNull();
    expect(await takeUploadDraft(t.database.db, t.tenantA.id, d.consentId, old.id, now)).toBeNull();
    // Staging again under the consent removes its expired draft.
    const recent = await stage(d, { now });
    expect(await draftRows(d.consentId)).toBe(1);
    // Visible an hour before it expires, gone at the moment it does.
    expect(await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, recent.id, new Date(recent.expiresAt.getTime() - HOUR))).not.toBeNull();
    expect(await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, recent.id, recent.expiresAt)).toBeNull();
    expect(await takeUploadDraft(t.database.db, t.tenantA.id, d.consentId, recent.id, recent.expiresAt)).toBeNull();

    expect(await getUploadDraft(t.database.db, t.tenantA.id, other.consentId, otherOld.id, now)).toBeNull();
    expect(await draftRows(other.consentId)).toBe(1);
    expect(await purgeExpiredUploadDrafts(t.database.db, now)).toBeGreaterThanOrEqual(1);
    expect(await draftRows(other.consentId)).toBe(0);
    expect(await draftRows(d.consentId)).toBe(1);
    expect(await purgeExpiredUploadDrafts(t.database.db, recent.expiresAt)).toBeGreaterThanOrEqual(1);
    expect(await draftRows(d.consentId)).toBe(0);
  });

  it(`keeps at most ${MAX_OPEN_DRAFTS_PER_CONSENT} open drafts per consent, dropping the oldest`, async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'cap');
    const other = await createDebtorWithConsent(t, t.tenantA, 'cap-other');
    const { id: otherId } = await stage(other);
    const start = Date.now() - HOUR;
    const ids: string[] = [];
    for (let i = 0; i < MAX_OPEN_DRAFTS_PER_CONSENT + 2; i++) ids.push((await stage(d, { now: new Date(start + i * 1000), fileName: `try-${i}.csv` })).id);
    expect(await draftRows(d.consentId)).toBe(MAX_OPEN_DRAFTS_PER_CONSENT);
    const now = new Date();
    const left = await Promise.all(ids.map((id) => getUploadDraft(t.database.db, t.tenantA.id, d.consentId, id, now)));
    expect(left.map((x) => x?.fileName ?? null)).toEqual([null, null, 'try-2.csv', 'try-3.csv', 'try-4.csv', 'try-5.csv', 'try-6.csv']);
    // Another consent's draft is not counted against this one.
    expect(await getUploadDraft(t.database.db, t.tenantA.id, other.consentId, otherId, now)).not.toBeNull();
    // Parallel posts queue on the consent row (on PostgreSQL each in its own connection): the cap still holds.
    await Promise.all(Array.from({ length: 8 }, () => stage(d)));
    expect(await draftRows(d.consentId)).toBe(MAX_OPEN_DRAFTS_PER_CONSENT);
  });

  it('reaches a draft only through its own tenant and consent', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'scope');
    const second = await requestConsent(t, t.tenantA, d.debtorId);
    const b = await createDebtorWithConsent(t, t.tenantB, 'scope');
    const { id } = await stage(d);
    const now = new Date();
    const db = t.database.db;
    expect(await getUploadDraft(db, t.tenantB.id, d.consentId, id, now)).toBeNull();
    expect(await getUploadDraft(db, t.tenantB.id, b.consentId, id, now)).toBeNull();
    expect(await getUploadDraft(db, t.tenantA.id, second.consentId, id, now)).toBeNull();
    expect(await getUploadDraft(db, t.tenantA.id, d.consentId, 'not-a-uuid', now)).toBeNull();
    expect(await takeUploadDraft(db, t.tenantB.id, b.consentId, id, now)).toBeNull();
    expect(await takeUploadDraft(db, t.tenantA.id, second.consentId, id, now)).toBeNull();
    expect(await takeUploadDraft(db, t.tenantA.id, d.consentId, "'; drop table x; --", now)).toBeNull();
    expect(await discardUploadDraft(db, t.tenantB.id, b.consentId, id)).toBe(false);
    expect(await discardUploadDraft(db, t.tenantA.id, second.consentId, id)).toBe(false);
    expect(await discardUploadDraft(db, t.tenantA.id, d.consentId, 'x')).toBe(false);
    expect(await draftRows(d.consentId)).toBe(1);
    expect(await discardUploadDraft(db, t.tenantA.id, d.consentId, id)).toBe(true);
    expect(await discardUploadDraft(db, t.tenantA.id, d.consentId, id)).toBe(false);
    expect(await draftRows(d.consentId)).toBe(0);
  });

  it('stages only under a valid consent of the debtor named', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'stage-refused');
    const stranger = await createDebtor(t, t.tenantA, 'stage-refused-stranger');
    const requested = await requestConsent(t, t.tenantA, d.debtorId);
    await expect(stage({ ...d, debtorId: stranger })).rejects.toMatchObject({ code: 'consent_required' });
    await expect(stage({ ...d, consentId: requested.consentId })).rejects.toMatchObject({ code: 'consent_required' });
    await expect(stage(d, { tenantId: t.tenantB.id })).rejects.toMatchObject({ code: 'consent_required' });
    expect(await draftRows(d.consentId)).toBe(0);
  });

  it('keeps a file name to 200 characters and an empty one as none', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'file-name');
    const long = await stage(d, { fileName: `${'ë'.repeat(250)}.csv` });
    expect((await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, long.id, new Date()))!.fileName).toBe('ë'.repeat(200));
    const blank = await stage(d, { fileName: '  ' });
    expect((await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, blank.id, new Date()))!.fileName).toBeNull();
  });

  it('stores bytes that are not text exactly: all 256 byte values, and an empty file', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'bytea');
    const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 167 + 13) % 256);
    expect(new Set(all).size).toBe(256);
    const { id } = await stage(d, { bytes: all });
    expect((await getUploadDraft(t.database.db, t.tenantA.id, d.consentId, id, new Date()))!.byteSize).toBe(512);
    const taken = await takeUploadDraft(t.database.db, t.tenantA.id, d.consentId, id, new Date());
    expect(taken!.bytes.byteLength).toBe(512);
    expect(Buffer.compare(taken!.bytes, Buffer.from(all))).toBe(0);

    const empty = await stage(d, { bytes: new Uint8Array(0) });
    const takenEmpty = await takeUploadDraft(t.database.db, t.tenantA.id, d.consentId, empty.id, new Date());
    expect(takenEmpty!.bytes.byteLength).toBe(0);
  });

  it('erases the drafts when the debtor revokes the consent, and counts them in the audit entry', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'revoke-drafts');
    await stage(d);
    await stage(d);
    const revoke = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${d.linkToken}/revoke` });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(await draftRows(d.consentId)).toBe(0);
    const audit = await t.database.db.selectFrom('audit_log').select('details').where('tenant_id', '=', t.tenantA.id).where('subject_id', '=', d.consentId).where('action', '=', 'consent.revokedByPsu').executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ transactions: 0, balances: 0, accounts: 0, uploads: 0, drafts: 2 });
  });

  it('erases the drafts when the creditor terminates the consent', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'terminate-drafts');
    await stage(d);
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${d.consentId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(await draftRows(d.consentId)).toBe(0);
    const audit = await t.database.db.selectFrom('audit_log').select('details').where('tenant_id', '=', t.tenantA.id).where('subject_id', '=', d.consentId).where('action', '=', 'consent.terminatedByTpp').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ drafts: 1 });
  });

  it('exports the debtor’s drafts without their bytes and erases them with the debtor', async () => {
    const d = await createDebtorWithConsent(t, t.tenantA, 'gdpr-drafts');
    const now = new Date();
    const { id, expiresAt } = await stage(d, { now });
    const exported = await t.app.inject({ url: `/v1/debtors/${d.debtorId}/export`, headers: bearer(t.tenantA.keys.creditor) });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json().bankUploadDrafts).toEqual([
      {
        id,
        consentId: d.consentId,
        fileName: 'ing.csv',
        format: 'csv-ing',
        byteSize: fixture(ING).byteLength,
        summary: summariseStatement(parseBankFile(fixture(ING))),
        createdAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    ]);
    // Not the file again, in any encoding.
    expect(exported.body).not.toContain('Kwijtschelding');
    expect(exported.body).not.toContain(fixture(ING).toString('base64').slice(0, 40));

    const erased = await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${d.debtorId}`, headers: bearer(t.tenantA.keys.creditor) });
    expect(erased.statusCode, erased.body).toBe(204);
    expect(await draftRows(d.consentId)).toBe(0);
    const audit = await t.database.db.selectFrom('audit_log').select('details').where('tenant_id', '=', t.tenantA.id).where('subject_id', '=', d.debtorId).where('action', '=', 'debtor.erased').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ bank_upload_drafts: 1 });
  });
});
