/**
 * The plain-language labelled sets (test/fixtures/analytics/plain-language-*.json) as analytics input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisTransaction } from '../../src/analytics/analysis-input.js';
import type { AllowanceKind } from '../../src/analytics/allowance-kind.js';
import { DEBTOR_IBAN } from './transaction-builder.js';

export interface PlainLanguageLine {
  id: string;
  counterpartyName: string | null;
  counterpartyIban: string;
  amountCents: number;
  description: string;
  expectedCategory: string;
  expectedAllowanceKind?: AllowanceKind;
  source: string;
}

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'analytics');

export function plainLanguageLines(set: 'heldout' | 'blind' | 'training'): PlainLanguageLine[] {
  return (JSON.parse(readFileSync(join(fixtureDir, `plain-language-${set}.json`), 'utf8')) as { lines: PlainLanguageLine[] }).lines;
}

export function asTransaction(line: PlainLanguageLine): AnalysisTransaction {
  return {
    id: line.id,
    accountIban: DEBTOR_IBAN,
    status: 'booked',
    bookingDate: '2025-06-02',
    valueDate: null,
    amountCents: line.amountCents,
    currency: 'EUR',
    counterpartyName: line.counterpartyName,
    counterpartyIban: line.counterpartyIban,
    remittanceUnstructured: line.description,
    remittanceStructured: null,
    creditorId: null,
    mandateId: null,
    bankTransactionCode: null,
    proprietaryCode: null,
    returnReasonCode: null,
    reversal: false,
  };
}
