/**
 * ING Netherlands "Af- en bijschrijvingen" CSV export. Three generations exist: comma separated with
 * "MutatieSoort", comma separated with "Mutatiesoort", and semicolon separated with extra columns
 * ("Saldo na mutatie", "Tag"). Amounts are unsigned with a decimal comma; "Af Bij" gives the direction.
 */
import { normaliseIban } from '../canonical.js';
import {
  accountFromColumn,
  applyDebitCredit,
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
import { parsePaymentDescription } from './payment-description.js';

const REQUIRED_COLUMNS = ['Datum', 'Naam / Omschrijving', 'Rekening', 'Tegenrekening', 'Code', 'Af Bij', 'Bedrag (EUR)', 'Mutatiesoort', 'Mededelingen'] as const;
const HEADER_SIGNATURE = ['datum', 'naam / omschrijving', 'rekening', 'tegenrekening', 'code', 'af bij', 'bedrag (eur)'];

/** The export names its currency only in the amount column's header, "Bedrag (EUR)". */
const ING_CURRENCY = 'EUR';
/** Card payments (BA) and cash withdrawals (GM) name the shop or machine in "Naam / Omschrijving"; fees name themselves there. */
const CODES_NAMING_A_COUNTERPARTY = new Set(['BA', 'GM']);
/** ING appends the value date to "Mededelingen" as a label of its own. */
const VALUE_DATE_LABEL = /\s*Valutadatum:\s*(\S+)\s*$/;

function isIngHeader(fields: string[]): boolean {
  const names = fields.map(normaliseColumnName);
  return HEADER_SIGNATURE.every((name, index) => names[index] === name);
}

function readIngRow(row: CsvRow): CsvEntry {
  const bookingDate = readCsvDate(row.get('Datum'), 'YYYYMMDD', 'Datum');
  const amountCents = applyDebitCredit(readCsvAmount(row.get('Bedrag (EUR)'), ',', 'Bedrag (EUR)'), row.get('Af Bij'), 'Af Bij');
  let notes = row.get('Mededelingen').trim();
  let valueDate: string | null = null;
  const valueDateLabel = VALUE_DATE_LABEL.exec(notes);
  if (valueDateLabel) {
    valueDate = row.secondary('Valutadatum in Mededelingen', () => readCsvDate(valueDateLabel[1]!, 'DD-MM-YYYY', 'Valutadatum in Mededelingen'));
    notes = notes.slice(0, valueDateLabel.index);
  }
  const details = parsePaymentDescription([notes]);
  const counterpartyAccount = row.get('Tegenrekening').trim();
  const code = textOrNull(row.get('Code'))?.toUpperCase() ?? null;
  const name = textOrNull(row.get('Naam / Omschrijving'));
  const namesCounterparty = counterpartyAccount !== '' || (code !== null && CODES_NAMING_A_COUNTERPARTY.has(code));
  const remittance = namesCounterparty ? details.remittanceUnstructured : [name, details.remittanceUnstructured].filter(Boolean).join(' ') || null;
  const balanceText = row.has('Saldo na mutatie') ? row.get('Saldo na mutatie').trim() : '';
  const balanceCents = balanceText === '' ? null : row.secondary('Saldo na mutatie', () => readCsvAmount(balanceText, ',', 'Saldo na mutatie'));
  return {
    account: accountFromColumn(row.get('Rekening'), ING_CURRENCY),
    transaction: {
      sourceId: null,
      status: 'booked',
      bookingDate,
      valueDate,
      amountCents,
      currency: ING_CURRENCY,
      counterpartyName: details.counterpartyName ?? (namesCounterparty ? name : null),
      counterpartyIban: details.counterpartyIban ?? normaliseIban(counterpartyAccount),
      counterpartyBic: details.counterpartyBic,
      remittanceUnstructured: remittance,
      remittanceStructured: details.remittanceStructured,
      endToEndId: details.endToEndId,
      mandateId: details.mandateId,
      creditorId: details.creditorId,
      bankTransactionCode: null,
      proprietaryCode: code,
      returnReasonCode: details.returnReasonCode,
      reversal: false,
    },
    balance: balanceCents === null ? undefined : { type: 'interimBooked', rawType: 'Saldo na mutatie', amountCents: balanceCents, currency: ING_CURRENCY, date: bookingDate },
  };
}

const ingLayout = {
  format: 'csv-ing',
  dialect: (text) => ({ separator: detectCsvSeparator(firstNonBlankLine(text)) ?? ',' }),
  positionalColumns: null,
  isHeader: isIngHeader,
  requiredColumns: REQUIRED_COLUMNS,
  readRow: readIngRow,
} satisfies CsvLayout;

export const csvIngAdapter = headerCsvAdapter(ingLayout);
