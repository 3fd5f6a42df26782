import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CreditorReferenceError,
  buildCreditorReference,
  creditorReferenceCheckDigits,
  findCreditorReferences,
  findInstalmentReferences,
  formatCreditorReference,
  instalmentCreditorReference,
  isValidCreditorReference,
  parseCreditorReference,
  parseInstalmentCreditorReference,
} from '../../src/payment-links/creditor-reference.js';

/** ISO 11649 check, written independently of the module: BigInt over the letter-expanded digits. */
function referenceCheckOk(ref: string): boolean {
  const moved = ref.slice(4) + ref.slice(0, 4);
  const digits = [...moved].map((ch) => (/[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join('');
  return BigInt(digits) % 97n === 1n;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const bodyArb = fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 21 }).map((cs) => cs.join(''));

/** Writes a reference as a person or bank might: random case, random whitespace between characters. */
const messyArb = (ref: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: ref.length, maxLength: ref.length }),
      fc.array(fc.constantFrom('', '', '', ' ', '  ', '\n', '\r\n', '\t', '\u00a0'), { minLength: ref.length, maxLength: ref.length }),
    )
    .map(([lower, gaps]) => [...ref].map((ch, i) => (i > 0 ? gaps[i]! : '') + (lower[i] ? ch.toLowerCase() : ch)).join(''));

describe('ISO 11649 creditor reference', () => {
  it('accepts the ISO 11649 example RF18 5390 0754 7034 and computes its check digits', () => {
    expect(isValidCreditorReference('RF18539007547034')).toBe(true);
    expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidCreditorReference('rf18 5390\n0754 7034')).toBe(true);
    expect(creditorReferenceCheckDigits('539007547034')).toBe('18');
    expect(buildCreditorReference('5390 0754 7034')).toBe('RF18539007547034');
    expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });

  it('refuses every single-character change and every swap of neighbours of the example', () => {
    const ref = 'RF18539007547034';
    for (let i = 2; i < ref.length; i += 1) {
      for (const ch of '0123456789') {
        if (ch === ref[i]) continue;
        expect(isValidCreditorReference(ref.slice(0, i) + ch + ref.slice(i + 1)), `${i}:${ch}`).toBe(false);
      }
      if (i + 1 < ref.length && ref[i] !== ref[i + 1]) {
        expect(isValidCreditorReference(ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2))).toBe(false);
      }
    }
  });

  it('refuses check digits 99, 00 and 01, which pass mod 97 but are never issued', () => {
    // Find a body whose check digits are 02: then 02 + 97 = 99 passes the bare mod-97 test too.
    let body = '';
    for (let n = 1; body === ''; n += 1) if (creditorReferenceCheckDigits(String(n)) === '02') body = String(n);
    expect(isValidCreditorReference(`RF02${body}`)).toBe(true);
    expect(referenceCheckOk(`RF99${body}`)).toBe(true);
    expect(isValidCreditorReference(`RF99${body}`)).toBe(false);
    let body98 = '';
    for (let n = 1; body98 === ''; n += 1) if (creditorReferenceCheckDigits(String(n)) === '98') body98 = String(n);
    expect(referenceCheckOk(`RF01${body98}`)).toBe(true);
    expect(isValidCreditorReference(`RF01${body98}`)).toBe(false);
  });

  it('says what is wrong with a reference', () => {
    expect(parseCreditorReference('rf18 5390 0754 7034')).toBe('RF18539007547034');
    expect(() => parseCreditorReference('NL18539007547034')).toThrow(/start with RF/);
    expect(() => parseCreditorReference('RFAB539007547034')).toThrow(/two check digits/);
    expect(() => parseCreditorReference('RF18')).toThrow(/no reference/);
    expect(() => parseCreditorReference(`RF18${'1'.repeat(22)}`)).toThrow(/more than 21/);
    expect(() => parseCreditorReference('RF185390-0754')).toThrow(/only A–Z and 0–9/);
    expect(() => parseCreditorReference('RF19539007547034')).toThrow(CreditorReferenceError);
    expect(() => buildCreditorReference('1'.repeat(22))).toThrow(CreditorReferenceError);
    expect(() => buildCreditorReference('')).toThrow(CreditorReferenceError);
  });

  it('builds references of 1 to 21 characters that validate, by the independent check too (property)', () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const ref = buildCreditorReference(body);
        expect(ref).toBe(`RF${ref.slice(2, 4)}${body}`);
        expect(referenceCheckOk(ref)).toBe(true);
        expect(isValidCreditorReference(ref)).toBe(true);
        expect(parseCreditorReference(formatCreditorReference(ref).toLowerCase())).toBe(ref);
      }),
      { numRuns: 500 },
    );
  });

  it('finds any reference back in a remittance text with random spaces, case and line breaks (property)', () => {
    const caseArb = bodyArb.map(buildCreditorReference).chain((ref) =>
      fc.tuple(fc.constant(ref), messyArb(ref), fc.constantFrom('', 'Betaling ', 'Factuur 2024-17, kenmerk: ', 'ref\n'), fc.constantFrom('', ' termijn 3', ', dank u', '\n/INV/12')),
    );
    fc.assert(
      fc.property(caseArb, ([ref, messy, before, after]) => {
        expect(findCreditorReferences(`${before}${messy}${after}`)).toContain(ref);
      }),
      { numRuns: 500 },
    );
  });

  it('finds references in texts as banks deliver them, and nothing in texts without one', () => {
    expect(findCreditorReferences('Betaling RF18 5390 0754 7034 termijn 3')).toEqual(['RF18539007547034']);
    // A line wrapped in the middle of a group.
    expect(findCreditorReferences('Betaling RF18 5390 07\n54 7034')).toContain('RF18539007547034');
    expect(findCreditorReferences('/RFB/RF18539007547034/INV/4')).toContain('RF18539007547034');
    expect(findCreditorReferences('Factuur 12345 huur maart')).toEqual([]);
    // Wrong check digits, and an "rf" inside a word, are not references.
    expect(findCreditorReferences('Betaling RF19 5390 0754 7034')).toEqual([]);
    expect(findCreditorReferences('SURF18539007547034')).toEqual([]);
    // A reading that stops inside a word is a guess, so it is not offered.
    expect(findCreditorReferences('RF18539007547034ABC')).not.toContain('RF18539007547034');
    expect(findCreditorReferences('Twee: RF18539007547034 en RF18 5390 0754 7034')).toEqual(['RF18539007547034']);
  });
});

