/**
 * bunq CSV export: "Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description", every
 * field quoted, separated by semicolons or (in the English locale) commas; older exports lack "Account".
 * Amounts are signed; the decimal mark follows the locale, so it is read from the amount itself and an
 * amount that could be read two ways ("1.234") is refused rather than guessed.
 */
import { normaliseIban } from '../canonical.js';
import {
  accountFromColumn,
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

const REQUIRED_COLUMNS = ['Date', 'Interest Date', 'Amount', 'Counterparty', 'Name', 'Description'] as const;
/** bunq accounts are euro accounts and the export has no currency column. */
const BUNQ_CURRENCY = 'EUR';

function isBunqHeader(fields: string[]): boolean {
  const names = new Set(fields.map(normaliseColumnName));
  return REQUIRED_COLUMNS.every((c) => names.has(normaliseColumnName(c))) && normaliseColumnName(fields[0] ?? '') === 'date';
}

function readBunqRow(row: CsvRow): CsvEntry {
  const bookingDate = readCsvDate(row.get('Date'), 'YYYY-MM-DD', 'Date');
  const interestDate = row.get('Interest Date').trim();
  return {
    account: accountFromColumn(row.has('Account') ? row.get('Account') : '', BUNQ_CURRENCY),
    transaction: {
      sourceId: null,
      status: 'booked',
      bookingDate,
      valueDate: interestDate === '' ? null : row.secondary('Interest Date', () => readCsvDate(interestDate, 'YYYY-MM-DD', 'Interest Date')),
      amountCents: readCsvAmount(row.get('Amount'), 'auto', 'Amount'),
      currency: BUNQ_CURRENCY,
      counterpartyName: textOrNull(row.get('Name')),
      counterpartyIban: normaliseIban(row.get('Counterparty')),
      counterpartyBic: null,
      remittanceUnstructured: textOrNull(row.get('Description')),
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: null,
      returnReasonCode: null,
      reversal: false,
    },
  };
}

const bunqLayout = {
  format: 'csv-bunq',
  dialect: (text) => ({ separator: detectCsvSeparator(firstNonBlankLine(text)) ?? ';' }),
  positionalColumns: null,
  isHeader: isBunqHeader,
  requiredColumns: REQUIRED_COLUMNS,
  readRow: readBunqRow,
} satisfies CsvLayout;

export const csvBunqAdapter = headerCsvAdapter(bunqLayout);
