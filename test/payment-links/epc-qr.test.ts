import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instalmentCreditorReference } from '../../src/payment-links/creditor-reference.js';
import {
  EPC_MAX_PAYLOAD_BYTES,
  EpcQrError,
  buildEpcPayload,
  formatEpcAmount,
  isValidIban,
  normaliseIban,
  parseEpcAmount,
  type EpcCreditTransfer,
} from '../../src/payment-links/epc-qr.js';
import { dutchIban } from '../../src/simulation/dutch-identifiers.js';

const IBAN = 'NL91ABNA0417164300';
const BASE: EpcCreditTransfer = { beneficiaryName: 'Gemeente Voorbeeld', iban: IBAN };

/** An IBAN of the given total length with correct check digits, computed here with BigInt. */
function ibanOfLength(length: number): string {
  const bban = '1'.repeat(length - 4);
  const digits = `${bban}${'XK'.split('').map((c) => c.charCodeAt(0) - 55).join('')}00`;
  return `XK${String(98n - (BigInt(digits) % 97n)).padStart(2, '0')}${bban}`;
}

function lines(transfer: EpcCreditTransfer): string[] {
  return buildEpcPayload(transfer).split('\n');
}

function errorOf(fn: () => unknown): EpcQrError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EpcQrError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('EPC069-12 payload, element by element', () => {
  it('writes all twelve elements at their positions', () => {
    const payload = buildEpcPayload({
      bic: 'abnanl2a',
      beneficiaryName: 'Stichting Schuldhulp Zoë',
      iban: 'nl91 abna 0417 1643 00',
      amountCents: 4550,
      purpose: 'GDDS',
      structuredReference: 'RF18 5390 0754 7034',
      beneficiaryToOriginatorInfo: 'Termijn 3 van 12',
    });
    expect(payload.split('\n')).toEqual([
      'BCD', // 1 service tag
      '002', // 2 version
      '1', // 3 character set: UTF-8
      'SCT', // 4 identification: SEPA credit transfer
      'ABNANL2A', // 5 BIC
      'Stichting Schuldhulp Zoë', // 6 beneficiary name
      'NL91ABNA0417164300', // 7 IBAN, electronic form
      'EUR45.50', // 8 amount
      'GDDS', // 9 purpose
      'RF18539007547034', // 10 structured reference, electronic form
      '', // 11 unstructured remittance: excluded by 10
      'Termijn 3 van 12', // 12 beneficiary to originator information
    ]);
    expect(payload).not.toMatch(/\r/);
    expect(payload.endsWith('\n')).toBe(false);
  });

  it('puts an unstructured remittance text at element 11 and leaves 10 empty', () => {
    expect(lines({ ...BASE, amountCents: 100, remittanceText: 'Factuur 2024-117 maart' })).toEqual([
      'BCD', '002', '1', 'SCT', '', 'Gemeente Voorbeeld', IBAN, 'EUR1.00', '', '', 'Factuur 2024-117 maart',
    ]);
  });

  it('ends at the last element with a value: no separator after it, empty elements before it kept', () => {
    expect(buildEpcPayload(BASE)).toBe(`BCD\n002\n1\nSCT\n\nGemeente Voorbeeld\n${IBAN}`);
    expect(lines({ ...BASE, amountCents: 1 })).toHaveLength(8);
    expect(lines({ ...BASE, structuredReference: 'RF18539007547034' })).toHaveLength(10);
    const onlyInfo = lines({ ...BASE, beneficiaryToOriginatorInfo: 'Dank u' });
    expect(onlyInfo).toHaveLength(12);
    expect(onlyInfo.slice(7, 11)).toEqual(['', '', '', '']);
    expect(onlyInfo[11]).toBe('Dank u');
  });

  it('refuses a structured reference and a remittance text together', () => {
    const error = errorOf(() => buildEpcPayload({ ...BASE, structuredReference: 'RF18539007547034', remittanceText: 'Factuur 1' }));
    expect(error.field).toBe('payload');
    expect(error.message).toMatch(/not both/);
  });

  it('checks the BIC shape and leaves it out when absent (optional in version 002)', () => {
    expect(lines({ ...BASE, bic: 'DEUTDEFF500' })[4]).toBe('DEUTDEFF500');
    expect(lines({ ...BASE, bic: '' })[4]).toBe('');
    for (const bic of ['ABNANL2', 'ABNANL2AX', 'ABNA1L2A', 'ABNANL2A12']) expect(errorOf(() => buildEpcPayload({ ...BASE, bic })).field).toBe('bic');
  });

  it('checks the purpose code', () => {
    expect(lines({ ...BASE, purpose: 'SUPP' })[8]).toBe('SUPP');
    for (const purpose of ['gdds', 'GDD', 'GDDSX', 'GD1S']) expect(errorOf(() => buildEpcPayload({ ...BASE, purpose })).field).toBe('purpose');
  });

  it('takes an RF reference in any spacing and case, and refuses a wrong one', () => {
    const ref = instalmentCreditorReference({ planNumber: 7, instalmentNumber: 12 });
    expect(lines({ ...BASE, structuredReference: ref.toLowerCase().replace(/(.{4})/g, '$1 ') })[9]).toBe(ref);
    expect(errorOf(() => buildEpcPayload({ ...BASE, structuredReference: 'RF19539007547034' })).field).toBe('structuredReference');
  });
});

