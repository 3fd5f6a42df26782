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
 *
 * Housing-cost raise (art. 475da Rv; norms/housing-raise.json): when the housing costs minus the
 * housing allowance exceed the share of housing the norm already covers, the protected amount is
 * raised by the excess, up to the maximum for the household's size and age. The law grants it on
 * request and for a limited time; a plan that must never go below the protected amount counts it
 * whenever the data shows the costs, which errs on the debtor's side. See docs/domain.md.
 */
import { applyBasisPoints } from '../platform/money.js';
import type { HouseholdType, HousingRaiseEntry, NormSet, ProtectedBase } from './norms/norms.js';

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
  /** Which period's figures gave the 95 % base, and whether they are kept past their period. */
  base: Pick<ProtectedBase, 'kind' | 'validFrom' | 'lastKnownKept'>;
  /** The raise for housing costs; null when no housing costs were given. */
  housingRaise: HousingRaise | null;
  sources: { bijstandNorm: string | null; beslagvrijeVoet: string; compensationRate: string; housingRaise: string | null };
}

export type HousingRaiseCategory = keyof HousingRaiseEntry['maximumRaiseCents'];

export interface HousingRaise {
  housingCostsCents: number;
  housingAllowanceCents: number;
  /** Housing costs minus the allowance. */
  netHousingCostsCents: number;
  shareInNormCents: number;
  category: HousingRaiseCategory;
  maximumRaiseCents: number;
  raiseCents: number;
  validFrom: string;
}

export interface HousingInput {
  /** Rent or mortgage costs per month. */
  costsCents: number;
  /** Housing allowance (huurtoeslag) received per month. */
  allowanceCents: number;
  /** Persons in the household; at least the household type's own (single 1, couple or single parent 2, couple with children 3). */
  persons?: number;
  /** The (oldest) debtor is under 23; a household with children counts as 23 or older. */
  under23?: boolean;
  /** The dwelling is adapted for a disability. */
  adaptedDwelling?: boolean;
}

export interface ProtectedAmountInput {
  /** Net monthly income including holiday pay. */
  netIncomeCents: number;
  household: HouseholdType;
  pensionAge: boolean;
  norms: NormSet;
  /** Housing costs for the housing-cost raise; without them no raise is applied. */
  housing?: HousingInput;
}

const PARTNER_HOUSEHOLDS: ReadonlySet<HouseholdType> = new Set(['couple', 'couple_with_children']);
const CHILD_HOUSEHOLDS: ReadonlySet<HouseholdType> = new Set(['single_parent', 'couple_with_children']);
const MIN_PERSONS: Record<HouseholdType, number> = { single: 1, single_parent: 2, couple: 2, couple_with_children: 3 };

export function bijstandNormFor(norms: NormSet, household: HouseholdType, pensionAge: boolean): { normCents: number; derived: boolean } {
  const withPartner = PARTNER_HOUSEHOLDS.has(household);
  const bvv = norms.beslagvrijeVoet;
  if (norms.base.kind === 'published') {
    // The period published the 95 % amount itself; the norm is what that amount is 95 % of.
    const base = withPartner ? norms.base.cents.couple : norms.base.cents.single;
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
  const base = input.norms.base;
  const baseCents = base.kind === 'published' ? (withPartner ? base.cents.couple : base.cents.single) : applyBasisPoints(normCents, bvv.percentageBasisPoints);
  const maximumCents = bvv.maximumCents[input.household];
  const income = Math.max(0, input.netIncomeCents);
  const housingRaise = input.housing == null ? null : computeHousingRaise(input.norms.housingRaise, input.household, input.pensionAge, input.housing);
  const raise = housingRaise?.raiseCents ?? 0;
  const common = {
    normCents,
    normDerivedFromBase: derived,
    baseCents,
    maximumCents,
    percentageBasisPoints: bvv.percentageBasisPoints,
    compensationRateBasisPoints: bvv.compensationRateBasisPoints,
    base: { kind: base.kind, validFrom: base.validFrom, lastKnownKept: base.lastKnownKept },
    housingRaise,
    sources: {
      bijstandNorm: derived ? null : (input.norms.bijstandNorms?.source ?? null),
      beslagvrijeVoet: bvv.source,
      compensationRate: bvv.compensationRateSource,
      housingRaise: housingRaise == null ? null : `${input.norms.housingRaise.source} Share in the norm: ${input.norms.housingRaise.housingShareInNormSource}`,
    },
  };

  if (income <= normCents) {
    return { ...common, protectedCents: Math.min(applyBasisPoints(income, bvv.percentageBasisPoints) + raise, income), band: 'at_or_below_norm', compensationCents: 0 };
  }
  const fullCompensation = Math.max(0, maximumCents - baseCents);
  const compensation = applyBasisPoints(income - normCents, bvv.compensationRateBasisPoints);
  if (compensation >= fullCompensation) {
    return { ...common, protectedCents: Math.min(baseCents + fullCompensation + raise, income), band: 'maximum', compensationCents: fullCompensation };
  }
  return { ...common, protectedCents: Math.min(baseCents + compensation + raise, income), band: 'middle', compensationCents: compensation };
}

/** Which row of the maximum-raise table applies (art. 475da Rv; see norms/housing-raise.json). */
export function housingRaiseCategory(household: HouseholdType, pensionAge: boolean, housing: Pick<HousingInput, 'persons' | 'under23' | 'adaptedDwelling'>): HousingRaiseCategory {
  const persons = Math.max(MIN_PERSONS[household], Math.floor(housing.persons ?? 0));
  if (pensionAge) return persons === 1 ? 'onePersonPensionAge' : persons === 2 ? 'twoPersonsPensionAge' : 'threeOrMorePensionAge';
  // A young person with a child in the household counts as 23 or older.
  if (housing.under23 === true && !CHILD_HOUSEHOLDS.has(household)) return 'under23';
  if (persons === 1) return 'onePerson';
  if (persons === 2) return housing.adaptedDwelling === true ? 'twoPersonsAdapted' : 'twoPersons';
  return housing.adaptedDwelling === true ? 'threeOrMoreAdapted' : 'threeOrMore';
}

export function computeHousingRaise(entry: HousingRaiseEntry, household: HouseholdType, pensionAge: boolean, housing: HousingInput): HousingRaise {
  const housingCostsCents = Math.max(0, housing.costsCents);
  const housingAllowanceCents = Math.max(0, housing.allowanceCents);
  const netHousingCostsCents = Math.max(0, housingCostsCents - housingAllowanceCents);
  const category = housingRaiseCategory(household, pensionAge, housing);
  const maximumRaiseCents = entry.maximumRaiseCents[category];
  const raiseCents = Math.min(maximumRaiseCents, Math.max(0, netHousingCostsCents - entry.housingShareInNormCents));
  return { housingCostsCents, housingAllowanceCents, netHousingCostsCents, shareInNormCents: entry.housingShareInNormCents, category, maximumRaiseCents, raiseCents, validFrom: entry.validFrom };
}
