/**
 * Small hand-made transactions for table tests: only what a case is about is written out,
 * the rest gets neutral defaults.
 */
import type { AnalysisBalance, AnalysisTransaction } from '../../src/analytics/analysis-input.js';
import type { CategorisedTransaction } from '../../src/analytics/categorisation/categorise.js';
import type { CategoryId } from '../../src/analytics/taxonomy.js';
import type { IsoDate } from '../../src/platform/dates.js';

export const DEBTOR_IBAN = 'NL91ABNA0417164300';

let sequence = 0;

export function tx(fields: Partial<AnalysisTransaction> & { bookingDate: IsoDate; amountCents: number }): AnalysisTransaction {
  sequence += 1;
  return {
    id: `t${sequence}`,
    accountIban: DEBTOR_IBAN,
    status: 'booked',
    valueDate: null,
    currency: 'EUR',
    counterpartyName: null,
    counterpartyIban: null,
    remittanceUnstructured: null,
    remittanceStructured: null,
    creditorId: null,
    mandateId: null,
    bankTransactionCode: null,
    proprietaryCode: null,
    returnReasonCode: null,
    reversal: false,
    ...fields,
  };
}

/** A transaction with its category already decided, for stream and income-day tests that are not about categorisation. */
export function categorised(category: CategoryId, fields: Partial<AnalysisTransaction> & { bookingDate: IsoDate; amountCents: number }, ruleId = 'test'): CategorisedTransaction {
  return { ...tx(fields), category, ruleId, confidence: 1 };
}

export function balance(date: IsoDate, amountCents: number, type: AnalysisBalance['type'] = 'closingBooked'): AnalysisBalance {
  return { accountIban: DEBTOR_IBAN, date, amountCents, type };
}
