/**
 * Nightly rescoring: every debtor whose early-warning monitoring consent is valid today is scored
 * again with the tenant's champion, so the score history (and the monitoring windows that read it)
 * follows the bank data as it arrives. Only that consent counts: it is the purpose the debtor agreed
 * to be watched for; a consent for an affordability assessment alone is not a licence to monitor.
 *
 * The job runner (src/jobs/service-jobs.ts) plans batches with consentedDebtorBatches and runs each
 * with rescoreDebtors, possibly on another instance and a little later, so the consent is checked again.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import type { ModelRegistry } from './registry.js';
import { MAX_DEBTORS_PER_REQUEST, type RiskScorer } from './scoring.js';

/** Who the stored scores say asked for them. */
export const RESCORING_REQUESTED_BY = 'job:rescoring';

function consentedDebtors(db: Kysely<Database>, tenantId: string, today: IsoDate) {
  return db
    .selectFrom('consents')
    .select('debtor_id')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', 'early_warning_monitoring')
    .where('status', '=', 'valid')
    .where('valid_until', '>=', today);
}

/** The tenant's consented debtors in id order, cut into batches of at most batchSize. */
export async function consentedDebtorBatches(db: Kysely<Database>, tenantId: string, today: IsoDate, batchSize: number): Promise<string[][]> {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_DEBTORS_PER_REQUEST) throw new Error(`batch size must be 1 to ${MAX_DEBTORS_PER_REQUEST}`);
  const rows = await consentedDebtors(db, tenantId, today).orderBy('debtor_id').execute();
  const batches: string[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize).map((r) => r.debtor_id));
  return batches;
}

export interface RescoringTotals {
  /** Debtors in the batch as planned. */
  debtors: number;
  /** Scored: those whose consent was still valid when the batch ran. */
  scored: number;
  [key: string]: number;
}

/** Scores the batch's debtors that are still consented today, as of today, and stores the scores. */
export async function rescoreDebtors(db: Kysely<Database>, scorer: RiskScorer, registry: ModelRegistry, tenantId: string, debtorIds: readonly string[], today: IsoDate): Promise<RescoringTotals> {
  if (debtorIds.length === 0) return { debtors: 0, scored: 0 };
  const still = await consentedDebtors(db, tenantId, today).where('debtor_id', 'in', debtorIds).execute();
  const ids = still.map((r) => r.debtor_id).sort();
  if (ids.length === 0) return { debtors: debtorIds.length, scored: 0 };
  // A tenant that never scored has no champions yet: install the starters as a first score would.
  await registry.ensureStarterModels(tenantId);
  const scores = await scorer.score(tenantId, ids, { asOf: today, today, requestedBy: RESCORING_REQUESTED_BY });
  return { debtors: debtorIds.length, scored: scores.length };
}
