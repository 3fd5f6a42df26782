import type { AnalysisTransaction } from '../analytics/analysis-input.js';
import type { SimulatedBankTransaction } from './simulation.types.js';

/**
 * A simulated bank entry as the analysis reads it: what a PSD2 fetch of the account would give, without
 * the entry's true category (that is the hidden truth a categoriser is measured against).
 */
export function toAnalysisTransaction(accountIban: string, t: SimulatedBankTransaction): AnalysisTransaction {
  return {
    id: t.transactionId,
    accountIban,
    status: t.status,
    bookingDate: t.bookingDate,
    valueDate: t.valueDate,
    amountCents: t.amountCents,
    currency: 'EUR',
    counterpartyName: t.counterpartyName,
    counterpartyIban: t.counterpartyIban,
    remittanceUnstructured: t.remittance,
    remittanceStructured: null,
    creditorId: t.creditorId,
    mandateId: t.mandateId,
    bankTransactionCode: t.bankTransactionCode,
    proprietaryCode: null,
    returnReasonCode: t.returnReasonCode,
    reversal: false,
  };
}
