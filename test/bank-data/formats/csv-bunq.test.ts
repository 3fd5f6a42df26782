import { describe, expect, it } from 'vitest';
import { csvBunqAdapter } from '../../../src/bank-data/formats/csv-bunq.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

describe('bunq CSV export (synthetic files built from the documented layout)', () => {
  it('semicolon export with "Account": five rows, 1359,20 in total, a description over two lines', () => {
    const bunq = csvBunqAdapter.parse(csvFixture('synthetic/bunq_semicolon.csv'));
    expect(bunq.format).toBe('csv-bunq');
    expect(bunq.accounts).toEqual([{ iban: 'NL64BUNQ2025461830', otherId: null, currency: 'EUR', ownerName: null, servicerBic: null }]);
    expect(bunq.transactions).toHaveLength(5);
    expect(sumOfCents(bunq.transactions)).toBe(135920);
    expect(bunq.transactions[0]).toEqual({
      accountIndex: 0,
      sourceId: null,
      status: 'booked',
      bookingDate: '2024-04-02',
      valueDate: '2024-04-02',
      amountCents: -450,
      currency: 'EUR',
      counterpartyName: 'Coffee Company',
      counterpartyIban: null,
      counterpartyBic: null,
      remittanceUnstructured: 'Coffee Company AMSTERDAM, NL',
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: null,
      returnReasonCode: null,
      reversal: false,
      location: 'line 2',
    });
    expect(bunq.transactions[1]).toMatchObject({ amountCents: 185000, counterpartyIban: 'NL91ABNA0417164300', remittanceUnstructured: 'Salaris april; inclusief "reiskosten"' });
    expect(bunq.transactions[3]).toMatchObject({ bookingDate: '2024-04-06', valueDate: '2024-05-01' });
    expect(bunq.transactions.at(-1)).toMatchObject({ amountCents: 25000, remittanceUnstructured: 'Terug van\nvakantie', location: 'line 6' });
  });

  it('older comma export without "Account", with a BOM and decimal points: three rows, -1288,90 in total', () => {
    const bunq = csvBunqAdapter.parse(csvFixture('synthetic/bunq_comma.csv'));
    expect(bunq.accounts).toEqual([{ iban: null, otherId: null, currency: 'EUR', ownerName: null, servicerBic: null }]);
    expect(bunq.transactions.map((t) => [t.amountCents, t.counterpartyName, t.location])).toEqual([
      [5, 'bunq', 'line 2'],
      [-3995, 'Telecom Centrum', 'line 3'],
      [-124900, 'Elektronica Winkel', 'line 4'],
    ]);
    expect(sumOfCents(bunq.transactions)).toBe(-128890);
  });

  it('refuses an amount that reads two ways rather than guessing', () => {
    const text = '"Date";"Interest Date";"Amount";"Counterparty";"Name";"Description"\n"2024-01-02";"2024-01-02";"1.234";"";"x";"y"\n';
    expect(refusal(() => csvBunqAdapter.parse(Buffer.from(text)))).toMatchObject({ location: 'line 2', reason: 'Amount "1.234" is not an amount: more precision than cents' });
  });

  it('detects its header only', () => {
    for (const name of ['synthetic/bunq_semicolon.csv', 'synthetic/bunq_comma.csv']) expect(csvBunqAdapter.detect(csvFixture(name))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['ing_ok.csv', 'Knab_transactieoverzicht_ok.csv', 'synthetic/rabobank_windows1252.csv']) expect(csvBunqAdapter.detect(csvFixture(name))).toBe(0);
  });
});
