/**
 * Category corrections through the API on simulated debtors loaded through the front door: one
 * corrected line changes itself and the same counterparty's other lines in the next affordability
 * report (categories, figures, flags); removing the learned rule gives back the report from before.
 * Also: one-off corrections, idempotency, a newer correction replacing the rule, validation,
 * tenant isolation and the debtor's GDPR rights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday, type LoadedHousehold } from '../../src/simulation/world-loader.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { CATEGORIES, type CategoryId } from '../../src/analytics/taxonomy.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-11-23';

interface Tx {
  id: string;
  status: string;
  bookingDate: string;
  amountCents: number;
  counterpartyIban: string | null;
  counterpartyName: string | null;
}
interface Month {
  month: string;
  fixedEssentialCents: number;
  variableEssentialObservedCents: number;
  debtServiceCents: number;
  discretionaryCents: number;
}

describe('category corrections through the API', () => {
  let t: TestApp;
  let loadedA: LoadedHousehold[];
  let loadedB: LoadedHousehold[];
  const as = (key: string) => ({
    get: (url: string) => t.app.inject({ url, headers: bearer(key) }),
    put: (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, headers: bearer(key), payload: payload as Record<string, unknown> }),
    del: (url: string) => t.app.inject({ method: 'DELETE', url, headers: bearer(key) }),
  });
  const creditorA = () => as(t.tenantA.keys.creditor);
  const analystA = () => as(t.tenantA.keys.analyst);

  async function allTransactions(debtorId: string, key = t.tenantA.keys.creditor): Promise<Tx[]> {
    const out: Tx[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(key).get(`/v1/debtors/${debtorId}/transactions?limit=5000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      const page = res.json() as { items: Tx[]; nextCursor: string | null };
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
  const report = async (debtorId: string, key = t.tenantA.keys.analyst) => {
    const res = await as(key).get(`/v1/debtors/${debtorId}/affordability?asOf=${TODAY}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json();
  };
  const categoryOf = async (debtorId: string, txId: string) => {
    const res = await creditorA().get(`/v1/debtors/${debtorId}/transactions/${txId}/category`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json() as { categorisation: { category: CategoryId; ruleId: string; confidence: number }; correction: { id: string } | null };
  };
  const categoryUrl = (debtorId: string, txId: string) => `/v1/debtors/${debtorId}/transactions/${txId}/category`;

  /** Money out to one IBAN, several times in the assessed months, all in one category of the given groups. */
  async function findCounterparty(debtorId: string, groups: string[], exclude: Set<string> = new Set()) {
    const txs = await allTransactions(debtorId);
    const byIban = new Map<string, Tx[]>();
    for (const tx of txs) {
      if (tx.amountCents >= 0 || !tx.counterpartyIban || tx.status !== 'booked' || exclude.has(tx.counterpartyIban)) continue;
      byIban.set(tx.counterpartyIban, [...(byIban.get(tx.counterpartyIban) ?? []), tx]);
    }
    const candidates = [...byIban.entries()].filter(([, list]) => list.length >= 4).sort((a, b) => b[1].length - a[1].length);
    for (const [iban, members] of candidates) {
      const categories = new Set<CategoryId>();
      for (const m of members) categories.add((await categoryOf(debtorId, m.id)).categorisation.category);
      const [category] = [...categories];
      if (categories.size === 1 && groups.includes(CATEGORIES[category!].group)) return { iban, members, category: category! };
    }
    throw new Error(`no counterparty of groups ${groups.join(', ')} for ${debtorId}`);
  }

  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
    const households = [...simulateHouseholds({ households: 3, months: 14, seed: 7, truthRuns: 1, startDate: worldStartEndingToday(TODAY, 14) })];
    loadedA = await loadWorld(injectClient(t.app, t.tenantA.keys.creditor), households, { today: TODAY });
    // Tenant B holds the very same households: same counterparties, same IBANs.
    loadedB = await loadWorld(injectClient(t.app, t.tenantB.keys.creditor), households.slice(0, 1), { today: TODAY });
  });
  afterAll(async () => t.close());

  it('corrects one line, teaches the counterparty, changes the report, and changes it back when the rule is removed', async () => {
    const debtorId = loadedA[0]!.debtorId;
    const before = await report(debtorId);
    const beforeB = await report(loadedB[0]!.debtorId, t.tenantB.keys.analyst);
    const { iban, members, category: original } = await findCounterparty(debtorId, ['fixed_essential', 'variable_essential', 'discretionary']);
    const assessed = new Set<string>(before.monthsAssessed);
    const target = members.find((m) => assessed.has(m.bookingDate.slice(0, 7)))!;
    expect(target, 'a corrected line inside the assessed months').toBeDefined();

    const res = await creditorA().put(categoryUrl(debtorId, target.id), { category: 'expense.collection' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.changed).toBe(true);
    expect(body.correction).toMatchObject({ debtorId, transactionId: target.id, category: 'expense.collection', previousCategory: original, appliesTo: 'counterparty', actor: `api_key:${t.tenantA.keyIds.creditor}` });
    expect(body.categorisation).toEqual({ category: 'expense.collection', ruleId: `correction:${body.correction.id}`, confidence: 1 });
    expect(body.rule).toMatchObject({ match: { counterpartyIban: iban }, direction: 'out', category: 'expense.collection', status: 'created', ruleId: `learned:${body.rule.id}` });
    expect(body.rule.origin).toMatchObject({ correctionId: body.correction.id, actor: `api_key:${t.tenantA.keyIds.creditor}` });
    expect(body.correction.learnedRuleId).toBe(body.rule.id);
    expect(body.coversOtherTransactions).toBe(members.length - 1);

    // The same counterparty's other lines are now decided by the learned rule.
    const other = members.find((m) => m.id !== target.id && assessed.has(m.bookingDate.slice(0, 7)))!;
    expect((await categoryOf(debtorId, other.id)).categorisation).toEqual({ category: 'expense.collection', ruleId: `learned:${body.rule.id}`, confidence: 1 });

    // The next report moves exactly these lines' amounts from their old group to debt service, month by month.
    const after = await report(debtorId);
    const oldGroup = CATEGORIES[original].group;
    const field = (m: Month) => (oldGroup === 'fixed_essential' ? m.fixedEssentialCents : oldGroup === 'variable_essential' ? m.variableEssentialObservedCents : m.discretionaryCents);
    let movedTotal = 0;
    for (const [i, m] of (before.months as Month[]).entries()) {
      const moved = -members.filter((x) => x.bookingDate.slice(0, 7) === m.month).reduce((a, x) => a + x.amountCents, 0);
      const a = after.months[i] as Month;
      expect(a.month).toBe(m.month);
      expect(a.debtServiceCents - m.debtServiceCents, m.month).toBe(moved);
      expect(field(m) - field(a), m.month).toBe(moved);
      movedTotal += moved;
    }
    expect(movedTotal).toBeGreaterThan(0);
    const flag = (after.flags as { code: string; transactionIds: string[] }[]).find((f) => f.code === 'collector_payments');
    expect(flag?.transactionIds).toContain(target.id);
    expect(flag?.transactionIds).toContain(other.id);
    expect(before.flags.map((f: { code: string }) => f.code)).not.toContain('collector_payments');

    // The rule is reported with its origin, under the tenant's rules too.
    const rules = (await creditorA().get('/v1/policies/categorisation-rules')).json();
    expect(rules.learnedRules).toEqual([expect.objectContaining({ id: body.rule.id, category: 'expense.collection', origin: body.rule.origin })]);
    expect((await as(t.tenantA.keys.admin).get('/v1/policies/learned-categorisation-rules')).json().rules.map((r: { id: string }) => r.id)).toEqual([body.rule.id]);

    // Tenant B's identical household is untouched by tenant A's lesson.
    expect(await report(loadedB[0]!.debtorId, t.tenantB.keys.analyst)).toEqual(beforeB);

    // Removing the rule removes the correction behind it: everything falls back, the report is the one from before.
    const removed = await analystA().del(`/v1/policies/learned-categorisation-rules/${body.rule.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ correctionsRemoved: 1 });
    expect(await report(debtorId)).toEqual(before);
    const back = await categoryOf(debtorId, target.id);
    expect(back.correction).toBeNull();
    expect(back.categorisation.category).toBe(original);
    expect(back.categorisation.ruleId).toBe(body.correction.previousRuleId);
    expect((await analystA().del(`/v1/policies/learned-categorisation-rules/${body.rule.id}`)).statusCode).toBe(404);

    // Audited with ids only: no IBAN, no name, no category of the debtor's spending.
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', t.tenantA.id).where('action', 'like', 'categorisation.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['categorisation.corrected', 'categorisation.learned_rule.deleted']);
    const details = JSON.stringify(audit.map((a) => a.details));
    expect(details).not.toContain(iban);
    expect(details).not.toContain('expense.');
    for (const name of new Set(members.map((m) => m.counterpartyName).filter((n): n is string => !!n))) expect(details).not.toContain(name);
  });

  it('applies a one-off correction to its transaction only, and removes it on request', async () => {
    const debtorId = loadedA[1]!.debtorId;
    const before = await report(debtorId);
    const { iban, members, category: original } = await findCounterparty(debtorId, ['fixed_essential', 'variable_essential', 'discretionary']);
    const assessed = new Set<string>(before.monthsAssessed);
    const target = members.find((m) => assessed.has(m.bookingDate.slice(0, 7)))!;
    const res = await analystA().put(categoryUrl(debtorId, target.id), { category: 'expense.gambling', appliesTo: 'transaction' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ rule: null, coversOtherTransactions: 0, changed: true, correction: { appliesTo: 'transaction', learnedRuleId: null, previousCategory: original } });
    expect(body.categorisation).toEqual({ category: 'expense.gambling', ruleId: `correction:${body.correction.id}`, confidence: 1 });
    for (const m of members.filter((x) => x.id !== target.id)) expect((await categoryOf(debtorId, m.id)).categorisation.category).toBe(original);
    const learned = (await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules as { match: { counterpartyIban?: string } }[];
    expect(learned.filter((r) => r.match.counterpartyIban === iban)).toEqual([]);

    const after = await report(debtorId);
    const month = target.bookingDate.slice(0, 7);
    const i = (before.months as Month[]).findIndex((m) => m.month === month);
    if (CATEGORIES[original].group !== 'discretionary') expect(after.months[i].discretionaryCents - before.months[i].discretionaryCents).toBe(-target.amountCents);
    const gambling = (after.flags as { code: string; transactionIds: string[] }[]).find((f) => f.code === 'gambling');
    if (gambling) expect(gambling.transactionIds).toEqual([target.id]);
    for (const [j, m] of (before.months as Month[]).entries()) if (m.month !== month) expect(after.months[j]).toEqual(m);

    const list = (await creditorA().get(`/v1/debtors/${debtorId}/category-corrections`)).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([body.correction.id]);
    const removed = await creditorA().del(categoryUrl(debtorId, target.id));
    expect(removed.statusCode).toBe(204);
    expect(await report(debtorId)).toEqual(before);
    expect((await creditorA().del(categoryUrl(debtorId, target.id))).statusCode).toBe(404);
  });

  it('is idempotent, and a newer correction for the same counterparty replaces the rule', async () => {
    const debtorId = loadedA[2]!.debtorId;
    const { iban, members } = await findCounterparty(debtorId, ['fixed_essential', 'variable_essential', 'discretionary']);
    const [first, second] = members;
    const once = (await creditorA().put(categoryUrl(debtorId, first!.id), { category: 'expense.debt_repayment' })).json();
    const twice = await creditorA().put(categoryUrl(debtorId, first!.id), { category: 'expense.debt_repayment', appliesTo: 'counterparty' });
    expect(twice.statusCode).toBe(200);
    expect(twice.json()).toMatchObject({ changed: false, correction: { id: once.correction.id }, rule: { id: once.rule.id, status: 'unchanged' }, coversOtherTransactions: once.coversOtherTransactions });
    const rulesFor = async () => (await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules as { id: string; category: string; match: { counterpartyIban?: string }; origin: { correctionId: string } }[];
    expect((await rulesFor()).filter((r) => r.match.counterpartyIban === iban)).toHaveLength(1);

    // Another line of the same counterparty, corrected to something else: the same rule, replaced.
    const newer = (await analystA().put(categoryUrl(debtorId, second!.id), { category: 'expense.credit' })).json();
    expect(newer.rule).toMatchObject({ id: once.rule.id, category: 'expense.credit', status: 'replaced', origin: { correctionId: newer.correction.id, actor: `api_key:${t.tenantA.keyIds.analyst}` } });
    expect(newer.correction.previousCategory).toBe('expense.debt_repayment');
    expect(newer.correction.previousRuleId).toBe(`learned:${once.rule.id}`);
    const sameKey = (await rulesFor()).filter((r) => r.match.counterpartyIban === iban);
    expect(sameKey).toHaveLength(1);
    expect(sameKey[0]!.category).toBe('expense.credit');
    // The first line keeps its own correction; the others follow the replaced rule.
    expect((await categoryOf(debtorId, first!.id)).categorisation.category).toBe('expense.debt_repayment');
    expect((await categoryOf(debtorId, members[2]!.id)).categorisation).toEqual({ category: 'expense.credit', ruleId: `learned:${once.rule.id}`, confidence: 1 });
    // Removing the rule takes both corrections with it.
    expect((await creditorA().del(`/v1/policies/learned-categorisation-rules/${once.rule.id}`)).json()).toEqual({ correctionsRemoved: 2 });
    expect((await creditorA().get(`/v1/debtors/${debtorId}/category-corrections`)).json().items).toEqual([]);
  });

  it('makes one correction and one rule when the same lesson arrives twice at once', async () => {
    const debtorId = loadedA[0]!.debtorId;
    const { iban, members } = await findCounterparty(debtorId, ['fixed_essential', 'variable_essential', 'discretionary']);
    const [first, second] = members;
    const results = await Promise.all([
      creditorA().put(categoryUrl(debtorId, first!.id), { category: 'expense.subscriptions' }),
      creditorA().put(categoryUrl(debtorId, first!.id), { category: 'expense.subscriptions' }),
      analystA().put(categoryUrl(debtorId, second!.id), { category: 'expense.subscriptions' }),
    ]);
    for (const res of results) expect(res.statusCode, res.body).toBe(200);
    expect(results.filter((r) => r.json().changed)).toHaveLength(2);
    const rules = ((await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules as { id: string; match: { counterpartyIban?: string } }[]).filter((r) => r.match.counterpartyIban === iban);
    expect(rules).toHaveLength(1);
    const corrections = (await creditorA().get(`/v1/debtors/${debtorId}/category-corrections`)).json().items as { transactionId: string }[];
    expect(corrections.map((c) => c.transactionId).sort()).toEqual([first!.id, second!.id].sort());
    expect((await creditorA().del(`/v1/policies/learned-categorisation-rules/${rules[0]!.id}`)).json()).toEqual({ correctionsRemoved: 2 });
  });

  it('refuses what is not a correction, with the field that is wrong', async () => {
    const debtorId = loadedA[0]!.debtorId;
    const txs = await allTransactions(debtorId);
    const out = txs.find((x) => x.amountCents < 0)!;
    const storedBefore = await t.database.db.selectFrom('category_corrections').select('id').where('tenant_id', '=', t.tenantA.id).execute();
    const bad = async (payload: unknown, status: number, pointer: string) => {
      const res = await creditorA().put(categoryUrl(debtorId, out.id), payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    };
    await bad({ category: 'expense.beer' }, 400, '/category');
    await bad({}, 400, '/category');
    await bad({ category: 'expense.energy', appliesTo: 'everyone' }, 400, '/appliesTo');
    await bad({ category: 'expense.energy', extra: 1 }, 400, '/extra');
    await bad({ category: 'income.salary' }, 422, '/category');
    expect((await creditorA().put(categoryUrl(debtorId, 'abc'), { category: 'expense.energy' })).statusCode).toBe(400);
    expect((await creditorA().put(categoryUrl(debtorId, '999999999'), { category: 'expense.energy' })).json().code).toBe('not_found');
    // A transaction id of another debtor of the same tenant is not this debtor's.
    const otherDebtorTx = (await allTransactions(loadedA[1]!.debtorId))[0]!;
    const res = await creditorA().put(categoryUrl(debtorId, otherDebtorTx.id), { category: 'expense.energy', appliesTo: 'transaction' });
    expect(res.statusCode).toBe(404);
    expect((await creditorA().get(categoryUrl(debtorId, otherDebtorTx.id))).statusCode).toBe(404);
    const stored = await t.database.db.selectFrom('category_corrections').select('id').where('tenant_id', '=', t.tenantA.id).execute();
    expect(stored).toEqual(storedBefore);
  });

  it('keeps tenants apart: another tenant can neither correct, see nor remove', async () => {
    const debtorId = loadedA[0]!.debtorId;
    const tx = (await allTransactions(debtorId)).find((x) => x.amountCents < 0 && x.counterpartyIban)!;
    const made = (await creditorA().put(categoryUrl(debtorId, tx.id), { category: 'expense.other' })).json();
    const b = as(t.tenantB.keys.creditor);
    expect((await b.put(categoryUrl(debtorId, tx.id), { category: 'expense.energy' })).statusCode).toBe(404);
    expect((await b.get(categoryUrl(debtorId, tx.id))).statusCode).toBe(404);
    expect((await b.del(categoryUrl(debtorId, tx.id))).statusCode).toBe(404);
    expect((await b.get(`/v1/debtors/${debtorId}/category-corrections`)).statusCode).toBe(404);
    expect((await b.get('/v1/policies/learned-categorisation-rules')).json().rules).toEqual([]);
    expect((await b.get('/v1/policies/categorisation-rules')).json().learnedRules).toEqual([]);
    expect((await b.del(`/v1/policies/learned-categorisation-rules/${made.rule.id}`)).statusCode).toBe(404);
    // B's own transaction of the same household, under A's debtor id: still not found.
    const bTx = (await allTransactions(loadedB[0]!.debtorId, t.tenantB.keys.creditor))[0]!;
    expect((await creditorA().put(categoryUrl(loadedB[0]!.debtorId, bTx.id), { category: 'expense.other' })).statusCode).toBe(404);
    expect((await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules.map((r: { id: string }) => r.id)).toContain(made.rule.id);
    await creditorA().del(`/v1/policies/learned-categorisation-rules/${made.rule.id}`);
  });

  it('exports a debtor’s corrections and erases them with the debtor; the learned rule stays without the link', async () => {
    const debtorId = loadedA[1]!.debtorId;
    const tx = (await allTransactions(debtorId)).find((x) => x.amountCents < 0 && x.counterpartyIban)!;
    const made = (await creditorA().put(categoryUrl(debtorId, tx.id), { category: 'expense.other' })).json();
    const exported = (await creditorA().get(`/v1/debtors/${debtorId}/export`)).json();
    expect(exported.categoryCorrections).toContainEqual(made.correction);
    expect(exported.categoryCorrections.every((c: { debtorId: string }) => c.debtorId === debtorId)).toBe(true);
    expect((await creditorA().del(`/v1/debtors/${debtorId}`)).statusCode).toBe(204);
    const left = await t.database.db.selectFrom('category_corrections').select('id').where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorId).execute();
    expect(left).toEqual([]);
    const rule = (await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules.find((r: { id: string }) => r.id === made.rule.id);
    expect(rule.origin.correctionId).toBeNull();
    const erased = await t.database.db.selectFrom('audit_log').select('details').where('tenant_id', '=', t.tenantA.id).where('action', '=', 'debtor.erased').executeTakeFirstOrThrow();
    expect(erased.details).toMatchObject({ category_corrections: exported.categoryCorrections.length });
  });
  it('loses a transaction’s correction when its bank data is erased at the end of the consent', async () => {
    const debtor = loadedA[2]!;
    const tx = (await allTransactions(debtor.debtorId)).find((x) => x.amountCents < 0 && x.counterpartyIban)!;
    const made = (await creditorA().put(categoryUrl(debtor.debtorId, tx.id), { category: 'expense.other' })).json();
    expect(made.changed).toBe(true);
    const ended = await creditorA().del(`/v1/consents/${debtor.consentId}`);
    expect(ended.statusCode, ended.body).toBeLessThan(300);
    const left = await t.database.db.selectFrom('category_corrections').select('id').where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtor.debtorId).execute();
    expect(left).toEqual([]);
    expect((await creditorA().get(`/v1/debtors/${debtor.debtorId}/category-corrections`)).json().items).toEqual([]);
    const rule = (await creditorA().get('/v1/policies/learned-categorisation-rules')).json().rules.find((r: { id: string }) => r.id === made.rule.id);
    expect(rule.origin.correctionId).toBeNull();
    // Without a consent there is nothing to correct.
    expect((await creditorA().put(categoryUrl(debtor.debtorId, tx.id), { category: 'expense.other' })).statusCode).toBe(403);
  });
});
