import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { berlinGroupAdapter } from '../../../src/bank-data/formats/berlin-group.js';
import { detectBankFormat } from '../../../src/bank-data/formats/index.js';
import { ukOpenBankingAdapter } from '../../../src/bank-data/formats/uk-open-banking.js';
import { PROPERTY_RUNS, detectionIsAScore, expectCanonicalStatement, mutatedSample, parseThrowsOnlyBankFileErrors, randomBytes } from './adapter-robustness.js';
import { refusal } from './refusal.js';

const FIXTURES = new URL('../../fixtures/bank-formats/uk-open-banking/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const ALL_SAMPLES = readdirSync(FIXTURES).filter((name) => name.startsWith('v'));
const VALID_SAMPLES = ALL_SAMPLES.filter((name) => name.endsWith('.json'));
const parse = (name: string, lenient = false) => ukOpenBankingAdapter.parse(fixture(name), { lenient });
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('UK Open Banking transactions (v3.1.11)', () => {
  it('reads a credit with its running balance', () => {
    const statement = parse('v3.1.11_Transactions_response1.json');
    expect(statement.accounts).toEqual([{ iban: null, otherId: '22289', currency: null, ownerName: null, servicerBic: null }]);
    expect(statement.transactions).toEqual([
      {
        accountIndex: 0,
        sourceId: '123',
        status: 'booked',
        bookingDate: '2017-04-05',
        valueDate: '2017-04-05',
        amountCents: 1000,
        currency: 'GBP',
        counterpartyName: null,
        counterpartyIban: null,
        counterpartyBic: null,
        remittanceUnstructured: 'Cash from Aubrey',
        remittanceStructured: null,
        endToEndId: null,
        mandateId: null,
        creditorId: null,
        bankTransactionCode: null,
        proprietaryCode: 'Transfer',
        returnReasonCode: null,
        reversal: false,
        location: '/Data/Transaction/0',
      },
    ]);
    expect(statement.balances).toEqual([
      { accountIndex: 0, type: 'interimBooked', rawType: 'InterimBooked', amountCents: 23_000, currency: 'GBP', date: '2017-04-05', location: '/Data/Transaction/0/Balance' },
    ]);
  });

  it('keeps transactions of two accounts apart, debits negative', () => {
    const statement = parse('v3.1.11_Transactions_response2.json');
    expect(statement.accounts.map((a) => a.otherId)).toEqual(['22289', '31820']);
    expect(statement.transactions.map((t) => [t.accountIndex, t.sourceId, t.amountCents, t.bookingDate, t.remittanceUnstructured, t.proprietaryCode])).toEqual([
      [0, '123', 1000, '2017-04-05', 'Cash from Aubrey', 'Transfer'],
      [1, '567', -10_000, '2017-05-02', 'Paid the gas bill', 'DirectDebit'],
    ]);
    expect(statement.balances.map((b) => [b.accountIndex, b.amountCents])).toEqual([
      [0, 23_000],
      [1, -5736],
    ]);
  });
});

describe('UK Open Banking balances', () => {
  it.each([
    ['v3.1.11_Balances_response1.json', [['22289', 'interimAvailable', 123_000, '2017-04-05'], ['31820', 'interimBooked', -5736, '2017-05-02']]],
    ['v3.1.11_Balances_response2.json', [['22289', 'interimAvailable', 30_000, '2017-04-05']]],
    ['v3.1.11_Balances_response3.json', [['22289', 'interimAvailable', 80_000, '2017-04-05']]],
    ['v3.1.11_Balances_response4.json', [['22289', 'interimAvailable', -10_000, '2017-04-05']]],
    // The balance in the account's base currency, not its LocalAmount in USD.
    ['v3.1.11_Balances_response5.json', [['22289', 'closingAvailable', 32_906, '2023-04-05']]],
    ['v4.0_Balances_response1.json', [['22289', 'closingAvailable', 32_906, '2023-04-05']]],
  ])('%s', (name, expected) => {
    const statement = parse(name);
    expect(statement.balances.map((b) => [statement.accounts[b.accountIndex]!.otherId, b.type, b.amountCents, b.date])).toEqual(expected);
    expect(statement.balances.every((b) => b.currency === 'GBP')).toBe(true);
    expect(statement.transactions).toEqual([]);
  });
});

describe('UK Open Banking accounts', () => {
  it('reads accounts with their currency and the holder named on the account', () => {
    for (const name of ['v3.1.11_Accounts_response1.json', 'v4.0_Accounts_response1.json']) {
      expect(parse(name).accounts, name).toEqual([
        { iban: null, otherId: '22289', currency: 'GBP', ownerName: 'Mr Kevin', servicerBic: null },
        { iban: null, otherId: '31820', currency: 'GBP', ownerName: 'Mr Kevin', servicerBic: null },
      ]);
    }
    expect(parse('v3.1.11_Accounts_response3.json').accounts.map((a) => a.ownerName)).toEqual([null, null]);
    expect(parse('v4.0_Accounts_response2.json').accounts).toHaveLength(1);
  });

  it('takes the IBAN and BIC when the scheme says so', () => {
    const statement = ukOpenBankingAdapter.parse(
      json({
        Data: {
          Account: [
            {
              AccountId: 'A1',
              Currency: 'EUR',
              Servicer: { SchemeName: 'UK.OBIE.BICFI', Identification: 'ABNANL2A' },
              Account: [{ SchemeName: 'UK.OBIE.IBAN', Identification: 'NL91ABNA0417164300', Name: 'J. de Vries' }],
            },
          ],
        },
      }),
    );
    expect(statement.accounts).toEqual([{ iban: 'NL91ABNA0417164300', otherId: 'A1', currency: 'EUR', ownerName: 'J. de Vries', servicerBic: 'ABNANL2A' }]);
  });
});

describe('UK Open Banking v4.0 examples published as invalid JSON', () => {
  it.each([
    ['v4.0_Balances_response1.AS_PUBLISHED_INVALID_JSON.txt', 'line 10, column 9', /trailing comma/],
    ['v4.0_Balances_response2.AS_PUBLISHED_INVALID_JSON.txt', 'line 9, column 9', /trailing comma/],
    ['v4.0_Balances_response3.AS_PUBLISHED_INVALID_JSON.txt', 'line 9, column 9', /trailing comma/],
    ['v4.0_Balances_response4.AS_PUBLISHED_INVALID_JSON.txt', 'line 9, column 9', /trailing comma/],
    ['v4.0_Transactions_response1.AS_PUBLISHED_INVALID_JSON.txt', 'line 114, column 30', /control character/],
    ['v4.0_Transactions_response2.AS_PUBLISHED_INVALID_JSON.txt', 'line 118, column 30', /control character/],
  ])('refuses %s at %s', (name, location, reason) => {
    for (const lenient of [false, true]) {
      const error = refusal(() => parse(name, lenient));
      expect(error).toMatchObject({ format: 'uk-open-banking', kind: 'malformed', location });
      expect(error.reason).toMatch(reason);
    }
  });

  it('reads the v4.0 transaction example once its two publishing errors are repaired: ISO status codes, named parties', () => {
    const repaired = fixture('v4.0_Transactions_response2.AS_PUBLISHED_INVALID_JSON.txt').toString('utf8').replace('"\tVISA"', '"VISA"').replace(/,(\s*[}\]])/g, '$1');
    const statement = ukOpenBankingAdapter.parse(Buffer.from(repaired));
    expect(statement.transactions.map((t) => [t.status, t.amountCents, t.counterpartyName, t.counterpartyIban, t.counterpartyBic])).toEqual([
      // Credit: the debtor pays; its sort-code account is no IBAN and its agent's number no BIC.
      ['booked', 1000, 'Mr Juniper', null, null],
      // Debit without a creditor account: the ultimate creditor is who was paid.
      ['booked', -10_000, 'Ultimate Creditor', null, null],
    ]);
    expect(statement.balances.map((b) => [b.type, b.rawType, b.amountCents])).toEqual([
      ['interimBooked', 'ITBD', 23_000],
      ['interimBooked', 'InterimBooked', -5736],
    ]);
  });
});