describe('instalment references', () => {
  it('are deterministic, fixed length, and read back', () => {
    const ref = instalmentCreditorReference({ planNumber: 42, instalmentNumber: 3 });
    expect(ref).toBe(instalmentCreditorReference({ planNumber: 42, instalmentNumber: 3 }));
    expect(ref).toMatch(/^RF[0-9]{2}000000000042003$/);
    expect(referenceCheckOk(ref)).toBe(true);
    expect(parseInstalmentCreditorReference(ref)).toEqual({ planNumber: 42, instalmentNumber: 3 });
    expect(instalmentCreditorReference({ planNumber: 999_999_999_999, instalmentNumber: 999 })).toHaveLength(19);
    expect(instalmentCreditorReference({ planNumber: 1, instalmentNumber: 1 })).toHaveLength(19);
    expect(instalmentCreditorReference({ planNumber: 42, instalmentNumber: 4 })).not.toBe(ref);
  });

  it.each([
    [0, 1],
    [1, 0],
    [1_000_000_000_000, 1],
    [1, 1000],
    [1.5, 1],
    [-3, 1],
    [Number.NaN, 1],
  ])('refuses plan %d instalment %d', (planNumber, instalmentNumber) => {
    expect(() => instalmentCreditorReference({ planNumber, instalmentNumber })).toThrow(CreditorReferenceError);
  });

  it('does not read other references as instalment references', () => {
    expect(parseInstalmentCreditorReference('RF18539007547034')).toBeNull();
    expect(parseInstalmentCreditorReference(buildCreditorReference('000000000000001'))).toBeNull();
    expect(parseInstalmentCreditorReference(buildCreditorReference('00000000004200A'))).toBeNull();
    expect(parseInstalmentCreditorReference('RF00000000000042003')).toBeNull();
  });

  it('are found back in messy remittance texts, also glued to the next word (property)', () => {
    const caseArb = fc
      .record({ planNumber: fc.integer({ min: 1, max: 999_999_999_999 }), instalmentNumber: fc.integer({ min: 1, max: 999 }) })
      .chain((parts) => {
        const ref = instalmentCreditorReference(parts);
        return fc.tuple(fc.constant(parts), fc.constant(ref), messyArb(ref), fc.constantFrom('', 'Termijn', ' termijn 3', '\nDank u', '. 45,50 EUR'));
      });
    fc.assert(
      fc.property(caseArb, ([parts, ref, messy, after]) => {
        expect(findInstalmentReferences(`Betaling ${messy}${after}`)).toContainEqual({ reference: ref, ...parts });
      }),
      { numRuns: 500 },
    );
  });

  it('does not take the first 15 digits of a longer number', () => {
    const ref = instalmentCreditorReference({ planNumber: 42, instalmentNumber: 3 });
    expect(findInstalmentReferences(`${ref}Termijn`)).toHaveLength(1);
    expect(findInstalmentReferences(`${ref}7`)).toEqual([]);
    expect(findInstalmentReferences(`x${ref}`)).toEqual([]);
  });
});
