/**
 * Connecting a bank end to end over loopback: the service (createTestApp, PGlite or PostgreSQL) and
 * the sandbox bank (a real XS2A server on the simulated world) talk HTTP as they will in production.
 * The debtor's page is driven as a browser without JavaScript would; the sandbox's SCA form is posted
 * as the debtor would press approve or deny.
 *
 * Covered: request → connect → approve at the bank → return → consent valid, data ingested; a second
 * pull adds nothing; the affordability report equals the one from uploading the same household's
 * files; denial → rejected; expiry and revocation at the bank → expired / revokedByPsu with the data
 * erased; 429 with Retry-After, 500, a slow bank, truncated and broken pages → data untouched and a
 * clear status; frequencyPerDay; the refresh job; and the contract: every request the client sent and
 * every response it accepted validate against the Berlin Group OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxBank, type SandboxBank } from '../../src/sandbox-bank/sandbox-bank.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import type { Xs2aExchange } from '../../src/bank-connections/xs2a-client.js';
import { serviceJobs } from '../../src/jobs/service-jobs.js';
import type { BankFlowDeps } from '../../src/bank-connections/bank-authorisation.service.js';
import { ProviderRegistry } from '../../src/bank-connections/bank-connections.service.js';
import { SecretSeal } from '../../src/bank-connections/secret-seal.js';
import { validateXs2aRequest, validateXs2aResponse } from '../support/xs2a-contract.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtor, grant, requestConsent, today, upload } from '../support/flows.js';
import { formEndingWith, formsOf, PageBrowser, pathOf } from '../debtor-page/page-support.js';

describe('connecting a bank over loopback (sandbox bank)', () => {
  let bank: SandboxBank;
  let t: TestApp;
  let connectionId: string;
  let bankNow = new Date();
  const exchanges: Xs2aExchange[] = [];
  let psuCounter = 0;

  beforeAll(async () => {
    bank = await startSandboxBank({ households: 60, months: 6, seed: 2026, pageSize: 40, clock: () => bankNow });
    t = await createTestApp({ config: { bankConnectionAllowHttpLocalhost: true }, build: { bankProviders: { onExchange: (e) => exchanges.push(e) } } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/bank-connections',
      headers: bearer(t.tenantA.keys.admin),
      payload: { displayName: 'Sandboxbank', kind: 'xs2a', baseUrl: bank.url, settings: { historyDays: 730, requestTimeoutMs: 1500 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    connectionId = res.json().id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await bank?.close();
  });

  const creditor = () => bearer(t.tenantA.keys.creditor);
  const consentOf = async (consentId: string) => (await t.database.db.selectFrom('consents').selectAll().where('id', '=', consentId).executeTakeFirstOrThrow()).status;
  const authorisations = async (consentId: string) => {
    const res = await t.app.inject({ url: `/v1/consents/${consentId}/bank-authorisations`, headers: creditor() });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; status: string; lastPullOutcome: string | null; lastErrorCode: string | null; nextPullAfter: string | null; pullsToday: number }[];
  };
  const pullNow = (consentId: string) => t.app.inject({ method: 'POST', url: `/v1/consents/${consentId}/pulls`, headers: creditor() });
  const providerConsentId = async (consentId: string) =>
    (await t.database.db.selectFrom('bank_authorisations').select('provider_consent_id').where('consent_id', '=', consentId).where('status', '=', 'active').executeTakeFirstOrThrow()).provider_consent_id!;
  const nextPsu = () => bank.world.psuIdOf(psuCounter++);

  /** Debtor with a requested consent, through the page to the bank and (approve or deny) back. */
  async function connect(options: { decision?: 'approve' | 'deny'; frequencyPerDay?: number; psuId?: string; granted?: boolean; beforeApproval?: (consentId: string) => Promise<void>; returns?: number } = {}) {
    const debtorId = await createDebtor(t, t.tenantA, `bank-${Math.random().toString(36).slice(2)}`);
    const { consentId, linkToken } = await requestConsent(t, t.tenantA, debtorId, { frequencyPerDay: options.frequencyPerDay ?? 20 });
    if (options.granted) await grant(t, linkToken);
    const browser = new PageBrowser(t);
    const page = await browser.get(`/consent/${linkToken}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain(new URL(bank.url).origin);
    const toBank = await browser.submit(formEndingWith(page.body, '/bank'), { connectionId });
    expect(toBank.statusCode, JSON.stringify(exchanges.at(-1)?.response ?? null)).toBe(303);
    const scaUrl = String(toBank.headers.location);
    expect(scaUrl.startsWith(bank.url)).toBe(true);
    const sca = await fetch(scaUrl);
    expect(sca.status).toBe(200);
    const scaForm = /<form method="post" action="([^"]+)"/.exec(await sca.text())!;
    const psuId = options.psuId ?? nextPsu();
    await options.beforeApproval?.(consentId);
    const decided = await fetch(new URL(scaForm[1]!.replace(/&amp;/g, '&'), scaUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ psuId, psuIdText: '', decision: options.decision ?? 'approve' }).toString(),
    });
    expect(decided.status).toBe(303);
    const back = decided.headers.get('location')!;
    expect(back).toContain(`/consent/${linkToken}/bank/return${options.decision === 'deny' ? '-nok' : ''}?state=`);
    // A double click or a reload can bring the browser back twice at once.
    const [returned, ...others] = await Promise.all(Array.from({ length: options.returns ?? 1 }, () => browser.get(pathOf(back))));
    return { debtorId, consentId, linkToken, psuId, browser, returned: returned!, others };
  }

  it('request → pick the bank → approve at the bank → back: consent valid, accounts and transactions stored', async () => {
    const { consentId, debtorId, returned, browser, linkToken } = await connect({ psuId: 'household-0001' });
    psuCounter = Math.max(psuCounter, 2);
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.body).toContain('Uw bank is gekoppeld');
    expect(await consentOf(consentId)).toBe('valid');
    const evidence = (await t.database.db.selectFrom('consents').select('evidence').where('id', '=', consentId).executeTakeFirstOrThrow()).evidence;
    expect(evidence?.method).toBe('bank_sca');
    const stored = await countRows(t, 'bank_transactions', debtorId);
    const expected = bank.world.accountsOf('household-0001').reduce((n, a) => n + a.simulated.transactions.length, 0);
    expect(stored).toBe(expected);
    expect(await countRows(t, 'bank_accounts', debtorId)).toBe(bank.world.accountsOf('household-0001').length);
    const [authorisation] = await authorisations(consentId);
    expect(authorisation).toMatchObject({ status: 'active', lastPullOutcome: 'ok', lastErrorCode: null, pullsToday: 0 });
    // A reload of the return address changes nothing and shows the page.
    const again = await browser.get(pathOf(`http://x/consent/${linkToken}/bank/return?state=${(await t.database.db.selectFrom('bank_authorisations').select('state').where('consent_id', '=', consentId).executeTakeFirstOrThrow()).state}`));
    expect(again.statusCode).toBe(303);
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(stored);
    // The running consent's page offers the bank again (a second bank, or renewing) beside the upload.
    const running = await browser.get(`/consent/${linkToken}`);
    expect(formsOf(running.body).some((f) => f.action.endsWith('/bank'))).toBe(true);
    expect(formsOf(running.body).some((f) => f.action.endsWith('/statements'))).toBe(true);
    // Connecting the same bank again renews it: the older bank consent ends, one stays active.
    const firstBankConsent = await providerConsentId(consentId);
    const renew = await browser.submit(formEndingWith(running.body, '/bank'), { connectionId });
    const sca = String(renew.headers.location);
    const decided = await fetch(sca, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ psuId: 'household-0001', psuIdText: '', decision: 'approve' }).toString() });
    expect((await browser.get(pathOf(decided.headers.get('location')!))).statusCode).toBe(200);
    expect(bank.consents.get(firstBankConsent)?.status).toBe('terminatedByTpp');
    expect((await authorisations(consentId)).map((a) => a.status)).toEqual(['active', 'ended']);
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(stored);
  });

  it('two returns at once grant once and pull once', async () => {
    const { consentId, returned, others } = await connect({ returns: 2 });
    expect([returned.statusCode, others[0]!.statusCode].sort()).toEqual([200, 303]);
    const history = (await t.app.inject({ url: `/v1/consents/${consentId}/pulls`, headers: creditor() })).json().items;
    expect(history).toHaveLength(1);
    const granted = await t.database.db.selectFrom('audit_log').select('action').where('subject_id', '=', consentId).where('action', '=', 'consent.granted').execute();
    expect(granted).toHaveLength(1);
  });

  it('a consent ended while the debtor is at the bank: the approval is refused and the bank’s consent ended', async () => {
    let bankConsentId = '';
    const { consentId, returned } = await connect({
      beforeApproval: async (id) => {
        bankConsentId = (await t.database.db.selectFrom('bank_authorisations').select('provider_consent_id').where('consent_id', '=', id).executeTakeFirstOrThrow()).provider_consent_id!;
        // The creditor ends it; the bank cannot be told right then (it would refuse the approval otherwise).
        bank.faults.inject({ kind: 'server-error', status: 503, path: '/v1/consents/', method: 'DELETE' });
        expect((await t.app.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: creditor() })).statusCode).toBe(200);
      },
    });
    expect(returned.statusCode).toBe(409);
    expect(await consentOf(consentId)).toBe('terminatedByTpp');
    expect(bank.consents.get(bankConsentId)?.status).toBe('terminatedByTpp');
    expect((await authorisations(consentId))[0]!.status).toBe('ended');
  });

  it('a second pull adds nothing: every entry is a duplicate', async () => {
    const { consentId, debtorId } = await connect();
    const before = await countRows(t, 'bank_transactions', debtorId);
    const res = await pullNow(consentId);
    expect(res.statusCode, res.body).toBe(200);
    const [pull] = res.json().items;
    expect(pull).toMatchObject({ outcome: 'ok', accepted: 0, trigger: 'creditor' });
    expect(pull.duplicates).toBeGreaterThan(0);
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(before);
    const history = await t.app.inject({ url: `/v1/consents/${consentId}/pulls`, headers: creditor() });
    expect(history.json().items.map((p: { trigger: string; outcome: string }) => `${p.trigger}:${p.outcome}`)).toEqual(['creditor:ok', 'debtor:ok']);
    // The later pull reads from a few days before the last booked entry, not the whole history again.
    const items = history.json().items as { dateFrom: string }[];
    expect(items[0]!.dateFrom > items[1]!.dateFrom).toBe(true);
  });

  it('the affordability report equals the one from uploading the same household’s files', async () => {
    const psuId = nextPsu();
    const pulled = await connect({ psuId });
    const uploaderId = await createDebtor(t, t.tenantA, `upload-${psuId}`);
    const { linkToken } = await requestConsent(t, t.tenantA, uploaderId, { frequencyPerDay: 20 });
    await grant(t, linkToken);
    for (const account of bank.world.household(psuId)!.accounts) {
      const res = await upload(t, t.tenantA, uploaderId, writeBerlinGroupTransactions(account), { query: 'format=berlin-group' });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    expect(await countRows(t, 'bank_transactions', pulled.debtorId)).toBe(await countRows(t, 'bank_transactions', uploaderId));
    // The report cites transactions by their row ids, which differ between two debtors' copies of the
    // same entries; the entries' own keys (the bank's transaction ids) do not, so ids are mapped to them.
    const report = async (debtorId: string) => {
      const res = await t.app.inject({ url: `/v1/debtors/${debtorId}/affordability`, headers: creditor() });
      expect(res.statusCode, res.body).toBe(200);
      const rows = await t.database.db.selectFrom('bank_transactions').select(['id', 'dedupe_key']).where('debtor_id', '=', debtorId).execute();
      const keyOf = new Map(rows.map((r) => [String(r.id), r.dedupe_key]));
      const text = JSON.stringify(res.json(), (_key, value: unknown) => {
        if (typeof value !== 'string') return value;
        if (keyOf.has(value)) return `tx:${keyOf.get(value)}`;
        const cited = /^(.*\|)(\d+)$/.exec(value);
        return cited && keyOf.has(cited[2]!) ? `${cited[1]}tx:${keyOf.get(cited[2]!)}` : value;
      });
      return JSON.parse(text.replaceAll(debtorId, 'DEBTOR')) as Record<string, unknown>;
    };
    const [fromPull, fromUpload] = [await report(pulled.debtorId), await report(uploaderId)];
    expect(JSON.stringify(fromPull)).toContain('tx:');
    expect(fromPull).toEqual(fromUpload);
  });

  it('a denial at the bank rejects the requested consent; nothing is stored', async () => {
    const { consentId, debtorId, returned, browser, linkToken } = await connect({ decision: 'deny' });
    expect(returned.statusCode).toBe(303);
    expect(await consentOf(consentId)).toBe('rejected');
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(0);
    expect((await authorisations(consentId))[0]!.status).toBe('rejected');
    const page = await browser.get(`/consent/${linkToken}`);
    expect(page.body).toContain('U heeft nee gezegd');
  });

  it('a denial while adding a bank to a running consent leaves the consent running', async () => {
    const { consentId, returned } = await connect({ decision: 'deny', granted: true });
    expect(returned.statusCode).toBe(200);
    expect(returned.body).toContain('U heeft bij uw bank nee gezegd');
    expect(await consentOf(consentId)).toBe('valid');
  });

  it('revocation at the bank: our consent ends revokedByPsu and its data is erased', async () => {
    const { consentId, debtorId } = await connect();
    expect(await countRows(t, 'bank_transactions', debtorId)).toBeGreaterThan(0);
    expect(bank.faults.revokeAtBank(await providerConsentId(consentId))).toBe(true);
    const res = await pullNow(consentId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0].outcome).toBe('consent_invalid');
    expect(await consentOf(consentId)).toBe('revokedByPsu');
    for (const table of ['bank_transactions', 'bank_balances', 'bank_accounts', 'bank_uploads'] as const) expect(await countRows(t, table, debtorId)).toBe(0);
    expect((await authorisations(consentId))[0]!.status).toBe('ended');
    expect((await pullNow(consentId)).statusCode).toBe(409);
  });

  it('expiry at the bank: our consent ends expired and its data is erased', async () => {
    const { consentId, debtorId } = await connect();
    expect(await countRows(t, 'bank_transactions', debtorId)).toBeGreaterThan(0);
    bankNow = new Date(Date.now() + 200 * 86_400_000);
    try {
      const res = await pullNow(consentId);
      expect(res.json().items[0].outcome).toMatch(/^consent_(expired|invalid)$/);
    } finally {
      bankNow = new Date();
    }
    expect(await consentOf(consentId)).toBe('expired');
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(0);
  });

  it('the creditor ending the consent ends it at the bank too', async () => {
    const { consentId, debtorId } = await connect();
    const bankConsentId = await providerConsentId(consentId);
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${consentId}`, headers: creditor() });
    expect(res.json().status).toBe('terminatedByTpp');
    expect(bank.consents.get(bankConsentId)?.status).toBe('terminatedByTpp');
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(0);
  });

  it('the debtor withdrawing on our page ends the consent at the bank too', async () => {
    const { consentId, browser, linkToken } = await connect();
    const bankConsentId = await providerConsentId(consentId);
    const page = await browser.get(`/consent/${linkToken}`);
    const res = await browser.submit(formEndingWith(page.body, '/withdraw'));
    expect(res.statusCode).toBe(303);
    expect(bank.consents.get(bankConsentId)?.status).toBe('terminatedByTpp');
    expect((await authorisations(consentId))[0]!.status).toBe('ended');
  });

  describe('faults leave the data as it was and say what happened', () => {
    const connected = async () => {
      const c = await connect();
      return { ...c, rows: await countRows(t, 'bank_transactions', c.debtorId) };
    };
    const clearWait = (consentId: string) => t.database.db.updateTable('bank_authorisations').set({ next_pull_after: null }).where('consent_id', '=', consentId).execute();

    it('429 with Retry-After: outcome rate_limited, the next pull waits for it (429 problem)', async () => {
      const { consentId, debtorId, rows } = await connected();
      bank.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 120, path: '/v1/accounts' });
      const res = await pullNow(consentId);
      expect(res.json().items[0].outcome).toBe('rate_limited');
      const [authorisation] = await authorisations(consentId);
      expect(authorisation!.lastErrorCode).toBe('rate_limited');
      const wait = (Date.parse(authorisation!.nextPullAfter!) - Date.now()) / 1000;
      expect(wait).toBeGreaterThan(100);
      expect(wait).toBeLessThanOrEqual(121);
      const refused = await pullNow(consentId);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(100);
      expect(await countRows(t, 'bank_transactions', debtorId)).toBe(rows);
      expect(await consentOf(consentId)).toBe('valid');
    });

    it('500: outcome unavailable, data untouched', async () => {
      const { consentId, debtorId, rows } = await connected();
      bank.faults.inject({ kind: 'server-error', status: 500, path: 'transactions' });
      expect((await pullNow(consentId)).json().items[0].outcome).toBe('unavailable');
      expect(await countRows(t, 'bank_transactions', debtorId)).toBe(rows);
      expect((await authorisations(consentId))[0]!.lastErrorCode).toBe('unavailable');
      await clearWait(consentId);
      const recovered = await pullNow(consentId);
      expect(recovered.json().items[0].outcome).toBe('ok');
      expect((await authorisations(consentId))[0]!.lastErrorCode).toBeNull();
    });

    it('a bank slower than the request timeout: unavailable, data untouched', async () => {
      const { consentId, debtorId, rows } = await connected();
      bank.faults.inject({ kind: 'slow', delayMs: 3000, path: 'balances' });
      const started = Date.now();
      expect((await pullNow(consentId)).json().items[0].outcome).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await countRows(t, 'bank_transactions', debtorId)).toBe(rows);
    });

    it('a truncated page in the middle of the first pull: nothing at all is stored', async () => {
      const psuId = bank.world.psuIds().find((id, i) => i >= psuCounter && bank.world.accountsOf(id).length >= 2)!;
      psuCounter = bank.world.indexOf(psuId)! + 1;
      // The second account's transactions break after the first account was read in full.
      bank.faults.inject({ kind: 'truncated', path: `${psuId}-account-2/transactions` });
      const { consentId, debtorId, returned } = await connect({ psuId });
      expect(returned.statusCode).toBe(200);
      expect(returned.body).toContain('het lezen lukte nu niet');
      expect(await consentOf(consentId)).toBe('valid');
      for (const table of ['bank_transactions', 'bank_balances', 'bank_accounts', 'bank_uploads'] as const) expect(await countRows(t, table, debtorId)).toBe(0);
      expect((await authorisations(consentId))[0]).toMatchObject({ status: 'active', lastPullOutcome: 'malformed', lastErrorCode: 'malformed' });
    });

    it('a next link to a page that does not exist: the pull fails, data untouched', async () => {
      const { consentId, debtorId, rows } = await connected();
      bank.faults.inject({ kind: 'broken-next-link', path: 'transactions' });
      const outcome = (await pullNow(consentId)).json().items[0].outcome;
      expect(['malformed', 'rejected_request']).toContain(outcome);
      expect(await countRows(t, 'bank_transactions', debtorId)).toBe(rows);
    });
  });

  it('frequencyPerDay: unattended pulls stop at the limit with a 429 before the bank has to refuse', async () => {
    const { consentId } = await connect({ frequencyPerDay: 3 });
    // The debtor-present pull counted as an ingestion (ours) but not at the bank; two unattended ones fit.
    expect((await pullNow(consentId)).json().items[0].outcome).toBe('ok');
    expect((await pullNow(consentId)).json().items[0].outcome).toBe('ok');
    const refused = await pullNow(consentId);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await authorisations(consentId))[0]!.pullsToday).toBe(2);
  });

  it('the bank-refresh job pulls what is due, spread within frequencyPerDay, and revokes ended consents at the bank', async () => {
    const due = await connect({ frequencyPerDay: 4 });
    const ended = await connect();
    const endedBankId = await providerConsentId(ended.consentId);
    // The creditor ends it while the bank is down: the end at the bank waits for the job.
    bank.faults.inject({ kind: 'server-error', status: 503, path: '/v1/consents/', method: 'DELETE' });
    const terminated = await t.app.inject({ method: 'DELETE', url: `/v1/consents/${ended.consentId}`, headers: creditor() });
    expect(terminated.statusCode, terminated.body).toBe(200);
    expect(bank.consents.get(endedBankId)?.status).toBe('valid');
    expect((await authorisations(ended.consentId))[0]).toMatchObject({ status: 'active', lastErrorCode: 'unavailable' });
    let clock = new Date();
    const [job] = serviceJobs(
      { db: t.database.db, today, clock: () => clock, monitor: undefined as never, scorer: undefined as never, registry: undefined as never, log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never, bankFlow: flowOf(t, exchanges) },
      { timezone: 'Europe/Amsterdam', consentExpiryCron: '* * * * *', retentionCron: '* * * * *', monitoringCron: null, rescoringCron: '* * * * *', planFollowUpCron: '* * * * *', bankRefreshCron: '* * * * *', batchSize: 100, jobRunRetentionDays: 90, webhookRetention: { deliveredDays: 30, deadDays: 90 } },
    ).filter((j) => j.name === 'bank-refresh');
    const run = async () => {
      const totals: Record<string, number> = {};
      for (const part of await job!.plan(clock)) {
        const result = await job!.runPart({ ...part, input: part.input ?? null, runId: 'test', job: 'bank-refresh', slot: clock, attempt: 1, signal: new AbortController().signal });
        for (const [k, v] of Object.entries(result)) totals[k] = (totals[k] ?? 0) + Number(v);
      }
      return totals;
    };
    // A debtor sent to the bank two days ago who never came back: the bank's consent is ended.
    const abandonedDebtor = await createDebtor(t, t.tenantA, 'abandoned-at-bank');
    const abandoned = await requestConsent(t, t.tenantA, abandonedDebtor);
    const abandonedPage = new PageBrowser(t);
    const toBank = await abandonedPage.submit(formEndingWith((await abandonedPage.get(`/consent/${abandoned.linkToken}`)).body, '/bank'), { connectionId });
    expect(toBank.statusCode).toBe(303);
    const abandonedBankId = (await t.database.db.selectFrom('bank_authorisations').select('provider_consent_id').where('consent_id', '=', abandoned.consentId).executeTakeFirstOrThrow()).provider_consent_id!;
    await t.database.db.updateTable('bank_authorisations').set({ created_at: new Date(Date.now() - 2 * 86_400_000) }).where('consent_id', '=', abandoned.consentId).execute();
    // Just pulled by the debtor: not due before 24 h / 4 = 6 h have passed.
    let totals = await run();
    expect(bank.consents.get(abandonedBankId)?.status).toBe('terminatedByTpp');
    expect((await authorisations(abandoned.consentId))[0]!.status).toBe('ended');
    expect(await consentOf(abandoned.consentId)).toBe('received');
    expect(bank.consents.get(endedBankId)?.status).toBe('terminatedByTpp');
    expect(totals.revoked).toBeGreaterThanOrEqual(1);
    const dueAuth = (await authorisations(due.consentId))[0]!;
    expect(dueAuth.pullsToday).toBe(0);
    clock = new Date(Date.now() + 6 * 3_600_000 + 60_000);
    totals = await run();
    expect(totals.pulled).toBeGreaterThanOrEqual(1);
    const history = (await t.app.inject({ url: `/v1/consents/${due.consentId}/pulls`, headers: creditor() })).json().items as { trigger: string; outcome: string }[];
    expect(history[0]).toMatchObject({ trigger: 'schedule', outcome: 'ok' });
  });

  it('contract: every request the client sent and every response it accepted validate against the Berlin Group document', () => {
    expect(exchanges.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const e of exchanges) {
      const request = validateXs2aRequest({ method: e.request.method, path: e.request.path, headers: e.request.headers, query: e.request.query, ...(e.request.body !== undefined ? { body: e.request.body } : {}) });
      if (request.length > 0) problems.push(`${e.request.method} ${e.request.path} request: ${request.join('; ')}`);
      if (e.response && e.response.status < 300 && typeof e.response.body !== 'string') {
        const response = validateXs2aResponse({ method: e.request.method, path: e.request.path, status: e.response.status, headers: e.response.headers, body: e.response.body });
        if (response.length > 0) problems.push(`${e.request.method} ${e.request.path} ${e.response.status}: ${response.join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
    const kinds = new Set(exchanges.map((e) => `${e.request.method} ${e.request.path.replace(/household-\d+-account-\d+/, '{account}').replace(/\/v1\/consents\/[^/]+/, '/v1/consents/{id}')}`));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['DELETE /v1/consents/{id}', 'GET /v1/accounts', 'GET /v1/accounts/{account}/balances', 'GET /v1/accounts/{account}/transactions', 'GET /v1/consents/{id}/status', 'POST /v1/consents']),
    );
  });
});

/** A bank flow as the app builds one (same key derivation, same recording), for the job under test. */
function flowOf(t: TestApp, exchanges: Xs2aExchange[]): BankFlowDeps {
  const seal = new SecretSeal(t.config.bankConnectionSecretKey, t.config.linkTokenSecret!);
  return { providers: new ProviderRegistry(seal, { onExchange: (e) => exchanges.push(e) }), publicBaseUrl: t.config.publicBaseUrl, timeZone: t.config.tenantTimeZone };
}
