/**
 * The affordability report for a stored debtor: loads the debtor's consented bank data and the
 * tenant's policies from the database and hands them to the pure assessment. Compiled categorisation
 * rules are cached per tenant and rebuilt only when the tenant's rules (its own or those learned from
 * corrections) change. A stored debtor's transaction-level corrections win over every rule.
 */
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/database/connection.js';
import { addMonths, type IsoDate } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { requireConsent } from '../consent/consent.service.js';
import { getDebtor } from '../debtors/debtor.service.js';
import type { AnalysisBalance, AnalysisTransaction } from '../analytics/analysis-input.js';
import { categorise, compileRuleSet, type Categorisation, type CategorisedTransaction, type CompiledRuleSet } from '../analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../analytics/categorisation/default-rules.js';
import type { CategorisationRule } from '../analytics/categorisation/rule-set.schema.js';
import type { BalanceType } from '../bank-data/canonical.js';
import { getTenantPolicy } from '../tenants/tenant-policy.service.js';
import { applyCorrections, correctionsOfDebtor, learnedRulesStamp, listLearnedRules, mergeTenantRules } from '../categorisation-corrections/corrections.queries.js';
import { assessAffordability } from './assess-affordability.js';
import type { HouseholdGiven } from './household.js';
import { normsAt, NormsError, type NormOverrides } from './norms/norms.js';
import type { AffordabilityReport } from './report.types.js';
import { AffordabilityReportCache, DEFAULT_REPORT_CACHE, reportDataVersion, type ReportCacheOptions } from './report-cache.js';
import type { ChangeFeed } from '../platform/database/change-feed.js';
import { ChangeScopedMemory, debtorScope, tenantScope } from '../platform/database/change-scoped-memory.js';
import { AssessmentPool } from './assessment-pool.js';

/** History loaded before asOf: twelve assessed months plus room for stream detection to see a pattern. */
const HISTORY_MONTHS = 15;
/** Bounds that hold every stored booking date (a date column cannot hold year 0). */
const ALL_DATES = { from: '0001-01-01', to: '9999-12-31' } as const;

export class AffordabilityEngine {
  private readonly compiledRules = new Map<string, { stamp: string; compiled: CompiledRuleSet }>();
  /** Reports of unchanged debtors (see report-cache.ts); null turns the cache off. */
  readonly reports: AffordabilityReportCache | null;

  /** Where stored debtors' reports are computed when given: worker threads instead of the event loop. */
  private readonly pool: AssessmentPool | null;

  /**
   * With a change feed: reports per (tenant, debtor, as-of, today) that the database's change
   * notifications invalidate, so a repeat asks the database nothing (see change-scoped-memory.ts).
   * Without one, or while it is not live, the data-version query decides (report-cache.ts).
   */
  private readonly remembered: ChangeScopedMemory<{ report: AffordabilityReport; storedAt: number }> | null;
  private readonly reportTtlMs: number;

