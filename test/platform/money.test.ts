import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountFormatError, applyBasisPoints, formatCents, formatEuroNl, parseAmountToCents, splitCents } from '../../src/platform/money.js';

describe('parseAmountToCents', () => {
  it.each([
    ['0.29', 29],
    ['-12.5', -1250],
    ['+0,07', 7],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['1.234.567', 123456700],
    ['100.00000', 10000],
    ['5', 500],
    [',5', 50],
    ['-0.00', 0],
    ['1 234,00', 123400],
  ])('%s → %i cents', (input, cents) => {
    expect(parseAmountToCents(input)).toBe(cents);
  });

  it.each(['', 'abc', '1.2.3,4,5', '12.345', '0.001', '--1', '1e5', 'NaN'])('refuses %j', (input) => {
    if (input === '12.345') {
      // A single group of three after a dot is read as a decimal fraction, and sub-cent digits are refused.
      expect(() => parseAmountToCents(input)).toThrow(/precision/);
      return;
    }
    expect(() => parseAmountToCents(input)).toThrow(AmountFormatError);
  });

  it('honours an explicit decimal separator', () => {
    expect(parseAmountToCents('1.234', { decimalSeparator: ',' })).toBe(123400);
    expect(parseAmountToCents('12,5', { decimalSeparator: ',' })).toBe(1250);
  });

  it('round-trips every cent amount through formatCents (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (cents) => {
        expect(parseAmountToCents(formatCents(cents))).toBe(cents);
        expect(parseAmountToCents(formatCents(cents).replace('.', ','), { decimalSeparator: ',' })).toBe(cents);
      }),
    );
  });

  it('throws only AmountFormatError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        try {
          const cents = parseAmountToCents(text);
          expect(Number.isSafeInteger(cents)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(AmountFormatError);
        }
      }),
    );
  });
});

describe('cent arithmetic', () => {
  it('splits totals into parts that add up exactly and differ by at most a cent (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e11, max: 1e11 }), fc.integer({ min: 1, max: 120 }), (total, parts) => {
        const split = splitCents(total, parts);
        expect(split).toHaveLength(parts);
        expect(split.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...split) - Math.min(...split)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('applies basis points with half-away-from-zero rounding', () => {
    expect(applyBasisPoints(250_000, 1500)).toBe(37_500);
    expect(applyBasisPoints(1, 5000)).toBe(1);
    expect(applyBasisPoints(-1, 5000)).toBe(-1);
    expect(applyBasisPoints(333, 3333)).toBe(111);
  });

  it('formats euro for Dutch readers', () => {
    expect(formatEuroNl(123456)).toBe('€ 1.234,56');
    expect(formatEuroNl(-5)).toBe('-€ 0,05');
  });
});
