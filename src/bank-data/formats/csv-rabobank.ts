/**
 * Rabobank "Transacties downloaden" CSV export (the layout in use since 2018): comma separated, every
 * field quoted, a header row, dates as YYYY-MM-DD and signed amounts with a decimal comma ("+2500,00",
 * "-45,00"). Older downloads are windows-1252, newer ones UTF-8; the reader decides per file.
 */
import { normaliseIban } from '../canonical.js';
import {
  accountFromColumn,
  currencyOrThrow,
  detectCsvSeparator,
  firstNonBlankLine,
  normaliseColumnName,
  readCsvAmount,
  readCsvDate,
  textOrNull,
  type CsvEntry,
  type CsvLayout,
  type CsvRow,
  headerCsvAdapter,
} from './csv-reader.js';
import { bicOrNull } from './payment-description.js';

const REQUIRED_COLUMNS = ['IBAN/BBAN', 'Munt', 'Volgnr', 'Datum', 'Bedrag', 'Tegenrekening IBAN/BBAN', 'Naam tegenpartij', 'Omschrijving-1'] as const;
const HEADER_SIGNATURE = ['iban/bban', 'munt', 'bic', 'volgnr', 'datum'];
const DESCRIPTION_COLUMNS = ['Omschrijving-1', 'Omschrijving-2', 'Omschrijving-3'] as const;

function isRabobankHeader(fields: string[]): boolean {
  const names = fields.map(normaliseColumnName);
  return HEADER_SIGNATURE.every((name, index) => names[index] === name);
}

function optional(row: CsvRow, column: string): string | null {
  return row.has(column) ? textOrNull(row.get(column)) : null;
}

function readRabobankRow(row: CsvRow): CsvEntry {
  const bookingDate = readCsvDate(row.get('Datum'), 'YYYY-MM-DD', 'Datum');
  const interestDate = optional(row, 'Rentedatum');
  const currency = currencyOrThrow(row.get('Munt'), 'Munt');
  const balanceText = optional(row, 'Saldo na trn');
  const balanceCents = balanceText === null ? null : row.secondary('Saldo na trn', () => readCsvAmount(balanceText, ',', 'Saldo na trn'));
  const description = DESCRIPTION_COLUMNS.map((c) => optional(row, c)).filter((v): v is string => v !== null).join(' ');
  const returnReason = optional(row, 'Reden retour');
  return {
    account: accountFromColumn(row.get('IBAN/BBAN'), currency, bicOrNull(optional(row, 'BIC'))),
    transaction: {
      sourceId: textOrNull(row.get('Volgnr')),
      status: 'booked',
      bookingDate,
      valueDate: interestDate === null ? null : row.secondary('Rentedatum', () => readCsvDate(interestDate, 'YYYY-MM-DD', 'Rentedatum')),
      amountCents: readCsvAmount(row.get('Bedrag'), ',', 'Bedrag'),
      currency,
      counterpartyName: textOrNull(row.get('Naam tegenpartij')),
      counterpartyIban: normaliseIban(row.get('Tegenrekening IBAN/BBAN')),
      counterpartyBic: bicOrNull(optional(row, 'BIC tegenpartij')),
      remittanceUnstructured: description === '' ? null : description,
      remittanceStructured: optional(row, 'Betalingskenmerk'),
      endToEndId: optional(row, 'Transactiereferentie'),
      mandateId: optional(row, 'Machtigingskenmerk'),
      creditorId: optional(row, 'Incassant ID'),
      bankTransactionCode: null,
      proprietaryCode: optional(row, 'Code'),
      returnReasonCode: returnReason && /^[A-Z]{2}\d{2}\b/.test(returnReason) ? returnReason.slice(0, 4) : null,
      reversal: false,
    },
    balance: balanceCents === null ? undefined : { type: 'interimBooked', rawType: 'Saldo na trn', amountCents: balanceCents, currency, date: bookingDate },
  };
}

const rabobankLayout = {
  format: 'csv-rabobank',
  dialect: (text) => ({ separator: detectCsvSeparator(firstNonBlankLine(text)) ?? ',' }),
  positionalColumns: null,
  isHeader: isRabobankHeader,
  requiredColumns: REQUIRED_COLUMNS,
  readRow: readRabobankRow,
} satisfies CsvLayout;

export const csvRabobankAdapter = headerCsvAdapter(rabobankLayout);
