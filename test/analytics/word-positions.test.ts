/**
 * WordPositions must find exactly the words tokenise() finds, since categorisation and stream
 * detection read remittances through it instead of through tokenise().
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WordPositions, tokenise } from '../../src/analytics/counterparty-name.js';

/** Bank-text characters plus what sends a text down the Unicode path: accents, typographic marks, control characters. */
const CHARACTERS = [...'abcXYZ0123456789 .,:/-*\'"', 'é', 'É', 'ü', 'ß', '\u00a0', '\t', '\n', '\r', '\u0001', '\u007f', 'İ', '€', 'ŉ', '\u0300', '²'];
const text = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 40 }).map((chars) => chars.join(''));

describe('WordPositions', () => {
  it('reads the words tokenise() gives, for any text', () => {
    const words = new WordPositions();
    fc.assert(
      fc.property(fc.option(text), (value) => {
        words.read(value);
        expect(Array.from({ length: words.count }, (_, i) => words.word(i))).toEqual(tokenise(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('compares words in place as their strings compare', () => {
    const words = new WordPositions();
    fc.assert(
      fc.property(text, fc.nat(), (value, cut) => {
        const expected = tokenise(value);
        words.read(value);
        expected.forEach((word, i) => {
          expect(words.is(i, word)).toBe(true);
          expect(words.is(i, `${word}a`)).toBe(false);
          expect(words.startsWith(i, word.slice(0, cut % (word.length + 1)))).toBe(true);
          expect(words.startsWith(i, `${word}a`)).toBe(false);
          expect(words.hasDigit(i)).toBe(/\d/.test(word));
        });
      }),
      { numRuns: 1_000 },
    );
  });
});
