import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { descriptionLayout, parsePaymentDescription } from '../../../src/bank-data/formats/payment-description.js';
import { PROPERTY_RUNS } from './adapter-robustness.js';

describe('payment descriptions', () => {
  it('tells the four layouts apart', () => {
    expect(descriptionLayout(['/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300'])).toBe('codewords');
    expect(descriptionLayout(['/EREF/123//CNTP/NL91ABNA0417164300/ABNANL2A/X///'])).toBe('codewords');
    expect(descriptionLayout(['166?00GUTSCHRIFT?20Miete'])).toBe('numbered-subfields');
    expect(descriptionLayout(['000>100987654321', '>20HUUR'])).toBe('numbered-subfields');
    expect(descriptionLayout(['Naam: J Jansen Omschrijving: Huur'])).toBe('labels');
    expect(descriptionLayout(['FACTUUR 12', 'REK: NL91ABNA0417164300/NAAM: PICQER'])).toBe('labels');
    expect(descriptionLayout(['BEA NR:XXX1234 21.05.11/12.54 DIRCKIII', 'Valutadatum: 01-01-2024'])).toBe('plain');
    expect(descriptionLayout(['/ID/ is no opening codeword'])).toBe('plain');
  });

  it('Rabobank codewords: the beneficiary is the counterparty, an ultimate party is not', () => {
    expect(parsePaymentDescription(['/EREF/E2E-1/BENM//NAME/Verhuur B.V./ID/12/REMI/Huur april/ULTB//NAME/Beheer B.V./ISDT/2024-04-01'])).toMatchObject({
      counterpartyName: 'Verhuur B.V.',
      endToEndId: 'E2E-1',
      remittanceUnstructured: 'Huur april',
    });
    expect(parsePaymentDescription(['/EREF/NOTPROVIDED/ORDP//NAME/Werkgever/REMI/Salaris'])).toMatchObject({ counterpartyName: 'Werkgever', endToEndId: null });
  });

  it('ING codewords: CNTP positions, structured and unstructured REMI, RTRN', () => {
    expect(parsePaymentDescription(['/RTRN/MD06//EREF/X-1//MARF/M-9//CSID/NL16ZZZ302040710000//CNTP/NL91ABNA0417164300/ABNANL2A/Energie B.V./Amsterdam///REMI/STRD/CUR/RF18539007547034/'])).toMatchObject({
      returnReasonCode: 'MD06',
      endToEndId: 'X-1',
      mandateId: 'M-9',
      creditorId: 'NL16ZZZ302040710000',
      counterpartyIban: 'NL91ABNA0417164300',
      counterpartyBic: 'ABNANL2A',
      counterpartyName: 'Energie B.V.',
      remittanceStructured: 'RF18539007547034',
      remittanceUnstructured: null,
    });
  });

  it('ABN AMRO labels that run into the previous value', () => {
    expect(
      parsePaymentDescription(['SEPA Incasso algemeen doorlopendIncassant: NL16ZZZ302040710000  Naam: NETFLIX INTERNATIONAL B.V.Machtiging: DD-0123 Omschrijving: Netflix Monthly Subscription IBAN: NL91ABNA0417164300']),
    ).toMatchObject({
      paymentType: 'SEPA Incasso algemeen doorlopend',
      creditorId: 'NL16ZZZ302040710000',
      counterpartyName: 'NETFLIX INTERNATIONAL B.V.',
      mandateId: 'DD-0123',
      remittanceUnstructured: 'Netflix Monthly Subscription',
      counterpartyIban: 'NL91ABNA0417164300',
    });
  });

  it('plain text: lines join with a space, except after a line cut at the wrap width', () => {
    const cut = 'x'.repeat(60) + 'Betal';
    expect(parsePaymentDescription([cut, 'ing aan ICS'], 65).remittanceUnstructured).toBe(`${'x'.repeat(60)}Betaling aan ICS`);
    const padded = 'x'.repeat(60) + 'Beta ';
    expect(parsePaymentDescription([padded, 'ling'], 65).remittanceUnstructured).toBe(`${'x'.repeat(60)}Beta ling`);
    expect(parsePaymentDescription([cut, 'ing'], undefined).remittanceUnstructured).toBe(`${'x'.repeat(60)}Betal ing`);
    expect(parsePaymentDescription(['', '   ']).remittanceUnstructured).toBeNull();
  });

  it('never throws, whatever the text', () => {
    const text = fc.array(fc.string({ unit: fc.constantFrom('/', '?', '>', ':', '+', ' ', 'A', 'N', 'E', 'R', 'F', '0', '2', 'Naam', 'IBAN', 'REMI', 'TRTP', 'SVWZ', 'EREF', '\n') }), { maxLength: 6 });
    fc.assert(
      fc.property(text, fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }), (lines, width) => {
        const parsed = parsePaymentDescription(lines, width);
        for (const value of Object.values(parsed)) expect(value === null || typeof value === 'string').toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});
