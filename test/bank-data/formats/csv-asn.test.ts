import { describe, expect, it } from 'vitest';
import { csvAsnAdapter } from '../../../src/bank-data/formats/csv-asn.js';
import { csvFixture, refusal, sumOfCents } from './csv-fixtures.js';

const SAMPLE = 'transactie-historie_NL00ASNB9999999999_20220717204133.csv';

describe('ASN Bank CSV export (headerless)', () => {
  it(`${SAMPLE}: eleven rows, signed amounts with a decimal point, -46,20 in total`, () => {
    const asn = csvAsnAdapter.parse(csvFixture(SAMPLE));
    expect(asn.format).toBe('csv-asn');
    expect(asn.accounts).toEqual([{ iban: null, otherId: 'NL00ASNB9999999999', currency: 'EUR', ownerName: null, servicerBic: null }]);
    expect(asn.transactions).toHaveLength(11);
    expect(sumOfCents(asn.transactions)).toBe(-4620);
    expect(asn.transactions.map((t) => Math.sign(t.amountCents))).toEqual([1, -1, -1, 1, -1, -1, -1, 1, -1, -1, -1]);
    expect(asn.transactions[0]).toEqual({
      accountIndex: 0,
      sourceId: '2022-06-17/51392971',
      status: 'booked',
      bookingDate: '2022-06-17',
      valueDate: '2022-06-17',
      amountCents: 22377,
      currency: 'EUR',
      counterpartyName: 'XXXXXXXXX Z Z Z Z',
      counterpartyIban: null,
      counterpartyBic: null,
      remittanceUnstructured: null,
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: 'NGM',
      returnReasonCode: null,
      reversal: false,
      location: 'line 1',
    });
    expect(asn.transactions[1]!.remittanceUnstructured).toBe('000000000000000000000000000000000 1111111111111111 Betaling aan ICS 99999999999 ICS Referentie: 2022-06-17 14:21 000000000000000');
    // Booked (journaal) on 29 June for a payment of 28 June.
    expect(asn.transactions[5]).toMatchObject({ bookingDate: '2022-06-29', valueDate: '2022-06-28', amountCents: -40000 });
    expect(asn.transactions.at(-1)).toMatchObject({ amountCents: -56000, bookingDate: '2022-07-11', counterpartyName: 'M XXXXXXXXX ET MME YYYYYYYYY', location: 'line 11' });
  });

  it('the balance before each mutation plus the mutation is the next balance', () => {
    const asn = csvAsnAdapter.parse(csvFixture(SAMPLE));
    expect(asn.balances).toHaveLength(11);
    expect(asn.balances[0]).toMatchObject({ type: 'interimBooked', rawType: 'Saldo rekening voor mutatie', amountCents: 13044 });
    for (let i = 1; i < asn.balances.length; i++) {
      expect(asn.balances[i - 1]!.amountCents + asn.transactions[i - 1]!.amountCents, asn.balances[i]!.location).toBe(asn.balances[i]!.amountCents);
    }
  });

  it('keeps an apostrophe inside the apostrophe-quoted description', () => {
    const row = "01-03-2024,NL66ASNB0707070707,NL91ABNA0417164300,parkeerbedrijf,,,,EUR,100.00,EUR,-3.50,01-03-2024,01-03-2024,8810,BEA,90043054,,'Parkeren 's-Hertogenbosch',12\n";
    const asn = csvAsnAdapter.parse(Buffer.from(row));
    expect(asn.accounts[0]!.iban).toBe('NL66ASNB0707070707');
    expect(asn.transactions[0]).toMatchObject({ remittanceUnstructured: "Parkeren 's-Hertogenbosch", counterpartyIban: 'NL91ABNA0417164300', amountCents: -350 });
  });

  it('refuses a short row and an impossible date, naming the line', () => {
    const lines = csvFixture(SAMPLE).toString('utf8').split('\n');
    const damaged = [lines[0], lines[1]!.replace('17-06-2022,17-06-2022,9856', '30-02-2022,17-06-2022,9856'), 'too,short'].join('\n');
    expect(refusal(() => csvAsnAdapter.parse(Buffer.from(damaged)))).toMatchObject({ location: 'line 2', reason: 'Journaaldatum "30-02-2022" is not a calendar date' });
    const lenient = csvAsnAdapter.parse(Buffer.from(damaged), { lenient: true });
    expect(lenient.rejected.map((r) => [r.location, r.reason])).toEqual([
      ['line 2', 'Journaaldatum "30-02-2022" is not a calendar date'],
      ['line 3', 'the record has 2 fields where 19 are needed'],
    ]);
  });

  it('detects ASN by the shape of its first record and its own IBAN', () => {
    expect(csvAsnAdapter.detect(csvFixture(SAMPLE))).toBeGreaterThanOrEqual(0.9);
    for (const name of ['ing_ok.csv', 'Knab_transactieoverzicht_ok.csv', 'synthetic/bunq_comma.csv', 'synthetic/abnamro_TXT240201090000.TAB']) expect(csvAsnAdapter.detect(csvFixture(name))).toBe(0);
  });
});
