/**
 * The segments a creditor may tell about a debtor, so a model report can state every metric per group
 * and the gaps between groups (fairness). A segment is never a feature: no model reads it, reports
 * only group by it. Every segment is optional; age_band exists only when the creditor supplies it.
 *
 * Stored as codes (what a creditor system sends); reports show the readable label, the same words the
 * simulated worlds' evaluation sets use (src/risk-features/segments.ts), so a tenant's report and the
 * starter's group alike.
 */
import type { KNOWN_SEGMENTS } from '../model-reports/evaluation-set.js';

export const HOUSEHOLD_TYPES = ['single', 'couple', 'single_parent', 'couple_with_children'] as const;
export const INCOME_SOURCES = ['salary', 'self_employment', 'pension', 'bijstand', 'ww', 'wia', 'wajong', 'student_finance', 'other'] as const;
export const AGE_BANDS = ['18-24', '25-34', '35-49', '50-66', '67+'] as const;
/** CBS landsdelen: four parts of the country, so groups stay large enough to compare. */
export const REGIONS = ['Noord-Nederland', 'Oost-Nederland', 'West-Nederland', 'Zuid-Nederland'] as const;

export interface DebtorSegments {
  household_type?: (typeof HOUSEHOLD_TYPES)[number];
  income_source?: (typeof INCOME_SOURCES)[number];
  age_band?: (typeof AGE_BANDS)[number];
  region?: (typeof REGIONS)[number];
}

type SegmentName = (typeof KNOWN_SEGMENTS)[number];

const LABELS: Record<SegmentName, Record<string, string>> = {
  household_type: { single: 'single', couple: 'couple', single_parent: 'single parent', couple_with_children: 'couple with children' },
  income_source: {
    salary: 'salary',
    self_employment: 'self-employment',
    pension: 'pension',
    bijstand: 'social assistance (bijstand)',
    ww: 'unemployment benefit (WW)',
    wia: 'disability benefit (WIA)',
    wajong: 'young disabled benefit (Wajong)',
    student_finance: 'student finance',
    other: 'other',
  },
  age_band: Object.fromEntries(AGE_BANDS.map((band) => [band, band])),
  region: Object.fromEntries(REGIONS.map((region) => [region, region])),
};

export const SEGMENT_NAMES = Object.keys(LABELS) as SegmentName[];

/** The readable label of a stored code; null when the debtor has none (or a code this version does not know). */
export function segmentLabel(segments: DebtorSegments | null | undefined, name: SegmentName): string | null {
  const code = segments?.[name];
  return code !== undefined && Object.hasOwn(LABELS[name], code) ? LABELS[name][code]! : null;
}
