import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FEATURE_CATALOGUE, FEATURE_CATALOGUE_VERSION, claimFeatureName, featureDefinition, featureNamesOf } from '../../src/risk-features/catalogue.js';
import { renderFeaturesDoc } from '../../src/risk-features/features-doc.js';

describe('the feature catalogue', () => {
  it('names every feature once, by source prefix, with a definition', () => {
    const names = FEATURE_CATALOGUE.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FEATURE_CATALOGUE) {
      expect(f.name.startsWith(f.source === 'bank-data' ? 'bank.' : 'dp.'), f.name).toBe(true);
      expect(f.definition.length, f.name).toBeGreaterThan(20);
      // A name that states a window states the catalogue's window.
      const windowInName = /_(\d+)d(_|$)/.exec(f.name)?.[1];
      if (windowInName !== undefined) expect(f.windowDays, f.name).toBe(Number(windowInName));
    }
    expect(FEATURE_CATALOGUE_VERSION).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
  });

  it('makes data-points-only the data-point features and bank-and-data-points all of them, in catalogue order', () => {
    expect(featureNamesOf('data-points-only')).toEqual(FEATURE_CATALOGUE.filter((f) => f.source === 'data-points').map((f) => f.name));
    expect(featureNamesOf('bank-and-data-points')).toEqual(FEATURE_CATALOGUE.map((f) => f.name));
    // A caller may change its copy without changing the catalogue.
    featureNamesOf('data-points-only').pop();
    expect(featureNamesOf('data-points-only').length).toBe(FEATURE_CATALOGUE.filter((f) => f.source === 'data-points').length);
  });

  it('turns a creditor column into a claim feature', () => {
    expect(claimFeatureName('amount')).toBe('claim.amount');
    expect(featureDefinition('claim.amount')?.source).toBe('claim');
    expect(featureDefinition('dp.max_days_past_due')?.unit).toBe('days');
    expect(featureDefinition('bank.nonsense')).toBeUndefined();
  });
});

describe('docs/features.md', () => {
  it('is current: regenerate with `npm run docs:features` when this fails', async () => {
    const committed = await readFile(new URL('../../docs/features.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderFeaturesDoc());
  });

  it('lists every feature with its version on top', () => {
    const doc = renderFeaturesDoc();
    expect(doc).toContain(FEATURE_CATALOGUE_VERSION);
    for (const f of FEATURE_CATALOGUE) expect(doc).toContain(`| \`${f.name}\` |`);
  });
});
