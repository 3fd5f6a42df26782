/**
 * The pure side of debtor segments, for the API service and for the household simulator
 * (src/simulation), which runs the same policy on simulated households: no database, no clock.
 */
export { segmentDebtor, SEGMENTS, SEGMENT_PRIORITY } from './segment-debtor.js';
export type { Segment, SegmentClaim, SegmentModelInput, SegmentBankTransaction, SegmentDebtorInput, SegmentRuleResult, SegmentResult, AbilityToPay } from './segment-debtor.js';
export { treatmentFor, contactWindow, mainIncomeOf, firstWorkingDayAfter, TREATMENT_BY_SEGMENT } from './treatment.js';
export type { Treatment, Tone, NextAction, ContactWindow, ContactWindowOptions } from './treatment.js';
export { DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, resolveThresholds, CollectionSegmentThresholdsSchema, CollectionSegmentOverridesSchema } from './segment-thresholds.js';
export type { CollectionSegmentThresholds, CollectionSegmentOverrides } from './segment-thresholds.js';
