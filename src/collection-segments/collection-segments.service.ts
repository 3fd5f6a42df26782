/**
 * The segment of a stored debtor: loads what segmentDebtor needs (data points, claims, the
 * affordability report and its categorised transactions where a consent allows, the champion
 * model's score where the tenant has a model, the tenant's thresholds) and adds the treatment and
 * the contact window. Without bank data or without a model the answer says why and decides on what
 * is there.
 */
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import type { AffordabilityReport } from '../affordability/report.types.js';
import { listDebtorClaims } from '../claims/claims.service.js';
import type { ContactChannel } from '../data-points/data-point.schema.js';
import { listDataPoints } from '../data-points/data-point.service.js';
import { getDebtor } from '../debtors/debtor.service.js';
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import type { RiskScorer } from '../risk-models/scoring.js';
import { getTenantPolicy } from '../tenants/tenant-policy.service.js';
import { segmentDebtor, type SegmentBankTransaction, type SegmentModelInput, type SegmentResult } from './segment-debtor.js';
import { resolveThresholds, type CollectionSegmentOverrides, type CollectionSegmentThresholds } from './segment-thresholds.js';
import { contactWindow, treatmentFor, type ContactWindow, type Treatment } from './treatment.js';

/** Consent problems that mean "no bank data for this purpose", not a failure of the request. */
const NO_BANK_DATA_CODES = new Set(['consent_required', 'consent_expired']);

export interface DebtorSegmentAnswer extends SegmentResult {
  debtorId: string;
  treatment: Treatment;
  contactWindow: ContactWindow;
  thresholds: { values: CollectionSegmentThresholds; policyVersion: number; overriddenByTenant: string[] };
}

export async function collectionSegmentPolicy(db: Db, tenantId: string): Promise<{ overrides: CollectionSegmentOverrides; version: number; updatedAt: string | null }> {
  const policy = await getTenantPolicy<CollectionSegmentOverrides>(db, tenantId, 'collection_segments', {});
  return { overrides: policy.document, version: policy.version, updatedAt: policy.updatedAt };
}

export async function debtorSegment(
  db: Db,
  services: { engine: AffordabilityEngine; scorer: RiskScorer | null },
  tenantId: string,
  debtorId: string,
  options: { asOf: IsoDate; today: IsoDate; requestedBy: string },
): Promise<DebtorSegmentAnswer> {
  // Unknown debtor or another tenant's: 404 before anything else is read.
  await getDebtor(db, tenantId, debtorId);
  const [policy, events, claims, bank] = await Promise.all([
    collectionSegmentPolicy(db, tenantId),
    listDataPoints(db, tenantId, debtorId, { asOf: options.asOf }),
    listDebtorClaims(db, tenantId, debtorId, options.asOf),
    bankData(db, services.engine, tenantId, debtorId, options),
  ]);
  // The score is read after the bank data: both read the debtor's transactions, and the scorer stores its answer.
  const model = await championScore(services.scorer, tenantId, debtorId, options);
  const thresholds = resolveThresholds(policy.overrides);
  const result = segmentDebtor({
    asOf: options.asOf,
    events,
    affordability: bank.report,
    ...(bank.reason ? { affordabilityMissingReason: bank.reason } : {}),
    claims: claims.items.map((c) => ({ reference: c.reference, dueDate: c.dueDate, totalDueCents: c.totals.totalDueCents })),
    model,
    ...(bank.transactions ? { bankTransactions: bank.transactions } : {}),
    thresholds,
  });
  const answeredChannels = events.filter((e) => e.type === 'contact_answered').map((e) => (e as { channel: ContactChannel }).channel);
  return {
    debtorId,
    ...result,
    treatment: treatmentFor(result.segment, { answeredChannels, stopCollection: result.stopCollection !== null }),
    contactWindow: contactWindow({ asOf: options.asOf, incomeDays: bank.report?.incomeDays ?? [], windowWorkingDays: thresholds.contactWindowWorkingDays, quietDaysBeforeIncome: thresholds.quietDaysBeforeIncome }),
    thresholds: { values: thresholds, policyVersion: policy.version, overriddenByTenant: Object.keys(policy.overrides).sort() },
  };
}

async function bankData(
  db: Db,
  engine: AffordabilityEngine,
  tenantId: string,
  debtorId: string,
  options: { asOf: IsoDate; today: IsoDate },
): Promise<{ report: AffordabilityReport | null; transactions: SegmentBankTransaction[] | null; reason: string | null }> {
  let report: AffordabilityReport;
  try {
    report = await engine.assessStored(db, tenantId, debtorId, { asOf: options.asOf, today: options.today });
  } catch (error) {
    if (error instanceof AppError && NO_BANK_DATA_CODES.has(error.code)) return { report: null, transactions: null, reason: `no affordability report: ${error.message}` };
    throw error;
  }
  // The consent that allowed the report allows reading the same transactions with their categories.
  const categorised = await engine.categoriseStored(db, tenantId, debtorId, { today: options.today });
  const transactions = categorised
    .filter((t) => t.bookingDate <= options.asOf && t.status === 'booked')
    .map((t) => ({ id: t.id, bookingDate: t.bookingDate, amountCents: t.amountCents, counterpartyName: t.counterpartyName, category: t.category }));
  return { report, transactions, reason: null };
}

async function championScore(scorer: RiskScorer | null, tenantId: string, debtorId: string, options: { asOf: IsoDate; today: IsoDate; requestedBy: string }): Promise<SegmentModelInput> {
  if (!scorer) return { kind: 'no_model', reason: 'risk models are not available in this service' };
  try {
    const [score] = await scorer.score(tenantId, [debtorId], options);
    if (!score) return { kind: 'no_model', reason: 'the model returned no score' };
    return { kind: 'model', probability: score.probability, modelId: score.model.modelId, version: score.model.version, featureSet: score.featureSet };
  } catch (error) {
    // No champion for the feature set the debtor's consent allows: decide on affordability and signals alone.
    if (error instanceof AppError && error.code === 'unprocessable_entity') return { kind: 'no_model', reason: error.message };
    throw error;
  }
}