  constructor(options: { reportCache?: ReportCacheOptions | null; workers?: { size: number; maxHeapMb: number } | null; changes?: ChangeFeed } = {}) {
    const cache = options.reportCache === undefined ? DEFAULT_REPORT_CACHE : options.reportCache;
    this.reports = cache === null ? null : new AffordabilityReportCache(cache);
    this.remembered = cache !== null && options.changes ? new ChangeScopedMemory(options.changes, cache.maxEntries) : null;
    this.reportTtlMs = cache?.ttlMs ?? 0;
    this.pool = options.workers && options.workers.size > 0 ? new AssessmentPool(options.workers) : null;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  async rulesFor(db: Db, tenantId: string): Promise<CompiledRuleSet> {
    return this.compiled(tenantId, await this.tenantRulesSource(db, tenantId));
  }

  private compiled(tenantId: string, source: { stamp: string; rules: CategorisationRule[] }): CompiledRuleSet {
    const cached = this.compiledRules.get(tenantId);
    if (cached && cached.stamp === source.stamp) return cached.compiled;
    const compiled = compileRuleSet(DEFAULT_RULE_SET, source.rules);
    this.compiledRules.set(tenantId, { stamp: source.stamp, compiled });
    return compiled;
  }

  /** The tenant's own and learned rules with a stamp that changes whenever either does. */
  private async tenantRulesSource(db: Db, tenantId: string): Promise<{ stamp: string; rules: CategorisationRule[] }> {
    const [policy, learned] = await Promise.all([getTenantPolicy<CategorisationRule[]>(db, tenantId, 'categorisation_rules', []), listLearnedRules(db, tenantId)]);
    return { stamp: `${policy.version}|${learnedRulesStamp(learned)}`, rules: mergeTenantRules(learned, policy.document) };
  }

  /**
   * Every stored transaction of the debtor with the category that reports use: its own correction,
   * else the tenant's rules (learned ones first), else the defaults. Reads under a valid consent.
   */
  async categoriseStored(db: Db, tenantId: string, debtorId: string, options: { today: IsoDate }): Promise<CategorisedTransaction[]> {
    await getDebtor(db, tenantId, debtorId);
    await requireConsent(db, tenantId, debtorId, { access: ['transactions'] }, { today: options.today });
    const [data, rules, corrections] = await Promise.all([loadAnalysisData(db, tenantId, debtorId, ALL_DATES.from, ALL_DATES.to), this.rulesFor(db, tenantId), correctionsOfDebtor(db, tenantId, debtorId)]);
    const categorised = categorise(data.transactions, { rules, ownIbans: data.ownIbans, accountHolderNames: data.accountHolderNames });
    return applyCorrections(categorised, corrections);
  }

  async normOverrides(db: Db, tenantId: string): Promise<NormOverrides> {
    return (await getTenantPolicy<NormOverrides>(db, tenantId, 'norm_overrides', {})).document;
  }

  /** The report from transactions the caller brings (nothing is stored). */
  async assessGiven(
    db: Db,
    tenantId: string,
    input: { transactions: AnalysisTransaction[]; balances: AnalysisBalance[]; ownIbans: string[]; accountHolderNames: string[]; asOf: IsoDate; household?: HouseholdGiven },
  ): Promise<AffordabilityReport> {
    const [rules, overrides] = await Promise.all([this.rulesFor(db, tenantId), this.normOverrides(db, tenantId)]);
    return this.assessWith(input, rules, overrides);
  }

  private assessWith(
    input: { transactions: AnalysisTransaction[]; balances: AnalysisBalance[]; ownIbans: string[]; accountHolderNames: string[]; asOf: IsoDate; household?: HouseholdGiven; categoryCorrections?: ReadonlyMap<string, Categorisation> },
    rules: CompiledRuleSet,
    overrides: NormOverrides,
  ): AffordabilityReport {
    let norms;
    try {
      norms = normsAt(input.asOf, overrides);
    } catch (error) {
      if (error instanceof NormsError) throw new AppError('unprocessable_entity', `no norms apply on ${input.asOf}: ${error.message}`);
      throw error;
    }
    return assessAffordability({ ...input, norms, rules });
  }

  /**
   * The report for a stored debtor, from bank data held under a valid consent for this purpose. An
   * unchanged debtor's report comes from the cache; a household given with the request bypasses it.
   * Callers share the cached object: treat it as read-only.
   */
  async assessStored(db: Db, tenantId: string, debtorId: string, options: { asOf: IsoDate; today: IsoDate; household?: HouseholdGiven }): Promise<AffordabilityReport> {
    if (this.reports === null || options.household !== undefined) return this.computeStored(db, tenantId, debtorId, options);
    if (this.remembered) {
      // Everything the report reads notifies its debtor or tenant (migration 2026-12-08-001): the
      // debtor's bank data, uploads, accounts, corrections, consents and household; the tenant's rules
      // and norm overrides. A consent's end date is covered by today in the key. Reports are personal
      // data: they still leave memory after the TTL.
      const key = `${tenantId}|${debtorId}|${options.asOf}|${options.today}`;
      const hit = await this.remembered.get(key);
      if (hit && Date.now() - hit.storedAt <= this.reportTtlMs) {
        this.reports.hits += 1;
        return hit.report;
      }
      const mark = this.remembered.mark();
      if (mark !== null) {
        this.reports.misses += 1;
        const report = await this.computeStored(db, tenantId, debtorId, options);
        this.remembered.set(mark, key, { report, storedAt: Date.now() }, [debtorScope(tenantId, debtorId), tenantScope(tenantId)]);
        return report;
      }
    }
    const version = await reportDataVersion(db, tenantId, debtorId, options.today);
    if (version === null) return this.computeStored(db, tenantId, debtorId, options);
    const key = AffordabilityReportCache.key(tenantId, debtorId, options.asOf);
    const cached = this.reports.get(key, version);
    if (cached) return cached;
    const report = await this.computeStored(db, tenantId, debtorId, options);
    // Stored under the version read before computing: a change made meanwhile gives a new version next time.
    this.reports.set(key, version, report);
    return report;
  }

  private async computeStored(db: Db, tenantId: string, debtorId: string, options: { asOf: IsoDate; today: IsoDate; household?: HouseholdGiven }): Promise<AffordabilityReport> {
    // The debtor and the consent are read side by side; an unknown debtor still answers 404 before any consent problem.
    const [debtorRead, consentRead] = await Promise.allSettled([
      getDebtor(db, tenantId, debtorId),
      requireConsent(db, tenantId, debtorId, { access: ['transactions'], purposes: ['affordability_assessment', 'repayment_plan'] }, { today: options.today }),
    ]);
    if (debtorRead.status === 'rejected') throw debtorRead.reason;
    if (consentRead.status === 'rejected') throw consentRead.reason;
    const debtor = debtorRead.value;
    // Independent reads run side by side on the pool: the report's latency is the slowest, not the sum.
    const [data, overrides, categoryCorrections, source] = await Promise.all([
      loadAnalysisData(db, tenantId, debtorId, addMonths(options.asOf, -HISTORY_MONTHS), options.asOf),
      this.normOverrides(db, tenantId),
      correctionsOfDebtor(db, tenantId, debtorId),
      this.tenantRulesSource(db, tenantId),
    ]);
    const household = options.household ?? (debtor.household?.composition ? { composition: debtor.household.composition, ...(debtor.household.pensionAge !== undefined ? { pensionAge: debtor.household.pensionAge } : {}) } : undefined);
    if (this.pool) {
      return this.pool.assess({
        rulesKey: `${tenantId}\u0000${source.stamp}`,
        tenantRules: source.rules,
        overrides,
        input: { ...data, asOf: options.asOf, categoryCorrections: [...categoryCorrections], ...(household ? { household } : {}) },
      });
    }
    return this.assessWith({ ...data, asOf: options.asOf, categoryCorrections, ...(household ? { household } : {}) }, this.compiled(tenantId, source), overrides);
  }
}

const enginesByApp = new WeakMap<object, AffordabilityEngine>();

/**
 * One engine per app (its deps object), shared by every route of it: the compiled rules and the report
 * cache then serve the report route, plan options, segments, write-off and the debtor's page alike.
 */
export function sharedAffordabilityEngine(deps: { config: Pick<Config, 'affordabilityCacheEntries' | 'affordabilityCacheTtlSeconds' | 'affordabilityWorkers' | 'parseWorkerMemoryMb'>; changes?: ChangeFeed }): AffordabilityEngine {
  let engine = enginesByApp.get(deps);
  if (!engine) {
    const { affordabilityCacheEntries: entries, affordabilityCacheTtlSeconds: ttlSeconds, affordabilityWorkers: size } = deps.config;
    engine = new AffordabilityEngine({
      reportCache: entries > 0 ? { maxEntries: entries, ttlMs: ttlSeconds * 1000 } : null,
      // A report's input is the debtor's rows, far smaller than a bank file: a quarter of a parse worker's heap is ample.
      workers: size > 0 ? { size, maxHeapMb: Math.max(128, Math.floor(deps.config.parseWorkerMemoryMb / 4)) } : null,
      ...(deps.changes ? { changes: deps.changes } : {}),
    });
    enginesByApp.set(deps, engine);
  }
  return engine;
}

export async function loadAnalysisData(db: Db, tenantId: string, debtorId: string, from: IsoDate, to: IsoDate) {
  const accountsQuery = db.selectFrom('bank_accounts').select(['id', 'iban', 'owner_name']).where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).execute();
  const rowsQuery = db
    .selectFrom('bank_transactions')
    .select([
      'id',
      'account_id',
      'status',
      'booking_date',
      'value_date',
      'amount_cents',
      'currency',
      'counterparty_name',
      'counterparty_iban',
      'remittance_unstructured',
      'remittance_structured',
      'creditor_id',
      'mandate_id',
      'bank_transaction_code',
      'proprietary_code',
      'return_reason_code',
      'reversal',
    ])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .where('booking_date', '>=', from)
    .where('booking_date', '<=', to)
    .orderBy('booking_date')
    .orderBy('id')
    .execute();
  const balancesQuery = db
    .selectFrom('bank_balances')
    .select(['account_id', 'date', 'amount_cents', 'type'])
    .where('tenant_id', '=', tenantId)
    .where('debtor_id', '=', debtorId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .execute();
  const [accounts, rows, balanceRows] = await Promise.all([accountsQuery, rowsQuery, balancesQuery]);
  const ibanOf = new Map(accounts.map((a) => [a.id, a.iban]));
  const transactions: AnalysisTransaction[] = rows.map((r) => ({
    id: String(r.id),
    accountIban: ibanOf.get(r.account_id) ?? null,
    status: r.status,
    bookingDate: r.booking_date,
    valueDate: r.value_date,
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    counterpartyName: r.counterparty_name,
    counterpartyIban: r.counterparty_iban,
    remittanceUnstructured: r.remittance_unstructured,
    remittanceStructured: r.remittance_structured,
    creditorId: r.creditor_id,
    mandateId: r.mandate_id,
    bankTransactionCode: r.bank_transaction_code,
    proprietaryCode: r.proprietary_code,
    returnReasonCode: r.return_reason_code,
    reversal: r.reversal,
  }));
  const balances: AnalysisBalance[] = balanceRows.map((b) => ({ accountIban: ibanOf.get(b.account_id) ?? null, date: b.date, amountCents: Number(b.amount_cents), type: b.type as BalanceType }));
  return {
    transactions,
    balances,
    ownIbans: accounts.map((a) => a.iban).filter((i): i is string => i !== null),
    accountHolderNames: [...new Set(accounts.map((a) => a.owner_name).filter((n): n is string => !!n))],
  };
}
