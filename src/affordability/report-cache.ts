/**
 * Affordability reports kept per (tenant, debtor, as-of date, data version), so a debtor whose data
 * has not changed is not recomputed: loading ~2,000 rows and assessing them costs ~20 ms of database
 * and event-loop time, while checking that nothing changed is one small query.
 *
 * The data version is read in that one query: the bank data held (uploads and transactions: a new
 * file, a pending entry settled, data erased with a consent all change it), the debtor's category
 * corrections, the tenant's learned rules and policy versions (categorisation rules, norm overrides),
 * the debtor's household, and whether a consent allows the report today. A report is served from
 * the cache only when the version is identical and a consent allows it; otherwise the caller takes
 * the full path, which also gives the right refusal. Entries live a few minutes at most (they are
 * personal data held in memory) and the cache holds a bounded number of them.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import type { AffordabilityReport } from './report.types.js';

export interface ReportCacheOptions {
  maxEntries: number;
  ttlMs: number;
}

export const DEFAULT_REPORT_CACHE: ReportCacheOptions = { maxEntries: 256, ttlMs: 5 * 60_000 };

interface Entry {
  version: string;
  report: AffordabilityReport;
  storedAt: number;
}

export class AffordabilityReportCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly options: ReportCacheOptions = DEFAULT_REPORT_CACHE, private readonly now: () => number = Date.now) {}

  static key(tenantId: string, debtorId: string, asOf: IsoDate): string {
    return `${tenantId}\u0000${debtorId}\u0000${asOf}`;
  }

  get(key: string, version: string): AffordabilityReport | null {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version || this.now() - entry.storedAt > this.options.ttlMs) {
      if (entry) this.entries.delete(key);
      this.misses += 1;
      return null;
    }
    // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits += 1;
    return entry.report;
  }

  set(key: string, version: string, report: AffordabilityReport): void {
    this.entries.delete(key);
    this.entries.set(key, { version, report, storedAt: this.now() });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The debtor's data version for the report, or null when no consent allows the report today (the
 * caller then takes the full path, which answers with the right refusal).
 */
export async function reportDataVersion(db: Db, tenantId: string, debtorId: string, today: IsoDate): Promise<string | null> {
  const result = await sql<{ version: string | null }>`
    select case when exists (
        select 1 from consents c
        where c.tenant_id = ${tenantId} and c.debtor_id = ${debtorId} and c.status = 'valid' and c.valid_until >= ${today}::date
          and c.access_transactions and c.purpose in ('affordability_assessment', 'repayment_plan')
      ) then concat_ws('|',
        (select concat(count(*), ':', max(created_at)::text) from bank_uploads where tenant_id = ${tenantId} and debtor_id = ${debtorId}),
        (select concat(count(*), ':', max(id)::text, ':', sum(amount_cents)::text) from bank_transactions where tenant_id = ${tenantId} and debtor_id = ${debtorId}),
        (select concat(count(*), ':', md5(coalesce(string_agg(concat(id::text, '=', transaction_id::text, '=', category), ',' order by id), ''))) from category_corrections where tenant_id = ${tenantId} and debtor_id = ${debtorId}),
        (select concat(count(*), ':', max(learned_at)::text) from learned_categorisation_rules where tenant_id = ${tenantId}),
        (select coalesce(string_agg(concat(kind, '@', version), ',' order by kind), '') from tenant_policies where tenant_id = ${tenantId} and kind in ('categorisation_rules', 'norm_overrides')),
        (select md5(coalesce(household::text, '')) from debtors where tenant_id = ${tenantId} and id = ${debtorId})
      ) end as version`.execute(db);
  return result.rows[0]?.version ?? null;
}
