/**
 * The feature source of a stored debtor: what the service holds, read as of a date. Bank data is
 * read only when the caller says a consent covers it (withBankData; scoring checks the
 * early_warning_monitoring purpose), and then categorised as every report categorises it: the
 * debtor's own corrections first, then the tenant's rules (learned ones first), then the defaults.
 */
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import { loadAnalysisData } from '../affordability/affordability.service.js';
import type { HouseholdGiven } from '../affordability/household.js';
import { normsAt, NormsError } from '../affordability/norms/norms.js';
import { categorise } from '../analytics/categorisation/categorise.js';
import { applyCorrections, correctionsOfDebtor } from '../categorisation-corrections/corrections.queries.js';
import { listDataPoints } from '../data-points/data-point.service.js';
import { getDebtor } from '../debtors/debtor.service.js';
import type { Db } from '../platform/database/connection.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { FEATURE_HISTORY_DAYS, type FeatureSource } from './compute-features.js';

export async function loadFeatureSource(
  db: Db,
  engine: AffordabilityEngine,
  tenantId: string,
  debtorId: string,
  options: { asOf: IsoDate; today: IsoDate; withBankData: boolean },
): Promise<FeatureSource> {
  const { asOf } = options;
  // An unknown debtor (or another tenant's) is a 404 before anything else is read.
  const debtor = await getDebtor(db, tenantId, debtorId);
  // Independent reads side by side: scoring latency is the slowest read, not the sum.
  const [events, overrides, bank] = await Promise.all([
    listDataPoints(db, tenantId, debtorId, { asOf }),
    engine.normOverrides(db, tenantId),
    options.withBankData ? loadCategorisedBankData(db, engine, tenantId, debtorId, asOf) : Promise.resolve(null),
  ]);
  let norms;
  try {
    norms = normsAt(asOf, overrides);
  } catch (error) {
    if (error instanceof NormsError) throw new AppError('unprocessable_entity', `no norms apply on ${asOf}: ${error.message}`);
    throw error;
  }
  const composition = debtor.household?.composition;
  const household: HouseholdGiven | undefined = composition
    ? { composition, ...(debtor.household?.pensionAge !== undefined ? { pensionAge: debtor.household.pensionAge } : {}) }
    : undefined;
  return { asOf, bank, events, norms, ...(household ? { household } : {}) };
}

async function loadCategorisedBankData(db: Db, engine: AffordabilityEngine, tenantId: string, debtorId: string, asOf: IsoDate): Promise<NonNullable<FeatureSource['bank']>> {
  // Exactly the days computeFeatures reads; nothing after asOf is loaded at all.
  const from = addDays(asOf, -(FEATURE_HISTORY_DAYS - 1));
  const [data, rules, corrections] = await Promise.all([loadAnalysisData(db, tenantId, debtorId, from, asOf), engine.rulesFor(db, tenantId), correctionsOfDebtor(db, tenantId, debtorId)]);
  const categorised = applyCorrections(categorise(data.transactions, { rules, ownIbans: data.ownIbans, accountHolderNames: data.accountHolderNames }), corrections);
  return { transactions: categorised, balances: data.balances, ownIbans: data.ownIbans, accountHolderNames: data.accountHolderNames };
}