describe('EPC069-12 limits at their edges', () => {
  it('beneficiary name: 1 to 70 characters', () => {
    expect(lines({ ...BASE, beneficiaryName: 'N'.repeat(70) })[5]).toHaveLength(70);
    expect(errorOf(() => buildEpcPayload({ ...BASE, beneficiaryName: 'N'.repeat(71) })).field).toBe('beneficiaryName');
    expect(errorOf(() => buildEpcPayload({ ...BASE, beneficiaryName: '   ' })).message).toMatch(/empty/);
  });

  it('counts the name in characters but the payload in UTF-8 bytes', () => {
    const name = 'ë'.repeat(70);
    const payload = buildEpcPayload({ ...BASE, beneficiaryName: name });
    expect(payload.split('\n')[5]).toBe(name);
    expect(Buffer.byteLength(payload, 'utf8') - payload.length).toBe(70);
    // An astral character is one character, not two UTF-16 units.
    expect(lines({ ...BASE, beneficiaryName: '𝄞'.repeat(70) })[5]).toBe('𝄞'.repeat(70));
    expect(errorOf(() => buildEpcPayload({ ...BASE, beneficiaryName: '𝄞'.repeat(71) })).field).toBe('beneficiaryName');
  });

  it('structured reference: at most 35, remittance text: at most 140, information: at most 70', () => {
    expect(lines({ ...BASE, structuredReference: '9'.repeat(35) })[9]).toBe('9'.repeat(35));
    expect(errorOf(() => buildEpcPayload({ ...BASE, structuredReference: '9'.repeat(36) })).field).toBe('structuredReference');
    expect(errorOf(() => buildEpcPayload({ ...BASE, structuredReference: 'Factuur€12' })).field).toBe('structuredReference');
    expect(lines({ ...BASE, remittanceText: 'r'.repeat(140) })[10]).toHaveLength(140);
    expect(errorOf(() => buildEpcPayload({ ...BASE, remittanceText: 'r'.repeat(141) })).field).toBe('remittanceText');
    expect(lines({ ...BASE, beneficiaryToOriginatorInfo: 'i'.repeat(70) })[11]).toHaveLength(70);
    expect(errorOf(() => buildEpcPayload({ ...BASE, beneficiaryToOriginatorInfo: 'i'.repeat(71) })).field).toBe('beneficiaryToOriginatorInfo');
  });

  it('the whole payload: at most 331 bytes', () => {
    const withText = (text: string): EpcCreditTransfer => ({ ...BASE, beneficiaryName: 'B'.repeat(70), amountCents: 99_999_999_999, remittanceText: text });
    const prefixBytes = Buffer.byteLength(buildEpcPayload(withText('x')), 'utf8') - 1;
    const room = EPC_MAX_PAYLOAD_BYTES - prefixBytes;
    // Fill the room with two-byte characters so the text stays within 140 characters.
    const twoByte = room - 140;
    expect(twoByte).toBeGreaterThan(0);
    const fitting = 'é'.repeat(twoByte) + 'x'.repeat(room - 2 * twoByte);
    expect([...fitting].length).toBeLessThanOrEqual(140);
    const payload = buildEpcPayload(withText(fitting));
    expect(Buffer.byteLength(payload, 'utf8')).toBe(EPC_MAX_PAYLOAD_BYTES);
    const over = errorOf(() => buildEpcPayload(withText(`${fitting.slice(0, -1)}é`)));
    expect(over.field).toBe('payload');
    expect(over.message).toMatch(/332 bytes/);
  });

  it('amount: EUR0.01 to EUR999999999.99 from whole cents', () => {
    expect(lines({ ...BASE, amountCents: 1 })[7]).toBe('EUR0.01');
    expect(lines({ ...BASE, amountCents: 99_999_999_999 })[7]).toBe('EUR999999999.99');
    expect(lines({ ...BASE, amountCents: 1230 })[7]).toBe('EUR12.30');
    expect(lines({ ...BASE, amountCents: 29 })[7]).toBe('EUR0.29');
    for (const amountCents of [0, -1, 100_000_000_000, 12.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(errorOf(() => buildEpcPayload({ ...BASE, amountCents })).field).toBe('amountCents');
    }
  });

  it('amount formatting round-trips for every cents value in range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999 }), (cents) => {
        const element = formatEpcAmount(cents);
        expect(element).toMatch(/^EUR(0|[1-9][0-9]{0,8})\.[0-9]{2}$/);
        expect(parseEpcAmount(element)).toBe(cents);
        // Independent of the module: the digits of the cents with a dot before the last two.
        const digits = String(cents).padStart(3, '0');
        expect(element).toBe(`EUR${digits.slice(0, -2)}.${digits.slice(-2)}`);
      }),
      { numRuns: 2000 },
    );
    expect(parseEpcAmount('EUR12.3')).toBe(1230);
    expect(() => parseEpcAmount('EUR12,30')).toThrow(EpcQrError);
    expect(() => parseEpcAmount('EUR0.00')).toThrow(EpcQrError);
    expect(() => parseEpcAmount('EUR1.234')).toThrow(EpcQrError);
  });

  it('refuses characters that break lines or hide text', () => {
    for (const bad of ['Naam\nTwee', 'Naam\rTwee', 'Na\u0000am', 'Naam\u202Eteb', 'Na\u200Bam', 'Na\u2028am', 'Na\uD800am']) {
      const error = errorOf(() => buildEpcPayload({ ...BASE, beneficiaryName: bad }));
      expect(error.field).toBe('beneficiaryName');
      expect(error.message).toMatch(/U\+[0-9A-F]{4}/);
    }
    expect(errorOf(() => buildEpcPayload({ ...BASE, remittanceText: 'a\nb' })).field).toBe('remittanceText');
    expect(lines({ ...BASE, beneficiaryName: '  Café Ø  ' })[5]).toBe('Café Ø');
  });
});

