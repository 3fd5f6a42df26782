import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import type { AnalysisTransaction } from '../../src/analytics/analysis-input.js';
import { assessAffordability } from '../../src/affordability/assess-affordability.js';
import { NormsError, defaultNormTables, normsAt } from '../../src/affordability/norms/norms.js';
import { addMonths } from '../../src/platform/dates.js';
import { DEBTOR_IBAN, tx } from '../analytics/transaction-builder.js';

describe('norms as dated data', () => {
  it('validates every shipped table and gives every entry a public source, not a local path', () => {
    const tables = defaultNormTables();
    for (const entries of Object.values(tables)) {
      for (const entry of entries) {
        expect(entry.source.length).toBeGreaterThan(20);
        expect(entry.source).not.toMatch(/shared\/|README\.md/);
      }
    }
    // Every published norm names where it is published.
    for (const entry of [...tables.beslagvrijeVoet, ...tables.bijstandNorms, ...tables.housingRaise]) {
      expect(entry.source, entry.validFrom).toMatch(/wetten\.overheid\.nl|rijksoverheid\.nl|schuldinfo\.nl|velsen\.nl/);
    }
  });

  it.each([
    ['2021-06-01', null, '2021-01-01'],
    ['2024-06-30', '2024-01-01', '2024-01-01'],
    ['2024-07-01', '2024-07-01', '2024-01-01'],
    ['2025-01-01', '2025-01-01', '2025-01-01'],
    ['2025-06-30', '2025-01-01', '2025-01-01'],
    ['2025-07-01', '2025-01-01', '2025-07-01'],
  ])('on %s uses the bijstand norm of %s and the beslagvrije-voet entry of %s', (date, bijstand, bvv) => {
    const norms = normsAt(date);
    expect(norms.bijstandNorms?.validFrom ?? null).toBe(bijstand);
    expect(norms.beslagvrijeVoet.validFrom).toBe(bvv);
  });

  it('has no norms before the first entry', () => {
    expect(() => normsAt('2020-12-31')).toThrow(NormsError);
  });

  it('merges a tenant’s override valid on the date over the default entry', () => {
    const overrides = {
      minimumLivingCosts: [{ validFrom: '2025-01-01', valuesCents: { single: { food: 30_000 } } }],
      assessmentPolicy: [{ validFrom: '2026-01-01', staleDataDays: 3 }],
    };
    const norms = normsAt('2025-06-01', overrides);
    expect(norms.minimumLivingCosts.valuesCents.single).toEqual({ food: 30_000, personalAndHousehold: 15_000, transport: 4_000 });
    expect(norms.minimumLivingCosts.valuesCents.couple.food).toBe(49_191);
    expect(norms.assessmentPolicy.staleDataDays).toBe(10);
    expect(norms.overridden).toEqual(['minimumLivingCosts']);
  });

  it('rejects an override that breaks the table, naming the place', () => {
    expect(() => normsAt('2025-06-01', { beslagvrijeVoet: [{ validFrom: '2025-01-01', percentageBasisPoints: 12_000 }] })).toThrow(/tenant override beslagvrijeVoet\/percentageBasisPoints/);
  });
});

/**
 * Which period's figures apply on a date, and whether the last known figures are kept because a
 * later period (the norms are revised every six months) is missing from the tables.
 */
const periods = [
  // date, beslagvrije-voet period, kept, base (kind, period, kept), bijstand period, kept, single maximum
  { date: '2022-06-01', bvv: '2021-01-01', bvvKept: true, base: { kind: 'published', validFrom: '2021-01-01', lastKnownKept: true }, bijstand: null, singleMax: 166_140 },
  { date: '2023-03-01', bvv: '2023-01-01', bvvKept: false, base: { kind: 'published', validFrom: '2021-01-01', lastKnownKept: true }, bijstand: null, singleMax: 187_281 },
  { date: '2024-05-01', bvv: '2024-01-01', bvvKept: false, base: { kind: 'bijstand_norm', validFrom: '2024-01-01', lastKnownKept: false }, bijstand: { validFrom: '2024-01-01', lastKnownKept: false }, singleMax: 199_621 },
  { date: '2025-03-01', bvv: '2025-01-01', bvvKept: false, base: { kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: false }, bijstand: { validFrom: '2025-01-01', lastKnownKept: false }, singleMax: 207_124 },
  { date: '2025-09-01', bvv: '2025-07-01', bvvKept: false, base: { kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: true }, bijstand: { validFrom: '2025-01-01', lastKnownKept: true }, singleMax: 209_367 },
  { date: '2026-06-01', bvv: '2025-07-01', bvvKept: true, base: { kind: 'bijstand_norm', validFrom: '2025-01-01', lastKnownKept: true }, bijstand: { validFrom: '2025-01-01', lastKnownKept: true }, singleMax: 209_367 },
] as const;

