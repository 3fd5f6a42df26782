import { describe, expect, it } from 'vitest';
import { csvAbnAmroAdapter, rejoinAbnAmroColumns } from '../../../src/bank-data/formats/csv-abnamro.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

const SAMPLE = 'synthetic/abnamro_TXT240201090000.TAB';

describe('ABN AMRO TAB export (synthetic file built from the documented layout)', () => {
  it('seven rows of two accounts, signed amounts with a decimal comma, 2235,02 in total', () => {
    const abn = csvAbnAmroAdapter.parse(csvFixture(SAMPLE));
    expect(abn.format).toBe('csv-abnamro');
    expect(abn.accounts).toEqual([
      { iban: null, otherId: '417164300', currency: 'EUR', ownerName: null, servicerBic: null },
      { iban: 'NL02ABNA0123456789', otherId: null, currency: 'EUR', ownerName: null, servicerBic: null },
    ]);
    expect(abn.transactions).toHaveLength(7);
    expect(sumOfCents(abn.transactions)).toBe(223502);
    expect(abn.transactions.map((t) => t.accountIndex)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(abn.transactions[0]).toMatchObject({
      amountCents: -1245,
      bookingDate: '2024-01-02',
      valueDate: '2024-01-02',
      remittanceUnstructured: 'BEA, Betaalpas Albert Heijn 1234,PAS123 NR:A1B2C3, 02.01.24/17:31 AMSTERDAM',
      location: 'line 1',
    });
    expect(abn.transactions.at(-1)).toMatchObject({ amountCents: 42, accountIndex: 1, remittanceUnstructured: 'CREDIT INTEREST over the period from 01-01-2024 to 31-01-2024', location: 'line 7' });
  });

  it('reads the labelled SEPA layout across its 32/64-character columns, mending a word the export split', () => {
    const abn = csvAbnAmroAdapter.parse(csvFixture(SAMPLE));
    expect(abn.transactions[1]).toMatchObject({
      amountCents: -5000,
      counterpartyName: 'J. de Vries',
      counterpartyIban: 'NL20INGB0001234567',
      counterpartyBic: 'INGBNL2A',
      remittanceUnstructured: 'terugbetaling etentje en bioscoop',
      proprietaryCode: 'SEPA Overboeking',
    });
    expect(abn.transactions[2]).toMatchObject({
      amountCents: -4425,
      counterpartyName: 'Energie Noord B.V.',
      creditorId: 'NL16ZZZ302040710000',
      mandateId: 'EN-2023-0042',
      endToEndId: '2024-01-000123',
      remittanceUnstructured: 'Termijn januari',
      proprietaryCode: 'SEPA Incasso algemeen doorlopend',
    });
  });

  it('reads the codeword layout, including the return reason of a reversed direct debit', () => {
    const abn = csvAbnAmroAdapter.parse(csvFixture(SAMPLE));
    expect(abn.transactions[3]).toMatchObject({
      amountCents: 4425,
      returnReasonCode: 'MD06',
      counterpartyIban: 'NL39RABO0300065264',
      counterpartyBic: 'RABONL2U',
      remittanceUnstructured: 'Storno termijn januari',
    });
    expect(abn.transactions[4]).toMatchObject({ amountCents: 230000, counterpartyName: 'Werkgever Zuid B.V.', endToEndId: 'SAL-2024-01-0007', remittanceUnstructured: 'Salaris januari 2024' });
  });

  it('the end balance of each row is the one before it plus the row', () => {
    const abn = csvAbnAmroAdapter.parse(csvFixture(SAMPLE));
    expect(abn.balances[0]).toMatchObject({ rawType: 'endsaldo', amountCents: 123755, date: '2024-01-02' });
    for (let i = 1; i < 6; i++) expect(abn.balances[i - 1]!.amountCents + abn.transactions[i]!.amountCents).toBe(abn.balances[i]!.amountCents);
  });

  it('undoes the column padding only where the text has exactly that shape', () => {
    const padded = `${'SEPA Overboeking'.padEnd(32)} ${'Naam: A'.padEnd(32)}${'Omschrijving: een heel lange oms'} ${'chrijving'.padEnd(64)}`;
    expect(rejoinAbnAmroColumns(padded)).toBe(`${'SEPA Overboeking'.padEnd(32)}${'Naam: A'.padEnd(32)}Omschrijving: een heel lange omschrijving`);
    expect(rejoinAbnAmroColumns('/TRTP/SEPA OVERBOEKING/NAME/X')).toBe('/TRTP/SEPA OVERBOEKING/NAME/X');
    expect(rejoinAbnAmroColumns('korte omschrijving')).toBe('korte omschrijving');
  });

  it('refuses a row with a bad amount or too few columns, naming the line', () => {
    const lines = csvFixture(SAMPLE).toString('latin1').split('\r\n');
    const damaged = [lines[0], lines[1]!.replace('-50,00', '-50,0,0'), '417164300\tEUR\t20240131'].join('\n');
    expect(refusal(() => csvAbnAmroAdapter.parse(Buffer.from(damaged, 'latin1')))).toMatchObject({ location: 'line 2', reason: 'amount "-50,0,0" is not an amount: misplaced separators' });
    expect(csvAbnAmroAdapter.parse(Buffer.from(damaged, 'latin1'), { lenient: true }).rejected.map((r) => r.location)).toEqual(['line 2', 'line 3']);
  });

  it('detects the TAB layout by its shape only', () => {
    expect(csvAbnAmroAdapter.detect(csvFixture(SAMPLE))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['ing_ok_Mutatiesoort_Extra.csv', 'transactie-historie_NL00ASNB9999999999_20220717204133.csv', 'synthetic/rabobank_windows1252.csv']) expect(csvAbnAmroAdapter.detect(csvFixture(name))).toBe(0);
  });
});
