import { describe, expect, it } from 'vitest';
import { NormsError, defaultNormTables, normsAt } from '../../src/affordability/norms/norms.js';

describe('norms as dated data', () => {
  it('validates every shipped table and gives every entry a source', () => {
    const tables = defaultNormTables();
    for (const entries of Object.values(tables)) for (const entry of entries) expect(entry.source.length).toBeGreaterThan(20);
  });

  it.each([
    ['2021-06-01', null, '2021-01-01'],
    ['2024-06-30', '2024-01-01', '2024-01-01'],
    ['2024-07-01', '2024-07-01', '2024-01-01'],
    ['2025-01-01', '2025-01-01', '2024-01-01'],
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
