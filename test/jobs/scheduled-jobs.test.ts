import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduledJobs } from '../../src/jobs/scheduled-jobs.js';
import { addDays } from '../../src/platform/dates.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtorWithConsent, fixture, today, upload } from '../support/flows.js';

describe('scheduled consent expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('expires untouched consents after their last day and erases their bank data', async () => {
    const short = await createDebtorWithConsent(t, t.tenantA, 'short-lived', { validDays: 2 });
    const long = await createDebtorWithConsent(t, t.tenantB, 'long-lived', { validDays: 60 });
    for (const [tenant, d] of [[t.tenantA, short], [t.tenantB, long]] as const) {
      expect((await upload(t, tenant, d.debtorId, fixture('bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json'), { contentType: 'application/json' })).statusCode).toBe(201);
    }
    const messages: object[] = [];
    const jobs = startScheduledJobs(t.database, { info: (d) => messages.push(d), error: (d) => messages.push(d) }, () => addDays(today(), 5));
    await jobs.stop();
    expect(messages).toEqual([{ expired: 1 }]);
    expect(await countRows(t, 'bank_transactions', short.debtorId)).toBe(0);
    expect(await countRows(t, 'bank_transactions', long.debtorId)).toBe(3);
    const status = await t.database.db.selectFrom('consents').select('status').where('id', '=', short.consentId).executeTakeFirstOrThrow();
    expect(status.status).toBe('expired');
  });
});
