/**
 * Norms as data: the dated tables the affordability report reads, and the choice of the entry
 * valid on a date. A figure that is a norm lives in the JSON files next to this one, with its
 * source; this module only validates them (once, on first use) and picks.
 *
 * Glossary
 * - household type: single, single_parent, couple, couple_with_children (the four types the
 *   beslagvrije-voet maxima distinguish); pension age switches to the pension-age bijstand norm.
 * - entry: one version of a table, valid from its date until the next entry's date.
 * - tenant override: a creditor's own entries for a table; the override valid on the date is merged
 *   over the default entry valid on the date (a creditor may, say, raise the living-cost minimum).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { IsoDate } from '../../platform/dates.js';
import assessmentPolicyFile from './assessment-policy.json' with { type: 'json' };
import beslagvrijeVoetFile from './beslagvrije-voet.json' with { type: 'json' };
import bijstandNormsFile from './bijstand-norms.json' with { type: 'json' };
import minimumLivingCostsFile from './minimum-living-costs.json' with { type: 'json' };

export const HOUSEHOLD_TYPES = ['single', 'single_parent', 'couple', 'couple_with_children'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];

const Cents = Type.Integer({ minimum: 0 });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const PerHousehold = <T extends TSchema>(value: T) =>
  Type.Object({ single: value, single_parent: value, couple: value, couple_with_children: value });

export const BijstandNormEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String(),
  valuesCents: Type.Object({ single: Cents, couple: Cents, singlePensionAge: Cents, couplePensionAge: Cents }),
});

export const BeslagvrijeVoetEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String(),
  percentageBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000 }),
  /** The published 95 % amounts where a period has them (2021); otherwise derived from the bijstand norm. */
  publishedBaseCents: Type.Optional(Type.Object({ single: Cents, couple: Cents })),
  maximumCents: PerHousehold(Cents),
  compensationRateBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000 }),
  compensationRateSource: Type.String(),
});

export const LivingCostsSchema = Type.Object({ food: Cents, personalAndHousehold: Cents, transport: Cents });
export const MinimumLivingCostsEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String(),
  estimate: Type.Boolean(),
  valuesCents: PerHousehold(LivingCostsSchema),
});

export const AssessmentPolicyEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String(),
  maxMonthsAssessed: Type.Integer({ minimum: 1 }),
  minMonthsAssessed: Type.Integer({ minimum: 1 }),
  /** A first month whose data starts within this many days of the 1st still counts as complete. */
  firstMonthGraceDays: Type.Integer({ minimum: 0 }),
  staleDataDays: Type.Integer({ minimum: 1 }),
  incomeDropRecentMonths: Type.Integer({ minimum: 1 }),
  incomeDropRatioBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000 }),
  gamblingShareFlagBasisPoints: Type.Integer({ minimum: 0 }),
  overdraftMinNegativeDays: Type.Integer({ minimum: 1 }),
  lowEstimatePercentile: Type.Integer({ minimum: 0, maximum: 100 }),
  excludedIncomeRuleIds: Type.Array(Type.String()),
  overdraftInterestRuleIds: Type.Array(Type.String()),
});

export type BijstandNormEntry = Static<typeof BijstandNormEntrySchema>;
export type BeslagvrijeVoetEntry = Static<typeof BeslagvrijeVoetEntrySchema>;
export type MinimumLivingCostsEntry = Static<typeof MinimumLivingCostsEntrySchema>;
export type AssessmentPolicyEntry = Static<typeof AssessmentPolicyEntrySchema>;
export type LivingCosts = Static<typeof LivingCostsSchema>;

export interface NormTables {
  bijstandNorms: BijstandNormEntry[];
  beslagvrijeVoet: BeslagvrijeVoetEntry[];
  minimumLivingCosts: MinimumLivingCostsEntry[];
  assessmentPolicy: AssessmentPolicyEntry[];
}

/** A tenant's own entries, each partial: only what the tenant changes. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export interface NormOverrides {
  bijstandNorms?: (DeepPartial<BijstandNormEntry> & { validFrom: IsoDate })[];
  beslagvrijeVoet?: (DeepPartial<BeslagvrijeVoetEntry> & { validFrom: IsoDate })[];
  minimumLivingCosts?: (DeepPartial<MinimumLivingCostsEntry> & { validFrom: IsoDate })[];
  assessmentPolicy?: (DeepPartial<AssessmentPolicyEntry> & { validFrom: IsoDate })[];
}

/** The norms valid on one date: what assessAffordability needs. */
export interface NormSet {
  date: IsoDate;
  /** Null before the first bijstand entry; then the beslagvrije-voet entry must carry published base amounts. */
  bijstandNorms: BijstandNormEntry | null;
  beslagvrijeVoet: BeslagvrijeVoetEntry;
  minimumLivingCosts: MinimumLivingCostsEntry;
  assessmentPolicy: AssessmentPolicyEntry;
  /** Which tables a tenant override changed, so the report can say so. */
  overridden: (keyof NormTables)[];
}

export class NormsError extends Error {
  constructor(readonly place: string, reason: string) {
    super(`${place}: ${reason}`);
    this.name = 'NormsError';
  }
}

