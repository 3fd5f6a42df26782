/**
 * The protected amount (beslagvrije voet): what a debtor must keep of their monthly income, so a
 * repayment plan can never take them below it.
 *
 * Method (schuldinfo.nl, "Hoogte beslagvrije voet"; art. 475da ff. Rv), with the figures from
 * norms/beslagvrije-voet.json and norms/bijstand-norms.json:
 * - income at or below the bijstand norm: 95 % of the net income (incl. holiday pay);
 * - middle income: 95 % of the norm plus a compensation that grows with the income above the norm,
 *   standing in for the zorgtoeslag and huurtoeslag a higher income loses;
 * - high income: 95 % of the norm plus the full compensation, which is where the compensation
 *   reaches the maximum amount for the household type.
 * The official calculation is the government's rekentool; the compensation rate here is an
 * estimate (see its source in the norms file), and the report says so.
 */
import { applyBasisPoints } from '../platform/money.js';
import type { HouseholdType, NormSet } from './norms/norms.js';

export type ProtectedBand = 'at_or_below_norm' | 'middle' | 'maximum';

export interface ProtectedAmount {
  protectedCents: number;
  band: ProtectedBand;
  /** The bijstand norm that applies; derived from the published base amount where that is all there is (2021). */
  normCents: number;
  normDerivedFromBase: boolean;
  /** 95 % of the norm. */
  baseCents: number;
  compensationCents: number;
  maximumCents: number;
  percentageBasisPoints: number;
  compensationRateBasisPoints: number;
  sources: { bijstandNorm: string | null; beslagvrijeVoet: string; compensationRate: string };
}

export interface ProtectedAmountInput {
  /** Net monthly income including holiday pay. */
  netIncomeCents: number;
  household: HouseholdType;
  pensionAge: boolean;
  norms: NormSet;
}

const PARTNER_HOUSEHOLDS: ReadonlySet<HouseholdType> = new Set(['couple', 'couple_with_children']);

export function bijstandNormFor(norms: NormSet, household: HouseholdType, pensionAge: boolean): { normCents: number; derived: boolean } {
  const withPartner = PARTNER_HOUSEHOLDS.has(household);
  const bvv = norms.beslagvrijeVoet;
  if (bvv.publishedBaseCents != null) {
    // The period published the 95 % amount itself; the norm is what that amount is 95 % of.
    const base = withPartner ? bvv.publishedBaseCents.couple : bvv.publishedBaseCents.single;
    return { normCents: Math.round((base * 10_000) / bvv.percentageBasisPoints), derived: true };
  }
  const values = norms.bijstandNorms!.valuesCents;
  const normCents = withPartner ? (pensionAge ? values.couplePensionAge : values.couple) : pensionAge ? values.singlePensionAge : values.single;
  return { normCents, derived: false };
}

export function computeProtectedAmount(input: ProtectedAmountInput): ProtectedAmount {
  const bvv = input.norms.beslagvrijeVoet;
  const withPartner = PARTNER_HOUSEHOLDS.has(input.household);
  const { normCents, derived } = bijstandNormFor(input.norms, input.household, input.pensionAge);
  const baseCents =
    bvv.publishedBaseCents != null
      ? withPartner
        ? bvv.publishedBaseCents.couple
        : bvv.publishedBaseCents.single
      : applyBasisPoints(normCents, bvv.percentageBasisPoints);
  const maximumCents = bvv.maximumCents[input.household];
  const income = Math.max(0, input.netIncomeCents);
  const common = {
    normCents,
    normDerivedFromBase: derived,
    baseCents,
    maximumCents,
    percentageBasisPoints: bvv.percentageBasisPoints,
    compensationRateBasisPoints: bvv.compensationRateBasisPoints,
    sources: { bijstandNorm: derived ? null : (input.norms.bijstandNorms?.source ?? null), beslagvrijeVoet: bvv.source, compensationRate: bvv.compensationRateSource },
  };

  if (income <= normCents) {
    return { ...common, protectedCents: applyBasisPoints(income, bvv.percentageBasisPoints), band: 'at_or_below_norm', compensationCents: 0 };
  }
  const fullCompensation = Math.max(0, maximumCents - baseCents);
  const compensation = applyBasisPoints(income - normCents, bvv.compensationRateBasisPoints);
  if (compensation >= fullCompensation) {
    return { ...common, protectedCents: Math.min(baseCents + fullCompensation, income), band: 'maximum', compensationCents: fullCompensation };
  }
  return { ...common, protectedCents: Math.min(baseCents + compensation, income), band: 'middle', compensationCents: compensation };
}