describe('norm periods', () => {
  it.each(periods)('on $date the figures of $bvv apply', (p) => {
    const norms = normsAt(p.date);
    expect(norms.periods.beslagvrijeVoet).toEqual({ validFrom: p.bvv, lastKnownKept: p.bvvKept });
    expect(norms.base).toMatchObject(p.base);
    expect(norms.periods.bijstandNorms).toEqual(p.bijstand);
    expect(norms.beslagvrijeVoet.maximumCents.single).toBe(p.singleMax);
    // One housing table (2021), revised yearly: kept from 2022 on.
    expect(norms.periods.housingRaise).toEqual({ validFrom: '2021-01-01', lastKnownKept: true });
  });

  it('takes a tenant’s complete bijstand entry where the tables have none, instead of the kept 2021 base', () => {
    const own = { validFrom: '2023-01-01', source: 'The tenant’s copy of the 2023 bijstand norms (municipal publication).', valuesCents: { single: 120_000, couple: 170_000, singlePensionAge: 130_000, couplePensionAge: 180_000 } };
    const norms = normsAt('2023-03-01', { bijstandNorms: [own] });
    expect(norms.base).toMatchObject({ kind: 'bijstand_norm', validFrom: '2023-01-01', lastKnownKept: false });
    expect(norms.overridden).toEqual(['bijstandNorms']);
    // An incomplete entry cannot stand alone: the kept 2021 base stays.
    expect(normsAt('2023-03-01', { bijstandNorms: [{ validFrom: '2023-01-01', valuesCents: { single: 120_000 } }] }).base).toMatchObject({ kind: 'published', validFrom: '2021-01-01' });
  });

  it('keeps nothing within the period of an entry', () => {
    expect(normsAt('2021-06-30').periods.beslagvrijeVoet.lastKnownKept).toBe(false);
    expect(normsAt('2021-07-01').periods.beslagvrijeVoet.lastKnownKept).toBe(true);
    expect(normsAt('2021-12-31').periods.housingRaise.lastKnownKept).toBe(false);
  });
});

/** Three months of salary and rent before asOf, for a report on any date. */
function threeMonthsBefore(asOf: string): AnalysisTransaction[] {
  const list: AnalysisTransaction[] = [];
  for (let back = 3; back >= 1; back -= 1) {
    const month = addMonths(`${asOf.slice(0, 7)}-01`, -back);
    list.push(tx({ bookingDate: month.replace(/-01$/, '-02'), amountCents: -90_000, counterpartyName: 'Ymere' }));
    list.push(tx({ bookingDate: month.replace(/-01$/, '-24'), amountCents: 400_000, counterpartyName: 'Acme B.V.', counterpartyIban: 'NL44RABO0123456789', remittanceUnstructured: 'Salaris' }));
  }
  list.push(tx({ bookingDate: asOf, amountCents: -1_000, counterpartyName: 'Albert Heijn' }));
  return list;
}

describe('the report states which period’s figures it used', () => {
  it.each(periods)('a report as of $date uses the beslagvrije-voet figures of $bvv and says whether they are kept', (p) => {
    const report = assessAffordability({ transactions: threeMonthsBefore(p.date), balances: [], asOf: p.date, ownIbans: [DEBTOR_IBAN], norms: normsAt(p.date), rules: DEFAULT_RULE_SET });
    expect(report.monthsAssessed).toHaveLength(3);
    expect(report.norms.beslagvrijeVoet).toMatchObject({ validFrom: p.bvv, lastKnownKept: p.bvvKept });
    expect(report.norms.protectedBase).toMatchObject(p.base);
    expect(report.norms.bijstandNorm === null ? null : { validFrom: report.norms.bijstandNorm.validFrom, lastKnownKept: report.norms.bijstandNorm.lastKnownKept }).toEqual(p.bijstand);
    // 4,000.00 a month is in the maximum band: the maximum of the period, plus the housing raise (rent 900.00 → 376.89).
    expect(report.protectedAmount).toMatchObject({ band: 'maximum', maximumCents: p.singleMax, housingRaise: { raiseCents: 37_689 } });
    expect(report.average.protectedAmountCents).toBe(p.singleMax + 37_689);
    const notes = report.notes.map((n) => n.en);
    const bvvNote = `For the beslagvrije-voet maxima the figures valid from ${p.bvv} were used: no later figures are known, so the last known are kept; the amount in force may be higher.`;
    if (p.bvvKept) expect(notes).toContain(bvvNote);
    else expect(notes).not.toContain(bvvNote);
    const baseNote = `For the base amount (95 % of the bijstand norm) the figures valid from ${p.base.validFrom} were used: no later figures are known, so the last known are kept; the amount in force may be higher.`;
    // When the base and the maxima come from the same kept entry, one note says it for both.
    if (p.base.lastKnownKept && !(p.base.kind === 'published' && p.base.validFrom === p.bvv)) expect(notes).toContain(baseNote);
    else expect(notes).not.toContain(baseNote);
  });
});
