import { describe, expect, it } from 'vitest';
import { csvKnabAdapter } from '../../../src/bank-data/formats/csv-knab.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

describe('Knab CSV export', () => {
  const knab = () => csvKnabAdapter.parse(csvFixture('Knab_transactieoverzicht_ok.csv'));

  it('Knab_transactieoverzicht_ok.csv: 28 rows under the "KNAB EXPORT" title, 13 credits and 15 debits, 7,01 in total', () => {
    const parsed = knab();
    expect(parsed.format).toBe('csv-knab');
    expect(parsed.accounts).toEqual([{ iban: null, otherId: 'NL99KNAB9999999999', currency: 'EUR', ownerName: null, servicerBic: null }]);
    expect(parsed.transactions).toHaveLength(28);
    expect(parsed.transactions.filter((t) => t.amountCents > 0)).toHaveLength(13);
    expect(parsed.transactions.filter((t) => t.amountCents < 0)).toHaveLength(15);
    expect(sumOfCents(parsed.transactions)).toBe(701);
    expect(parsed.rejected).toEqual([]);
  });

  it('first and last rows: the Referentie is the source id, Boekdatum the booking date, whole-euro amounts read as such', () => {
    const parsed = knab();
    expect(parsed.transactions[0]).toEqual({
      accountIndex: 0,
      sourceId: 'B9F21PGYA068V2KD',
      status: 'booked',
      bookingDate: '2019-06-21',
      valueDate: '2019-06-21',
      amountCents: -82775,
      currency: 'EUR',
      counterpartyName: 'Gert Janssen (FR)',
      counterpartyIban: null,
      counterpartyBic: null,
      remittanceUnstructured: 'Tresorie',
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: 'Overboeking',
      returnReasonCode: null,
      reversal: false,
      location: 'line 3',
    });
    expect(parsed.transactions[2]).toMatchObject({ amountCents: -250000, location: 'line 5' });
    expect(parsed.transactions.at(-1)).toMatchObject({ amountCents: 702, counterpartyName: 'Knab', proprietaryCode: 'Rente', sourceId: 'B9F28INNFQ2MUC3X', location: 'line 30' });
    // The transaction was made on 9 June and booked on 10 June.
    expect(parsed.transactions.find((t) => t.location === 'line 9')).toMatchObject({ bookingDate: '2019-06-10', valueDate: '2019-06-10', amountCents: -100000 });
  });

  it('refuses a CreditDebet that is neither C nor D, naming the line', () => {
    const text = csvFixture('Knab_transactieoverzicht_ok.csv').toString('latin1').replace('"21-06-2019";"EUR";"D";"827,75"', '"21-06-2019";"EUR";"X";"827,75"');
    expect(refusal(() => csvKnabAdapter.parse(Buffer.from(text, 'latin1')))).toMatchObject({ location: 'line 3', reason: 'CreditDebet "X" is neither debit (Af/D) nor credit (Bij/C)' });
  });

  it('detects its own export only', () => {
    expect(csvKnabAdapter.detect(csvFixture('Knab_transactieoverzicht_ok.csv'))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['ing_ok.csv', 'transactie-historie_NL00ASNB9999999999_20220717204133.csv', 'synthetic/rabobank_windows1252.csv']) expect(csvKnabAdapter.detect(csvFixture(name))).toBe(0);
  });
});