describe('UK Open Banking strict and lenient reading', () => {
  const transaction = (overrides: Record<string, unknown>) => ({
    AccountId: '22289',
    TransactionId: 'T',
    Amount: { Amount: '10.00', Currency: 'GBP' },
    CreditDebitIndicator: 'Debit',
    Status: 'Booked',
    BookingDateTime: '2026-03-01T23:30:00+00:00',
    ...overrides,
  });

  it('strict mode names the first bad entry; lenient mode skips it and keeps the rest', () => {
    const file = json({
      Data: {
        Transaction: [
          transaction({}),
          transaction({ Amount: { Amount: '-10.00', Currency: 'GBP' } }),
          transaction({ CreditDebitIndicator: 'Minus' }),
          transaction({ Status: 'Booked', BookingDateTime: 'yesterday' }),
          transaction({ Status: 'RJCT' }),
          transaction({ MerchantDetails: { MerchantName: 'Tesco' }, TransactionReference: 'FP-1', TransactionId: null }),
        ],
      },
    });
    expect(refusal(() => ukOpenBankingAdapter.parse(file)).location).toBe('/Data/Transaction/1/Amount/Amount');
    const lenient = ukOpenBankingAdapter.parse(file, { lenient: true });
    expect(lenient.transactions.map((t) => [t.location, t.amountCents, t.sourceId, t.counterpartyName, t.bookingDate])).toEqual([
      ['/Data/Transaction/0', -1000, 'T', null, '2026-03-01'],
      ['/Data/Transaction/5', -1000, 'FP-1', 'Tesco', '2026-03-01'],
    ]);
    expect(lenient.rejected.map((r) => r.location)).toEqual(['/Data/Transaction/1/Amount/Amount', '/Data/Transaction/2/CreditDebitIndicator', '/Data/Transaction/3/BookingDateTime', '/Data/Transaction/4']);
  });

  it('refuses what is not an account information response', () => {
    expect(refusal(() => ukOpenBankingAdapter.parse(json({ Data: {} }))).location).toBe('/Data');
    expect(refusal(() => ukOpenBankingAdapter.parse(json({ data: { Transaction: [] } }))).location).toBe('/Data');
    expect(refusal(() => ukOpenBankingAdapter.parse(Buffer.from(''))).reason).toMatch(/expected a value/);
  });
});