let defaultTables: NormTables | undefined;

/** The tables shipped with the code, validated on first use (no work at import time). */
export function defaultNormTables(): NormTables {
  defaultTables ??= {
    bijstandNorms: validateEntries(BijstandNormEntrySchema, bijstandNormsFile.entries, 'bijstand-norms.json'),
    beslagvrijeVoet: validateEntries(BeslagvrijeVoetEntrySchema, beslagvrijeVoetFile.entries, 'beslagvrije-voet.json'),
    minimumLivingCosts: validateEntries(MinimumLivingCostsEntrySchema, minimumLivingCostsFile.entries, 'minimum-living-costs.json'),
    assessmentPolicy: validateEntries(AssessmentPolicyEntrySchema, assessmentPolicyFile.entries, 'assessment-policy.json'),
  };
  return defaultTables;
}

function validateEntries<T extends TSchema>(schema: T, entries: unknown, place: string): (Static<T> & { validFrom: IsoDate })[] {
  if (!Array.isArray(entries) || entries.length === 0) throw new NormsError(place, 'no entries');
  const checked = entries.map((entry, i) => {
    if (!Value.Check(schema, entry)) {
      const first = Value.Errors(schema, entry).First();
      throw new NormsError(`${place}[${i}]${first?.path ?? ''}`, first?.message ?? 'invalid entry');
    }
    return entry as Static<T> & { validFrom: IsoDate };
  });
  return checked.sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
}

function entryAt<T extends { validFrom: IsoDate }>(entries: readonly T[], date: IsoDate, place: string): T {
  let found: T | undefined;
  for (const entry of entries) if (entry.validFrom <= date && (found == null || entry.validFrom >= found.validFrom)) found = entry;
  if (!found) throw new NormsError(place, `no entry valid on ${date}`);
  return found;
}

function latestOverrideAt<T extends { validFrom: IsoDate }>(entries: readonly T[] | undefined, date: IsoDate): T | undefined {
  let found: T | undefined;
  for (const entry of entries ?? []) if (entry.validFrom <= date && (found == null || entry.validFrom >= found.validFrom)) found = entry;
  return found;
}

function deepMerge<T>(base: T, patch: unknown): T {
  if (patch == null || typeof patch !== 'object' || Array.isArray(patch)) return (patch ?? base) as T;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    result[key] = current != null && typeof current === 'object' && !Array.isArray(current) ? deepMerge(current, value) : value;
  }
  return result as T;
}

/**
 * The norms valid on `date`: for each table the entry with the latest validFrom on or before the
 * date, with the tenant's override valid on the date merged over it. The merged entry is validated
 * again, so a bad override fails here with its place rather than later as a wrong amount.
 */
export function normsAt(date: IsoDate, overrides: NormOverrides = {}, tables: NormTables = defaultNormTables()): NormSet {
  const overridden: (keyof NormTables)[] = [];
  const pick = <T extends { validFrom: IsoDate }>(name: keyof NormTables, schema: TSchema, entries: T[], patches: readonly (object & { validFrom: IsoDate })[] | undefined): T => {
    const base = entryAt(entries, date, name);
    return mergeOverride(name, schema, base, patches);
  };
  const mergeOverride = <T extends { validFrom: IsoDate }>(name: keyof NormTables, schema: TSchema, base: T, patches: readonly (object & { validFrom: IsoDate })[] | undefined): T => {
    const patch = latestOverrideAt(patches, date);
    if (!patch) return base;
    overridden.push(name);
    const merged = deepMerge(base, { ...patch, validFrom: patch.validFrom > base.validFrom ? patch.validFrom : base.validFrom });
    if (!Value.Check(schema, merged)) {
      const first = Value.Errors(schema, merged).First();
      throw new NormsError(`tenant override ${name}${first?.path ?? ''}`, first?.message ?? 'invalid override');
    }
    return merged;
  };
  const beslagvrijeVoet = pick('beslagvrijeVoet', BeslagvrijeVoetEntrySchema, tables.beslagvrijeVoet, overrides.beslagvrijeVoet);
  const bijstandBase = tables.bijstandNorms.some((e) => e.validFrom <= date) ? entryAt(tables.bijstandNorms, date, 'bijstandNorms') : null;
  if (bijstandBase == null && beslagvrijeVoet.publishedBaseCents == null) {
    throw new NormsError('bijstandNorms', `no entry valid on ${date}, and the beslagvrije-voet entry has no published base amounts`);
  }
  return {
    date,
    bijstandNorms: bijstandBase == null ? null : mergeOverride('bijstandNorms', BijstandNormEntrySchema, bijstandBase, overrides.bijstandNorms),
    beslagvrijeVoet,
    minimumLivingCosts: pick('minimumLivingCosts', MinimumLivingCostsEntrySchema, tables.minimumLivingCosts, overrides.minimumLivingCosts),
    assessmentPolicy: pick('assessmentPolicy', AssessmentPolicyEntrySchema, tables.assessmentPolicy, overrides.assessmentPolicy),
    overridden,
  };
}
