import { describe, expect, it } from 'vitest';
import { csvRabobankAdapter } from '../../../src/bank-data/formats/csv-rabobank.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

const MONTH = 'synthetic/rabobank_NL13RABO0107650033_20240301_20240331.csv';

describe('Rabobank CSV export (synthetic files built from the documented layout)', () => {
  it('a month of nine rows: signed amounts with a decimal comma, 99,24 in total, the Volgnr as source id', () => {
    const rabo = csvRabobankAdapter.parse(csvFixture(MONTH));
    expect(rabo.format).toBe('csv-rabobank');
    expect(rabo.accounts).toEqual([{ iban: 'NL13RABO0107650033', otherId: null, currency: 'EUR', ownerName: null, servicerBic: 'RABONL2U' }]);
    expect(rabo.transactions).toHaveLength(9);
    expect(sumOfCents(rabo.transactions)).toBe(9924);
    expect(rabo.transactions[0]).toEqual({
      accountIndex: 0,
      sourceId: '000000000000007301',
      status: 'booked',
      bookingDate: '2024-03-01',
      valueDate: '2024-03-01',
      amountCents: 215000,
      currency: 'EUR',
      counterpartyName: 'Zorg & Welzijn B.V.',
      counterpartyIban: 'NL20INGB0001234567',
      counterpartyBic: 'INGBNL2A',
      remittanceUnstructured: 'Salaris maart 2024',
      remittanceStructured: null,
      endToEndId: 'SAL-202403',
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: 'cb',
      returnReasonCode: null,
      reversal: false,
      location: 'line 2',
    });
    expect(rabo.transactions.at(-1)).toMatchObject({ amountCents: -987, sourceId: '000000000000007309', remittanceUnstructured: 'Betaalautomaat 09:14 pasnr. 012 Leuven BEL', location: 'line 10' });
  });

  it('direct debits carry mandate and creditor id; a returned one its reason code; quotes and commas inside fields survive', () => {
    const rabo = csvRabobankAdapter.parse(csvFixture(MONTH));
    expect(rabo.transactions[1]).toMatchObject({
      amountCents: -87500,
      counterpartyName: 'Woningstichting "Het Anker"',
      remittanceUnstructured: 'Huur maart, Kerkstraat 12',
      mandateId: 'WS117-01',
      creditorId: 'NL16ZZZ302040710000',
      proprietaryCode: 'ei',
    });
    expect(rabo.transactions[4]).toMatchObject({ amountCents: 6195, returnReasonCode: 'MD06', bookingDate: '2024-03-08', valueDate: '2024-03-05' });
    expect(rabo.transactions[6]).toMatchObject({ counterpartyName: 'Belastingdienst Toeslagen', remittanceStructured: '1234567890123456', remittanceUnstructured: 'VOORSCHOT ZORGTOESLAG APRIL 2024' });
    expect(rabo.transactions[7]).toMatchObject({ amountCents: -125000 });
  });

  it('"Saldo na trn" gives a balance per row, and each is the previous one plus the row', () => {
    const rabo = csvRabobankAdapter.parse(csvFixture(MONTH));
    expect(rabo.balances[0]).toMatchObject({ type: 'interimBooked', rawType: 'Saldo na trn', amountCents: 236218, date: '2024-03-01', location: 'line 2' });
    for (let i = 1; i < rabo.balances.length; i++) {
      expect(rabo.balances[i - 1]!.amountCents + rabo.transactions[i]!.amountCents, rabo.balances[i]!.location).toBe(rabo.balances[i]!.amountCents);
    }
  });

  it('reads the windows-1252 download like the UTF-8 one', () => {
    const rabo = csvRabobankAdapter.parse(csvFixture('synthetic/rabobank_windows1252.csv'));
    expect(csvFixture('synthetic/rabobank_windows1252.csv').includes(Buffer.from('Café', 'utf8'))).toBe(false);
    expect(rabo.transactions.map((t) => t.counterpartyName)).toEqual(['Zorg & Welzijn B.V.', 'Woningstichting "Het Anker"', 'Café de Zwaan']);
    expect(sumOfCents(rabo.transactions)).toBe(215000 - 87500 - 2340);
  });

  it('refuses 30 February at the line that holds it; lenient mode keeps the other rows', () => {
    const error = refusal(() => csvRabobankAdapter.parse(csvFixture('synthetic/rabobank_february_30.csv')));
    expect([error.format, error.location, error.reason]).toEqual(['csv-rabobank', 'line 4', 'Datum "2024-02-30" is not a calendar date']);
    const lenient = csvRabobankAdapter.parse(csvFixture('synthetic/rabobank_february_30.csv'), { lenient: true });
    expect(lenient.transactions.map((t) => t.location)).toEqual(['line 2', 'line 3', 'line 5']);
    expect(lenient.rejected).toEqual([{ location: 'line 4', reason: 'Datum "2024-02-30" is not a calendar date' }]);
  });

  it('detects its own header only', () => {
    for (const name of [MONTH, 'synthetic/rabobank_windows1252.csv', 'synthetic/rabobank_february_30.csv']) expect(csvRabobankAdapter.detect(csvFixture(name))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['ing_ok.csv', 'Knab_transactieoverzicht_ok.csv', 'synthetic/bunq_comma.csv']) expect(csvRabobankAdapter.detect(csvFixture(name))).toBe(0);
  });
});
