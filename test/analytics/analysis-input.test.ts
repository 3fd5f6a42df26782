import { describe, expect, it } from 'vitest';
import { analysisInputFromStatement, mergeAnalysisInputs } from '../../src/analytics/analysis-input.js';
import type { ParsedStatement, ParsedTransaction } from '../../src/bank-data/canonical.js';

function parsedTx(fields: Partial<ParsedTransaction> & { location: string }): ParsedTransaction {
  return {
    accountIndex: 0,
    sourceId: null,
    status: 'booked',
    bookingDate: '2025-01-10',
    valueDate: null,
    amountCents: -1_000,
    currency: 'EUR',
    counterpartyName: null,
    counterpartyIban: null,
    counterpartyBic: null,
    remittanceUnstructured: null,
    remittanceStructured: null,
    endToEndId: null,
    mandateId: null,
    creditorId: null,
    bankTransactionCode: null,
    proprietaryCode: null,
    returnReasonCode: null,
    reversal: false,
    ...fields,
  };
}

const statement: ParsedStatement = {
  format: 'mt940',
  accounts: [{ iban: 'NL91ABNA0417164300', otherId: null, currency: 'EUR', ownerName: 'J Jansen', servicerBic: null }],
  transactions: [
    parsedTx({ location: 'line 4', sourceId: 'B4E07XM00J000023' }),
    parsedTx({ location: 'line 8', sourceId: 'NONREF' }),
    parsedTx({ location: 'line 12', sourceId: 'NONREF' }),
    parsedTx({ location: 'line 16' }),
  ],
  balances: [{ accountIndex: 0, type: 'closingBooked', rawType: '62F', amountCents: 12_345, currency: 'EUR', date: '2025-01-31', location: 'line 20' }],
  rejected: [],
  warnings: [],
};

describe('analysis input from a parsed statement', () => {
  it('takes the bank’s id when it is unique, scoped by account, and the location otherwise', () => {
    const input = analysisInputFromStatement(statement, { idPrefix: 'export.sta' });
    expect(input.transactions.map((t) => t.id)).toEqual(['NL91ABNA0417164300:B4E07XM00J000023', 'export.sta#line 8', 'export.sta#line 12', 'export.sta#line 16']);
    expect(input.transactions[0]).toMatchObject({ accountIban: 'NL91ABNA0417164300', amountCents: -1_000, status: 'booked', reversal: false });
    expect(input.balances).toEqual([{ accountIban: 'NL91ABNA0417164300', date: '2025-01-31', amountCents: 12_345, type: 'closingBooked' }]);
    expect(input.ownIbans).toEqual(['NL91ABNA0417164300']);
    expect(input.accountHolderNames).toEqual(['J Jansen']);
  });

  it('keeps one copy of an entry two overlapping exports both hold', () => {
    const a = analysisInputFromStatement(statement, { idPrefix: 'january.sta' });
    const b = analysisInputFromStatement(statement, { idPrefix: 'january-again.sta' });
    const merged = mergeAnalysisInputs([a, b]);
    expect(merged.transactions.filter((t) => t.id === 'NL91ABNA0417164300:B4E07XM00J000023')).toHaveLength(1);
    expect(merged.transactions).toHaveLength(7);
    expect(merged.ownIbans).toEqual(['NL91ABNA0417164300']);
  });
});
