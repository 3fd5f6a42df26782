import { describe, expect, it } from 'vitest';
import { csvIngAdapter } from '../../../src/bank-data/formats/csv-ing.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

const SAMPLES = ['ing_ok.csv', 'ing_ok_Mutatiesoort.csv', 'ing_ok_Mutatiesoort_Extra.csv'];

describe('ING CSV export', () => {
  it.each(SAMPLES)('%s: six rows, Af as money out, 19,38 in total, value dates from "Valutadatum:"', (name) => {
    const ing = csvIngAdapter.parse(csvFixture(name));
    expect(ing.format).toBe('csv-ing');
    expect(ing.accounts).toEqual([{ iban: null, otherId: 'NL99INGB9999999999', currency: 'EUR', ownerName: null, servicerBic: null }]);
    expect(ing.transactions).toHaveLength(6);
    expect(sumOfCents(ing.transactions)).toBe(1938);
    expect(ing.transactions.map((t) => t.amountCents)).toEqual([-125, 125, 0, 2000, -31, -31]);
    expect(ing.transactions[0]).toEqual({
      accountIndex: 0,
      sourceId: null,
      status: 'booked',
      bookingDate: '2020-02-13',
      valueDate: '2020-02-13',
      amountCents: -125,
      currency: 'EUR',
      counterpartyName: null,
      counterpartyIban: null,
      counterpartyBic: null,
      remittanceUnstructured: 'Kosten OranjePakket met korting 1 jan t/m 31 jan 2020 ING BANK N.V.',
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: 'DV',
      returnReasonCode: null,
      reversal: false,
      location: 'line 2',
    });
    // "Naam: … Omschrijving: … IBAN: …" in Mededelingen: the counterparty and the description are read from the labels.
    expect(ing.transactions[3]).toMatchObject({
      amountCents: 2000,
      counterpartyName: 'PAULISSEN G J L M',
      remittanceUnstructured: 'Kosten rekening',
      proprietaryCode: 'OV',
      bookingDate: '2019-12-13',
      valueDate: '2019-12-13',
      location: 'line 5',
    });
    expect(ing.transactions.at(-1)).toMatchObject({ amountCents: -31, bookingDate: '2019-12-13', location: 'line 7' });
    expect(ing.balances).toEqual([]);
  });

  it('ing_fail.csv: refused at line 3, whose last field has a space before its opening quote', () => {
    const error = refusal(() => csvIngAdapter.parse(csvFixture('ing_fail.csv')));
    expect([error.format, error.location, error.reason]).toEqual([
      'csv-ing',
      'line 3',
      'column 9 (Mededelingen): a space stands before the opening quote, so the field is not quoted',
    ]);
    const lenient = csvIngAdapter.parse(csvFixture('ing_fail.csv'), { lenient: true });
    expect(lenient.transactions.map((t) => [t.location, t.amountCents])).toEqual([['line 2', -125]]);
    expect(lenient.rejected).toEqual([{ location: 'line 3', reason: error.reason }]);
  });

  it('reads the newer semicolon export with "Saldo na mutatie" and "Tag", card payments and direct debits', () => {
    const text = [
      '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"',
      '"20240305";"Albert Heijn 1234";"NL20INGB0001234567";"";"BA";"Af";"23,40";"Betaalautomaat";"Pasvolgnr: 002 05-03-2024 18:02 Transactie: 12AB34 Term: CT123456 Valutadatum: 05-03-2024";"1.476,60";""',
      '"20240304";"Energie Noord B.V.";"NL20INGB0001234567";"NL39RABO0300065264";"IC";"Af";"44,25";"Incasso";"Naam: Energie Noord B.V. Omschrijving: Termijn maart IBAN: NL39RABO0300065264 Kenmerk: 2024-03-000123 Machtiging ID: EN-2023-0042 Incassant ID: NL16ZZZ302040710000 Doorlopende incasso Valutadatum: 04-03-2024";"1.500,00";"#energie"',
    ].join('\r\n');
    const ing = csvIngAdapter.parse(Buffer.from(text));
    expect(ing.accounts[0]!.iban).toBe('NL20INGB0001234567');
    expect(ing.transactions[0]).toMatchObject({ amountCents: -2340, counterpartyName: 'Albert Heijn 1234', proprietaryCode: 'BA', valueDate: '2024-03-05' });
    expect(ing.transactions[1]).toMatchObject({
      amountCents: -4425,
      counterpartyName: 'Energie Noord B.V.',
      counterpartyIban: 'NL39RABO0300065264',
      endToEndId: '2024-03-000123',
      mandateId: 'EN-2023-0042',
      creditorId: 'NL16ZZZ302040710000',
      remittanceUnstructured: 'Termijn maart',
    });
    expect(ing.balances.map((b) => [b.type, b.rawType, b.amountCents, b.date, b.location])).toEqual([
      ['interimBooked', 'Saldo na mutatie', 147660, '2024-03-05', 'line 2'],
      ['interimBooked', 'Saldo na mutatie', 150000, '2024-03-04', 'line 3'],
    ]);
  });

  it('refuses an impossible date and an unknown Af/Bij mark, naming the line', () => {
    const header = '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort","Mededelingen"';
    const bad = (row: string) => refusal(() => csvIngAdapter.parse(Buffer.from(`${header}\n${row}\n`)));
    expect(bad('"20240230","x","NL20INGB0001234567","","DV","Af","1,00","Diversen",""')).toMatchObject({ location: 'line 2', reason: 'Datum "20240230" is not a calendar date' });
    expect(bad('"20240229","x","NL20INGB0001234567","","DV","Op","1,00","Diversen",""').reason).toBe('Af Bij "Op" is neither debit (Af/D) nor credit (Bij/C)');
    expect(bad('"20240229","x","NL20INGB0001234567","","DV","Af"').reason).toBe('the record has 6 fields where 9 are needed');
  });

  it('detects its own header only', () => {
    for (const name of [...SAMPLES, 'ing_fail.csv']) expect(csvIngAdapter.detect(csvFixture(name))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['Knab_transactieoverzicht_ok.csv', 'transactie-historie_NL00ASNB9999999999_20220717204133.csv', 'synthetic/bunq_semicolon.csv'])
      expect(csvIngAdapter.detect(csvFixture(name))).toBe(0);
  });
});
