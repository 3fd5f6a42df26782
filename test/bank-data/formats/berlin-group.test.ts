import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BankFileError } from '../../../src/bank-data/canonical.js';
import { berlinGroupAdapter } from '../../../src/bank-data/formats/berlin-group.js';
import { detectBankFormat } from '../../../src/bank-data/formats/index.js';
import { ukOpenBankingAdapter } from '../../../src/bank-data/formats/uk-open-banking.js';
import { PROPERTY_RUNS, detectionIsAScore, expectCanonicalStatement, mutatedSample, parseThrowsOnlyBankFileErrors, randomBytes } from './adapter-robustness.js';
import { refusal } from './refusal.js';

const FIXTURES = new URL('../../fixtures/bank-formats/berlin-group/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const SAMPLES = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));
const parse = (name: string, lenient = false) => berlinGroupAdapter.parse(fixture(name), { lenient });
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const sumCents = (amounts: number[]): number => amounts.reduce((a, b) => a + b, 0);

describe('Berlin Group transaction reports', () => {
  it('reads the regular account example: booked and pending, signs from the amount, counterparty by direction', () => {
    const statement = parse('transactionsExample1_RegularAccount_json.json');
    // DE2310010010123456788 fails the IBAN checksum; it still names the account, as otherId.
    expect(statement.accounts).toEqual([{ iban: null, otherId: 'DE2310010010123456788', currency: null, ownerName: null, servicerBic: null }]);
    expect(statement.transactions.map((t) => [t.location, t.status, t.sourceId, t.amountCents])).toEqual([
      ['/transactions/booked/0', 'booked', '1234567', 25_667],
      ['/transactions/booked/1', 'booked', '1234568', 34_301],
      ['/transactions/pending/0', 'pending', '1234569', -10_003],
    ]);
    expect(sumCents(statement.transactions.map((t) => t.amountCents))).toBe(49_965);
    const [first, second, pending] = statement.transactions;
    // The published example books +256.67 but names only a creditor; that creditor is plainly not the holder.
    expect(first).toMatchObject({ counterpartyName: 'John Miles', counterpartyIban: 'DE67100100101306118605', bookingDate: '2017-10-25', valueDate: '2017-10-26', remittanceUnstructured: 'Example 1' });
    expect(second).toMatchObject({ counterpartyName: 'Paul Simpson', counterpartyIban: 'NL76RABO0359400371' });
    expect(pending).toMatchObject({ counterpartyName: 'Claude Renault', counterpartyIban: 'FR7612345987650123456789014', bookingDate: '2017-10-26', valueDate: '2017-10-26' });
    expect(statement.rejected).toEqual([]);
  });

  it('reads the multicurrency example with each transaction in its own currency', () => {
    const statement = parse('transactionsExample3_MulticurrencyAccount_json.json');
    expect(statement.accounts).toEqual([{ iban: 'DE40100100103307118608', otherId: null, currency: null, ownerName: null, servicerBic: null }]);
    const byCurrency = (currency: string) => statement.transactions.filter((t) => t.currency === currency).map((t) => t.amountCents);
    expect(byCurrency('EUR')).toEqual([-25_667, 34_301, -10_003]);
    expect(byCurrency('USD')).toEqual([10_000]);
    expect(statement.transactions.filter((t) => t.status === 'pending')).toHaveLength(1);
    expect(statement.transactions[2]).toMatchObject({ counterpartyName: 'Pepe Martin', counterpartyIban: 'SE9412309876543211234567' });
  });

  it('reads the transaction details example, with mandate and bank transaction code', () => {
    const statement = parse('transactionDetailsExample.json');
    expect(statement.transactions).toEqual([
      {
        accountIndex: 0,
        sourceId: '1234567',
        status: 'booked',
        bookingDate: '2017-10-25',
        valueDate: '2017-10-26',
        amountCents: -25_667,
        currency: 'EUR',
        counterpartyName: 'John Miles',
        counterpartyIban: 'DE67100100101306118605',
        counterpartyBic: null,
        remittanceUnstructured: 'Example 1',
        remittanceStructured: null,
        endToEndId: null,
        mandateId: 'Mandate-2018-04-20-1234',
        creditorId: null,
        bankTransactionCode: 'PMNT-RDDT-ESDD',
        proprietaryCode: null,
        returnReasonCode: null,
        reversal: false,
        location: '/transactionsDetails',
      },
    ]);
    expect(statement.accounts).toHaveLength(1);
  });

  it('does not turn standing-order information into transactions', () => {
    const statement = parse('transactionsResponse200JsonExample.json');
    expect(statement.transactions).toEqual([]);
    expect(statement.accounts.map((a) => a.otherId)).toEqual(['DE2310010010123456788']);
    expect(statement.rejected).toEqual([]);
  });

  it('refuses the download variant as unsupported, pointing at the download link', () => {
    const error = refusal(() => parse('transactionsExample2_Download_json.json', true));
    expect(error.kind).toBe('unsupported');
    expect(error.location).toBe('/_links/download');
    expect(error.reason).toContain('www.test-api.com/xs2a/v1/accounts/12345678999/transactions/download/');
  });

  it('reads every optional transaction field the specification defines', () => {
    const statement = berlinGroupAdapter.parse(
      json({
        account: { iban: 'NL91ABNA0417164300', currency: 'EUR' },
        transactions: {
          booked: [
            {
              entryReference: 'E-1',
              endToEndId: 'NOTPROVIDED',
              mandateId: 'M-9',
              creditorId: 'NL98ZZZ999999999999',
              bookingDate: '2026-03-02',
              transactionAmount: { currency: 'EUR', amount: '-1000.5' },
              creditorName: 'Huurder BV',
              creditorAccount: { iban: 'nl02 abna 0123 4567 89' },
              creditorAgent: 'ABNANL2A',
              debtorName: 'J. de Vries',
              debtorAccount: { iban: 'NL91ABNA0417164300' },
              remittanceInformationUnstructuredArray: ['Huur maart', 'Kenmerk 12'],
              remittanceInformationStructured: { reference: 'RF18539007547034', referenceType: 'SCOR' },
              proprietaryBankTransactionCode: 'IC',
              balanceAfterTransaction: { balanceType: 'interimBooked', balanceAmount: { currency: 'EUR', amount: '199.50' } },
            },
          ],
        },
      }),
    );
    expect(statement.transactions[0]).toMatchObject({
      sourceId: 'E-1',
      amountCents: -100_050,
      counterpartyName: 'Huurder BV',
      counterpartyIban: 'NL02ABNA0123456789',
      counterpartyBic: 'ABNANL2A',
      remittanceUnstructured: 'Huur maart Kenmerk 12',
      remittanceStructured: 'RF18539007547034',
      endToEndId: null,
      mandateId: 'M-9',
      creditorId: 'NL98ZZZ999999999999',
      proprietaryCode: 'IC',
    });
    expect(statement.balances).toEqual([
      { accountIndex: 0, type: 'interimBooked', rawType: 'interimBooked', amountCents: 19_950, currency: 'EUR', date: '2026-03-02', location: '/transactions/booked/0/balanceAfterTransaction' },
    ]);
  });
});

describe('Berlin Group balances and accounts', () => {
  it('reads dated balances, taking the day of lastChangeDateTime when there is no referenceDate', () => {
    expect(parse('balancesExample1_RegularAccount.json').balances.map((b) => [b.type, b.amountCents, b.currency, b.date])).toEqual([
      ['closingBooked', 50_000, 'EUR', '2017-10-25'],
      ['expected', 90_000, 'EUR', '2017-10-25'],
    ]);
    const multicurrency = parse('balancesExample2_MulticurrencyAcount.json');
    expect(multicurrency.accounts).toHaveLength(1);
    expect(multicurrency.balances.map((b) => [b.type, b.amountCents, b.currency, b.date, b.location])).toEqual([
      ['closingBooked', 50_000, 'EUR', '2017-10-25', '/balances/0'],
      ['expected', 90_000, 'EUR', '2017-10-25', '/balances/1'],
      ['closingBooked', 35_000, 'USD', '2017-10-25', '/balances/2'],
      ['expected', 35_000, 'USD', '2017-10-24', '/balances/3'],
    ]);
  });

  it('drops undated balances with a warning in strict mode too, instead of refusing a valid response', () => {
    const statement = parse('balancesExample3_RegularAccount.json');
    expect(statement.balances).toEqual([]);
    expect(statement.rejected).toEqual([]);
    expect(statement.warnings.map((w) => [w.location, w.field, w.action])).toEqual([
      ['/balances/0', 'referenceDate', 'dropped'],
      ['/balances/1', 'referenceDate', 'dropped'],
      ['/balances/2', 'referenceDate', 'dropped'],
    ]);
    expect(statement.warnings[0]!.reason).toMatch(/no referenceDate or lastChangeDateTime/);
  });

  it('reads the card balance example in strict mode, dropping with a warning the balance that has no amount', () => {
    for (const lenient of [false, true]) {
      const statement = parse('balancesExample_CardAccount.json', lenient);
      expect(statement.accounts).toEqual([{ iban: null, otherId: '525412******3241', currency: null, ownerName: null, servicerBic: null }]);
      expect(statement.rejected).toEqual([]);
      expect(statement.balances).toEqual([]);
      expect(statement.warnings.map((w) => [w.location, w.action])).toEqual([
        ['/balances/0/balanceAmount', 'dropped'],
        ['/balances/1', 'dropped'],
        ['/balances/2', 'dropped'],
      ]);
    }
  });

  it('reads card accounts by masked PAN and reverses the sign of a debit-accounted card balance', () => {
    const details = parse('cardAccountDetailsExample.json');
    expect(details.accounts).toEqual([{ iban: null, otherId: '525412******3241', currency: 'EUR', ownerName: 'Heike Mustermann', servicerBic: null }]);
    expect(details.rejected).toEqual([]);
    expect(details.warnings.map((w) => [w.location, w.field])).toEqual([
      ['/cardAccount/balances/0', 'referenceDate'],
      ['/cardAccount/balances/1', 'referenceDate'],
    ]);
    expect(parse('cardAccountListExample1.json').accounts.map((a) => a.otherId)).toEqual(['525412******3241']);

    const dated = berlinGroupAdapter.parse(
      json({ cardAccount: { maskedPan: '525412******3241', pan: '5254120000003241', debitAccounting: true }, balances: [{ balanceType: 'interimBooked', referenceDate: '2026-03-01', balanceAmount: { currency: 'EUR', amount: '14355.78' } }] }),
    );
    expect(dated.balances.map((b) => b.amountCents)).toEqual([-1_435_578]);
    expect(JSON.stringify(dated)).not.toContain('5254120000003241');
  });

  it('reads account lists and details to accounts only', () => {
    expect(parse('accountListExample1.json').accounts.map((a) => [a.otherId, a.currency])).toEqual([
      ['DE2310010010123456789', 'EUR'],
      ['DE2310010010123456788', 'USD'],
    ]);
    // One IBAN, three sub-accounts: the aggregation account (currency XXX, i.e. none) and two currencies.
    expect(parse('accountListExample3.json').accounts.map((a) => a.currency)).toEqual([null, 'EUR', 'USD']);
    expect(parse('accountDetailsRegularAccount.json').accounts).toEqual([{ iban: 'FR7612345987650123456789014', otherId: null, currency: 'EUR', ownerName: 'Heike Mustermann', servicerBic: null }]);
    expect(parse('accountDetailsMulticurrencyAccount.json').accounts[0]!.currency).toBeNull();
    for (const name of ['accountListExample1.json', 'accountListExample2.json', 'accountDetailsRegularAccount.json']) {
      const statement = parse(name);
      expect(statement.transactions, name).toEqual([]);
      expect(statement.rejected, name).toEqual([]);
    }
  });
});

describe('Berlin Group strict and lenient reading', () => {
  const report = (amounts: unknown[]) => json({ account: { iban: 'NL91ABNA0417164300' }, transactions: { booked: amounts.map((amount, i) => ({ transactionId: `T${i}`, bookingDate: '2026-01-05', transactionAmount: { currency: 'EUR', amount } })) } });

  it('strict mode names the first bad entry by JSON pointer; lenient mode skips it', () => {
    const file = report(['10.00', '12.345', 12.5, '-3.00']);
    const error = refusal(() => berlinGroupAdapter.parse(file));
    expect(error.location).toBe('/transactions/booked/1/transactionAmount/amount');
    expect(error.reason).toMatch(/more precision than cents/);
    const lenient = berlinGroupAdapter.parse(file, { lenient: true });
    expect(lenient.transactions.map((t) => t.amountCents)).toEqual([1000, -300]);
    expect(lenient.rejected).toEqual([
      { location: '/transactions/booked/1/transactionAmount/amount', reason: expect.stringMatching(/12\.345/) },
      // A JSON number has already been through a float; amounts must arrive as decimal text.
      { location: '/transactions/booked/2/transactionAmount/amount', reason: expect.stringMatching(/text value/) },
    ]);
  });

  it('refuses what is not a Berlin Group response', () => {
    expect(refusal(() => berlinGroupAdapter.parse(json([1, 2]))).location).toBe('/');
    expect(refusal(() => berlinGroupAdapter.parse(json({ hello: 'world' }))).reason).toMatch(/not a Berlin Group/);
    expect(refusal(() => berlinGroupAdapter.parse(Buffer.from('{"transactions": {"booked": [}'))).location).toBe('line 1, column 30');
  });
});

describe('Berlin Group detection', () => {
  it('claims every example and leaves them to no other adapter', () => {
    for (const name of SAMPLES) {
      expect(berlinGroupAdapter.detect(fixture(name)), name).toBeGreaterThanOrEqual(0.5);
      expect(ukOpenBankingAdapter.detect(fixture(name)), name).toBe(0);
      expect(detectBankFormat(fixture(name)), name).toBe(berlinGroupAdapter);
    }
  });
});

describe('Berlin Group adapter on hostile and damaged input', () => {
  const samples = SAMPLES.map((name) => fixture(name).toString('utf8'));

  it('every example that parses gives a canonical statement', () => {
    for (const name of SAMPLES) {
      try {
        expectCanonicalStatement(parse(name, true));
      } catch (error) {
        if (!(error instanceof BankFileError)) throw error;
      }
    }
  });

  it('throws nothing but BankFileError for random bytes and random JSON, and detection never throws', () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes, fc.jsonValue().map((value) => json(value))), (input) => {
        parseThrowsOnlyBankFileErrors(berlinGroupAdapter, input);
        detectionIsAScore(berlinGroupAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for random values in the places the adapter reads', () => {
    const shaped = fc.record({
      account: fc.jsonValue(),
      balances: fc.oneof(fc.jsonValue(), fc.array(fc.record({ balanceType: fc.jsonValue(), balanceAmount: fc.jsonValue(), referenceDate: fc.jsonValue() }))),
      transactions: fc.record({
        booked: fc.oneof(fc.jsonValue(), fc.array(fc.record({ transactionAmount: fc.oneof(fc.jsonValue(), fc.record({ amount: fc.jsonValue(), currency: fc.jsonValue() })), bookingDate: fc.jsonValue(), creditorAccount: fc.jsonValue(), remittanceInformationStructured: fc.jsonValue() }))),
      }),
    });
    fc.assert(
      fc.property(shaped, (value) => parseThrowsOnlyBankFileErrors(berlinGroupAdapter, json(value))),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for damaged examples', () => {
    fc.assert(
      fc.property(mutatedSample(samples), (input) => {
        parseThrowsOnlyBankFileErrors(berlinGroupAdapter, input);
        detectionIsAScore(berlinGroupAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('refuses JSON nested absurdly deep as unsafe, without a stack overflow', () => {
    const deep = Buffer.from('{"transactions":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(refusal(() => berlinGroupAdapter.parse(deep)).kind).toBe('unsafe');
  });
});
