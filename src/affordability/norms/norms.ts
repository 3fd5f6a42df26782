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
 * - last known kept: the published norms change on a schedule (the table's revisedEveryMonths);
 *   when a date lies a full interval or more after the entry used, a later period is missing from
 *   the table and its last known figures are used. The report says so rather than hiding it.
 *
 * The figures and their public sources are explained in docs/domain.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { addMonths, type IsoDate } from '../../platform/dates.js';
import assessmentPolicyFile from './assessment-policy.json' with { type: 'json' };
import beslagvrijeVoetFile from './beslagvrije-voet.json' with { type: 'json' };
import bijstandNormsFile from './bijstand-norms.json' with { type: 'json' };
import housingRaiseFile from './housing-raise.json' with { type: 'json' };
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

export const HousingRaiseEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String(),
  /** Housing costs (after housing allowance) the norm already covers; only costs above it raise the protected amount. */
  housingShareInNormCents: Cents,
  housingShareInNormSource: Type.String(),
  /** The most the raise can be, by household size and age (art. 475da Rv). */
  maximumRaiseCents: Type.Object({
    under23: Cents,
    onePerson: Cents,
    onePersonPensionAge: Cents,
    twoPersons: Cents,
    twoPersonsAdapted: Cents,
    twoPersonsPensionAge: Cents,
    threeOrMore: Cents,
    threeOrMoreAdapted: Cents,
    threeOrMorePensionAge: Cents,
  }),
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
export type HousingRaiseEntry = Static<typeof HousingRaiseEntrySchema>;
export type LivingCosts = Static<typeof LivingCostsSchema>;

export interface NormTables {
  bijstandNorms: BijstandNormEntry[];
  beslagvrijeVoet: BeslagvrijeVoetEntry[];
  housingRaise: HousingRaiseEntry[];
  minimumLivingCosts: MinimumLivingCostsEntry[];
  assessmentPolicy: AssessmentPolicyEntry[];
}

/**
 * How often each published table gets new figures, from the files themselves. Our own estimates and
 * policy have no schedule, so they are never "kept past their period".
 */
export const REVISED_EVERY_MONTHS: Readonly<Partial<Record<keyof NormTables, number>>> = {
  bijstandNorms: bijstandNormsFile.revisedEveryMonths,
  beslagvrijeVoet: beslagvrijeVoetFile.revisedEveryMonths,
  housingRaise: housingRaiseFile.revisedEveryMonths,
};

/** A tenant's own entries, each partial: only what the tenant changes. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export interface NormOverrides {
  bijstandNorms?: (DeepPartial<BijstandNormEntry> & { validFrom: IsoDate })[];
  beslagvrijeVoet?: (DeepPartial<BeslagvrijeVoetEntry> & { validFrom: IsoDate })[];
  housingRaise?: (DeepPartial<HousingRaiseEntry> & { validFrom: IsoDate })[];
  minimumLivingCosts?: (DeepPartial<MinimumLivingCostsEntry> & { validFrom: IsoDate })[];
  assessmentPolicy?: (DeepPartial<AssessmentPolicyEntry> & { validFrom: IsoDate })[];
}

/** Which period's figures were used for a table on the date. */
export interface PeriodUsed {
  validFrom: IsoDate;
  /** The date is a full revision interval or more after validFrom: a later period is missing and the last known figures are used. */
  lastKnownKept: boolean;
}

/**
 * Where the 95 % base of the beslagvrije voet comes from on the date: the published base amounts
 * (2021), or the bijstand norm valid on the date. Between the two (2022-2023 here) no bijstand norm is
 * in the tables, so the last published base amounts are kept.
 */
export type ProtectedBase =
  | { kind: 'published'; validFrom: IsoDate; source: string; cents: { single: number; couple: number }; lastKnownKept: boolean }
  | { kind: 'bijstand_norm'; validFrom: IsoDate; source: string; lastKnownKept: boolean };

/** The norms valid on one date: what assessAffordability needs. */
export interface NormSet {
  date: IsoDate;
  /** Null before the first bijstand entry; then the beslagvrije-voet entry must carry published base amounts. */
  bijstandNorms: BijstandNormEntry | null;
  beslagvrijeVoet: BeslagvrijeVoetEntry;
  housingRaise: HousingRaiseEntry;
  minimumLivingCosts: MinimumLivingCostsEntry;
  assessmentPolicy: AssessmentPolicyEntry;
  base: ProtectedBase;
  /** For the published tables: which period's figures were used, and whether they are kept past their period. */
  periods: { bijstandNorms: PeriodUsed | null; beslagvrijeVoet: PeriodUsed; housingRaise: PeriodUsed };
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
    housingRaise: validateEntries(HousingRaiseEntrySchema, housingRaiseFile.entries, 'housing-raise.json'),
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

/** Whether `date` lies a full revision interval or more after `validFrom` (see the glossary). */
export function lastKnownKept(table: keyof NormTables, validFrom: IsoDate, date: IsoDate): boolean {
  const months = REVISED_EVERY_MONTHS[table];
  return months != null && date >= addMonths(validFrom, months);
}

function periodUsed(table: keyof NormTables, entry: { validFrom: IsoDate }, date: IsoDate): PeriodUsed {
  return { validFrom: entry.validFrom, lastKnownKept: lastKnownKept(table, entry.validFrom, date) };
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
  // Before the first default bijstand entry a tenant may still supply a complete one of its own
  // (say, the 2023 norms), which then beats keeping the last published base amounts.
  const tenantOnlyBijstand = (): BijstandNormEntry | null => {
    const own = latestOverrideAt(overrides.bijstandNorms, date);
    if (own == null || !Value.Check(BijstandNormEntrySchema, own)) return null;
    overridden.push('bijstandNorms');
    return own;
  };
  const beslagvrijeVoet = pick('beslagvrijeVoet', BeslagvrijeVoetEntrySchema, tables.beslagvrijeVoet, overrides.beslagvrijeVoet);
  const bijstandBase = tables.bijstandNorms.some((e) => e.validFrom <= date) ? entryAt(tables.bijstandNorms, date, 'bijstandNorms') : null;
  const bijstandNorms = bijstandBase == null ? tenantOnlyBijstand() : mergeOverride('bijstandNorms', BijstandNormEntrySchema, bijstandBase, overrides.bijstandNorms);
  const housingRaise = pick('housingRaise', HousingRaiseEntrySchema, tables.housingRaise, overrides.housingRaise);
  return {
    date,
    bijstandNorms,
    beslagvrijeVoet,
    housingRaise,
    base: protectedBaseAt(date, beslagvrijeVoet, bijstandNorms, tables),
    periods: {
      bijstandNorms: bijstandNorms == null ? null : periodUsed('bijstandNorms', bijstandNorms, date),
      beslagvrijeVoet: periodUsed('beslagvrijeVoet', beslagvrijeVoet, date),
      housingRaise: periodUsed('housingRaise', housingRaise, date),
    },
    minimumLivingCosts: pick('minimumLivingCosts', MinimumLivingCostsEntrySchema, tables.minimumLivingCosts, overrides.minimumLivingCosts),
    assessmentPolicy: pick('assessmentPolicy', AssessmentPolicyEntrySchema, tables.assessmentPolicy, overrides.assessmentPolicy),
    overridden,
  };
}

/**
 * The base of the protected amount on `date`: the entry's own published base amounts; else the
 * bijstand norm valid on the date; else the published base amounts of the latest earlier entry
 * that has them (a period whose norm the tables lack keeps the last known figures).
 */
function protectedBaseAt(date: IsoDate, beslagvrijeVoet: BeslagvrijeVoetEntry, bijstandNorms: BijstandNormEntry | null, tables: NormTables): ProtectedBase {
  if (beslagvrijeVoet.publishedBaseCents != null) {
    const validFrom = beslagvrijeVoet.validFrom;
    return { kind: 'published', validFrom, source: beslagvrijeVoet.source, cents: beslagvrijeVoet.publishedBaseCents, lastKnownKept: lastKnownKept('beslagvrijeVoet', validFrom, date) };
  }
  if (bijstandNorms != null) {
    const validFrom = bijstandNorms.validFrom;
    return { kind: 'bijstand_norm', validFrom, source: bijstandNorms.source, lastKnownKept: lastKnownKept('bijstandNorms', validFrom, date) };
  }
  let published: BeslagvrijeVoetEntry | undefined;
  for (const entry of tables.beslagvrijeVoet) if (entry.validFrom <= date && entry.publishedBaseCents != null && (published == null || entry.validFrom > published.validFrom)) published = entry;
  if (published?.publishedBaseCents == null) {
    throw new NormsError('bijstandNorms', `no entry valid on ${date}, and no beslagvrije-voet entry on or before it has published base amounts`);
  }
  const validFrom = published.validFrom;
  return { kind: 'published', validFrom, source: published.source, cents: published.publishedBaseCents, lastKnownKept: lastKnownKept('beslagvrijeVoet', validFrom, date) };
}
