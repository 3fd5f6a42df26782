import { readFileSync, readdirSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BankFormatAdapter } from '../../../src/bank-data/canonical.js';
import { csvAbnAmroAdapter } from '../../../src/bank-data/formats/csv-abnamro.js';
import { csvAsnAdapter } from '../../../src/bank-data/formats/csv-asn.js';
import { csvBunqAdapter } from '../../../src/bank-data/formats/csv-bunq.js';
import { csvIngAdapter } from '../../../src/bank-data/formats/csv-ing.js';
import { csvKnabAdapter } from '../../../src/bank-data/formats/csv-knab.js';
import { csvRabobankAdapter } from '../../../src/bank-data/formats/csv-rabobank.js';
import { detectBankFormat } from '../../../src/bank-data/formats/index.js';
import { mt940Adapter } from '../../../src/bank-data/formats/mt940.js';
import { PROPERTY_RUNS, detectionIsAScore, mutatedSample, parseThrowsOnlyBankFileErrors, randomBytes } from './adapter-robustness.js';
import { csvFixture } from './csv-fixtures.js';

const ROOT = new URL('../../fixtures/bank-formats/nl-bank-csv/', import.meta.url);
const SAMPLES = [
  ...readdirSync(ROOT).filter((f) => statSync(new URL(f, ROOT)).isFile()),
  ...readdirSync(new URL('synthetic/', ROOT)).map((f) => `synthetic/${f}`),
];

const ADAPTERS: Array<[BankFormatAdapter, string[]]> = [
  [csvIngAdapter, SAMPLES.filter((s) => s.startsWith('ing_'))],
  [csvKnabAdapter, SAMPLES.filter((s) => s.startsWith('Knab'))],
  [csvAsnAdapter, SAMPLES.filter((s) => s.startsWith('transactie-historie'))],
  [csvRabobankAdapter, SAMPLES.filter((s) => s.includes('rabobank'))],
  [csvAbnAmroAdapter, SAMPLES.filter((s) => s.includes('abnamro'))],
  [csvBunqAdapter, SAMPLES.filter((s) => s.includes('bunq'))],
];

/** A sample with its separators, quotes or decimal marks swapped (the first n of them, or all for n = 0): what a spreadsheet round trip does to a file. */
function swappedPunctuation(texts: string[]): fc.Arbitrary<Buffer> {
  const swaps: Array<[string, string]> = [[';', ','], [',', ';'], ['\t', ','], [',', '\t'], ['"', "'"], ["'", '"'], [',', '.'], ['.', ',']];
  return fc.tuple(fc.constantFrom(...texts), fc.constantFrom(...swaps), fc.nat({ max: 40 })).map(([text, [from, to], count]) => {
    let left = count === 0 ? Number.POSITIVE_INFINITY : count;
    const swapped = [...text].map((c) => (c === from && left-- > 0 ? to : c)).join('');
    return Buffer.from(swapped, 'latin1');
  });
}

describe.each(ADAPTERS)('$format robustness (property-based)', (adapter, samples) => {
  const texts = samples.map((s) => csvFixture(s).toString('latin1'));

  it('has samples to mutate', () => expect(texts.length).toBeGreaterThan(0));

  it('random bytes: parse throws only BankFileError in strict and lenient mode; detect gives a score', () => {
    fc.assert(
      fc.property(randomBytes, (input) => {
        parseThrowsOnlyBankFileErrors(adapter, input);
        detectionIsAScore(adapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('damaged samples (truncated, characters flipped, lines deleted, duplicated, swapped): only BankFileError', () => {
    fc.assert(
      fc.property(mutatedSample(texts), (input) => {
        parseThrowsOnlyBankFileErrors(adapter, input);
        detectionIsAScore(adapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('samples with separators, quotes or decimal marks swapped: only BankFileError', () => {
    fc.assert(fc.property(swappedPunctuation(texts), (input) => parseThrowsOnlyBankFileErrors(adapter, input)), PROPERTY_RUNS);
  });
});

describe('text bank formats: each sample is claimed by its own adapter only', () => {
  it.each(ADAPTERS.flatMap(([adapter, samples]) => samples.map((sample): [string, BankFormatAdapter] => [sample, adapter])))('%s', (sample, adapter) => {
    const input = csvFixture(sample);
    expect(detectBankFormat(input, { fileName: sample })).toBe(adapter);
    for (const [other] of ADAPTERS) if (other !== adapter) expect(other.detect(input), other.format).toBe(0);
  });
});

describe('text bank formats: other formats are not claimed', () => {
  const FIXTURES = new URL('../../fixtures/bank-formats/', import.meta.url);
  const filesOf = (dir: string): string[] => {
    const url = new URL(`${dir}/`, FIXTURES);
    return readdirSync(url).flatMap((name) => (statSync(new URL(name, url)).isDirectory() ? filesOf(`${dir}/${name}`) : [`${dir}/${name}`]));
  };
  const foreign = ['camt', 'berlin-group', 'uk-open-banking'].flatMap(filesOf).filter((f) => !/LICENSE|\.md$/.test(f));
  const statements = filesOf('mt940').filter((f) => /\.(sta|txt)$/.test(f));

  it('camt, Berlin Group and UK Open Banking files score 0 with the MT940 and CSV adapters', () => {
    expect(foreign.length).toBeGreaterThan(10);
    for (const file of foreign) {
      const input = readFileSync(new URL(file, FIXTURES));
      for (const adapter of [mt940Adapter, ...ADAPTERS.map(([a]) => a)]) expect(adapter.detect(input), `${adapter.format} on ${file}`).toBe(0);
    }
  });

  it('MT940 samples score 0 with every CSV adapter', () => {
    for (const file of statements) {
      const input = readFileSync(new URL(file, FIXTURES));
      for (const [adapter] of ADAPTERS) expect(adapter.detect(input), `${adapter.format} on ${file}`).toBe(0);
    }
  });
});