describe('IBAN', () => {
  it.each(['NL91ABNA0417164300', 'NL91 ABNA 0417 1643 00', 'GB82WEST12345698765432', 'DE89370400440532013000', 'BE68539007547034'])('accepts the public example %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it('refuses every single-digit change of NL91ABNA0417164300', () => {
    for (let i = 2; i < IBAN.length; i += 1) {
      if (!/[0-9]/.test(IBAN[i]!)) continue;
      for (const d of '0123456789') {
        if (d !== IBAN[i]) expect(isValidIban(IBAN.slice(0, i) + d + IBAN.slice(i + 1)), `${i}:${d}`).toBe(false);
      }
    }
  });

  it('accepts 15 to 34 characters and refuses other shapes', () => {
    expect(normaliseIban(ibanOfLength(34))).toHaveLength(34);
    expect(normaliseIban(ibanOfLength(15))).toHaveLength(15);
    expect(isValidIban(ibanOfLength(35))).toBe(false);
    expect(isValidIban(ibanOfLength(14))).toBe(false);
    expect(isValidIban('NL91ABNA04171643-0')).toBe(false);
    expect(errorOf(() => buildEpcPayload({ ...BASE, iban: 'NL92ABNA0417164300' })).field).toBe('iban');
  });

  it('accepts every IBAN the simulator makes (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('ABNA', 'RABO', 'INGB'), fc.stringMatching(/^[0-9]{10}$/), (bank, account) => {
        expect(isValidIban(dutchIban(bank, account))).toBe(true);
      }),
    );
  });
});