describe('UK Open Banking detection', () => {
  it('claims every example, valid or not, and leaves them to no other adapter', () => {
    for (const name of ALL_SAMPLES) {
      expect(ukOpenBankingAdapter.detect(fixture(name)), name).toBeGreaterThanOrEqual(0.7);
      expect(berlinGroupAdapter.detect(fixture(name)), name).toBe(0);
      expect(detectBankFormat(fixture(name)), name).toBe(ukOpenBankingAdapter);
    }
  });
});

describe('UK Open Banking adapter on hostile and damaged input', () => {
  const samples = ALL_SAMPLES.map((name) => fixture(name).toString('utf8'));

  it('every valid example parses strictly into a canonical statement', () => {
    for (const name of VALID_SAMPLES) expectCanonicalStatement(parse(name));
  });

  it('throws nothing but BankFileError for random bytes and random JSON, and detection never throws', () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes, fc.jsonValue().map((value) => json(value)), fc.jsonValue().map((value) => json({ Data: value }))), (input) => {
        parseThrowsOnlyBankFileErrors(ukOpenBankingAdapter, input);
        detectionIsAScore(ukOpenBankingAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for random values in the places the adapter reads', () => {
    const entry = fc.record({
      AccountId: fc.oneof(fc.constant('22289'), fc.jsonValue()),
      Amount: fc.oneof(fc.jsonValue(), fc.record({ Amount: fc.jsonValue(), Currency: fc.jsonValue() })),
      CreditDebitIndicator: fc.oneof(fc.constantFrom('Credit', 'Debit'), fc.jsonValue()),
      Status: fc.oneof(fc.constantFrom('Booked', 'PDNG', 'INFO'), fc.jsonValue()),
      BookingDateTime: fc.jsonValue(),
      Type: fc.jsonValue(),
      DateTime: fc.jsonValue(),
      Balance: fc.jsonValue(),
      CreditorAccount: fc.jsonValue(),
      DebtorAccount: fc.jsonValue(),
    });
    fc.assert(
      fc.property(fc.record({ Transaction: fc.oneof(entry, fc.array(entry)), Balance: fc.oneof(entry, fc.array(entry)), Account: fc.array(fc.jsonValue()) }), (data) =>
        parseThrowsOnlyBankFileErrors(ukOpenBankingAdapter, json({ Data: data })),
      ),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for damaged examples', () => {
    fc.assert(
      fc.property(mutatedSample(samples), (input) => {
        parseThrowsOnlyBankFileErrors(ukOpenBankingAdapter, input);
        detectionIsAScore(ukOpenBankingAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });
});
