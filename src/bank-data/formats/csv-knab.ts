/**
 * Knab "transactieoverzicht" CSV export: semicolon separated, a "KNAB EXPORT" title line before the
 * header, dates as DD-MM-YYYY, unsigned amounts with a decimal comma and a "CreditDebet" column (C/D).
 */
import type { BankFormatAdapter, DetectHints, ParseOptions, ParsedStatement } from '../canonical.js';
import { normaliseIban } from '../canonical.js';
import {
  accountFromColumn,
  applyDebitCredit,
  currencyOrThrow,
  normaliseColumnName,
  parseCsvStatement,
  peekText,
  readCsvAmount,
  readCsvDate,
  textOrNull,
  type CsvEntry,
  type CsvLayout,
  type CsvRow,
} from './csv-reader.js';
import { parsePaymentDescription } from './payment-description.js';

const REQUIRED_COLUMNS = ['Rekeningnummer', 'Transactiedatum', 'Valutacode', 'CreditDebet', 'Bedrag', 'Tegenrekeningnummer', 'Tegenrekeninghouder', 'Omschrijving'] as const;
const HEADER_SIGNATURE = ['rekeningnummer', 'transactiedatum', 'valutacode', 'creditdebet', 'bedrag'];

function isKnabHeader(fields: string[]): boolean {
  const names = fields.map(normaliseColumnName);
  return HEADER_SIGNATURE.every((name, index) => names[index] === name);
}

function optionalDate(row: CsvRow, column: string): string | null {
  const value = row.has(column) ? row.get(column).trim() : '';
  return value === '' ? null : readCsvDate(value, 'DD-MM-YYYY', column);
}

function readKnabRow(row: CsvRow): CsvEntry {
  const transactionDate = readCsvDate(row.get('Transactiedatum'), 'DD-MM-YYYY', 'Transactiedatum');
  const currency = currencyOrThrow(row.get('Valutacode'), 'Valutacode');
  const amountCents = applyDebitCredit(readCsvAmount(row.get('Bedrag'), ',', 'Bedrag'), row.get('CreditDebet'), 'CreditDebet');
  const details = parsePaymentDescription([row.get('Omschrijving')]);
  const reference = row.has('Referentie') ? textOrNull(row.get('Referentie')) : null;
  return {
    account: accountFromColumn(row.get('Rekeningnummer'), currency),
    transaction: {
      sourceId: reference,
      status: 'booked',
      bookingDate: optionalDate(row, 'Boekdatum') ?? transactionDate,
      valueDate: row.secondary('Valutadatum', () => optionalDate(row, 'Valutadatum')),
      amountCents,
      currency,
      counterpartyName: textOrNull(row.get('Tegenrekeninghouder')) ?? details.counterpartyName,
      counterpartyIban: normaliseIban(row.get('Tegenrekeningnummer')) ?? details.counterpartyIban,
      counterpartyBic: details.counterpartyBic,
      remittanceUnstructured: details.remittanceUnstructured,
      remittanceStructured: details.remittanceStructured,
      endToEndId: details.endToEndId,
      mandateId: (row.has('Machtigingsnummer') ? textOrNull(row.get('Machtigingsnummer')) : null) ?? details.mandateId,
      creditorId: (row.has('Incassant ID') ? textOrNull(row.get('Incassant ID')) : null) ?? details.creditorId,
      bankTransactionCode: null,
      proprietaryCode: row.has('Betaalwijze') ? textOrNull(row.get('Betaalwijze')) : null,
      returnReasonCode: details.returnReasonCode,
      reversal: false,
    },
  };
}

const knabLayout: CsvLayout = {
  format: 'csv-knab',
  dialect: () => ({ separator: ';' }),
  positionalColumns: null,
  isHeader: isKnabHeader,
  requiredColumns: REQUIRED_COLUMNS,
  readRow: readKnabRow,
};

function detectKnab(input: Buffer, _hints?: DetectHints): number {
  const lines = peekText(input).split(/\r\n|\n|\r/).slice(0, 3);
  if (lines.some((line) => isKnabHeader(line.split(';').map((f) => f.replace(/^"|"$/g, ''))))) return 0.95;
  return 0;
}

export const csvKnabAdapter = {
  format: 'csv-knab',
  produces: ['csv-knab'],
  detect: detectKnab,
  parse: (input: Buffer, options: ParseOptions = {}): ParsedStatement => parseCsvStatement(input, options, knabLayout),
} satisfies BankFormatAdapter;
