/**
 * ASN Bank "transactie-historie" CSV export: no header, 19 comma-separated columns in the order the
 * bank documents, dates as DD-MM-YYYY, signed amounts with a decimal point, and the payment reference
 * and description between apostrophes (which are not escaped inside them).
 */
import type { BankFormatAdapter, DetectHints, ParseOptions, ParsedStatement } from '../canonical.js';
import { normaliseIban } from '../canonical.js';
import {
  accountFromColumn,
  currencyOrThrow,
  parseCsvStatement,
  peekText,
  readCsvAmount,
  readCsvDate,
  readCsvRecords,
  textOrNull,
  type CsvEntry,
  type CsvLayout,
  type CsvRow,
} from './csv-reader.js';

const COLUMNS = [
  'Boekingsdatum', 'Opdrachtgeversrekening', 'Tegenrekeningnummer', 'Naam tegenrekening', 'Adres', 'Postcode', 'Plaats',
  'Valutasoort rekening', 'Saldo rekening voor mutatie', 'Valutasoort mutatie', 'Transactiebedrag', 'Journaaldatum',
  'Valutadatum', 'Interne transactiecode', 'Globale transactiecode', 'Volgnummer transactie', 'Betalingskenmerk',
  'Omschrijving', 'Afschriftnummer',
] as const;

const DIALECT = { separator: ',', quote: "'", embeddedQuotes: 'literal' } as const;

function readAsnRow(row: CsvRow): CsvEntry {
  const bookingDate = readCsvDate(row.get('Journaaldatum'), 'DD-MM-YYYY', 'Journaaldatum');
  const accountCurrency = currencyOrThrow(row.get('Valutasoort rekening'), 'Valutasoort rekening');
  const currency = currencyOrThrow(row.get('Valutasoort mutatie'), 'Valutasoort mutatie');
  const sequence = row.get('Volgnummer transactie').trim();
  const balanceBefore = row.secondary('Saldo rekening voor mutatie', () => readCsvAmount(row.get('Saldo rekening voor mutatie'), '.', 'Saldo rekening voor mutatie'));
  return {
    account: accountFromColumn(row.get('Opdrachtgeversrekening'), accountCurrency),
    transaction: {
      // ASN documents the journal date together with the sequence number as the unique transaction id.
      sourceId: sequence === '' ? null : `${bookingDate}/${sequence}`,
      status: 'booked',
      bookingDate,
      valueDate: row.secondary('Valutadatum', () => readCsvDate(row.get('Valutadatum'), 'DD-MM-YYYY', 'Valutadatum')),
      amountCents: readCsvAmount(row.get('Transactiebedrag'), '.', 'Transactiebedrag'),
      currency,
      counterpartyName: textOrNull(row.get('Naam tegenrekening')),
      counterpartyIban: normaliseIban(row.get('Tegenrekeningnummer')),
      counterpartyBic: null,
      remittanceUnstructured: textOrNull(row.get('Omschrijving')),
      remittanceStructured: textOrNull(row.get('Betalingskenmerk')),
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: textOrNull(row.get('Globale transactiecode')),
      returnReasonCode: null,
      reversal: false,
    },
    balance:
      balanceBefore === null
        ? undefined
        : { type: 'interimBooked', rawType: 'Saldo rekening voor mutatie', amountCents: balanceBefore, currency: accountCurrency, date: bookingDate },
  };
}

const asnLayout: CsvLayout = {
  format: 'csv-asn',
  dialect: () => DIALECT,
  positionalColumns: COLUMNS,
  requiredColumns: COLUMNS,
  readRow: readAsnRow,
};

/** Headerless, so the first record's shape decides: ASN's own IBAN in column 2 and dates where ASN puts them. */
function detectAsn(input: Buffer, _hints?: DetectHints): number {
  const first = readCsvRecords(peekText(input, 2048).split(/\r\n|\n|\r/)[0] ?? '', DIALECT)[0]?.fields ?? [];
  if (first.length < COLUMNS.length) return 0;
  const date = /^\d{2}-\d{2}-\d{4}$/;
  const shaped = date.test(first[0]!) && date.test(first[11]!) && date.test(first[12]!) && /^[A-Z]{3}$/.test(first[7]!) && /^[A-Z]{3}$/.test(first[9]!);
  return shaped && /^NL\d{2}ASNB\d{10}$/.test(first[1]!) ? 0.9 : 0;
}

export const csvAsnAdapter = {
  format: 'csv-asn',
  produces: ['csv-asn'],
  detect: detectAsn,
  parse: (input: Buffer, options: ParseOptions = {}): ParsedStatement => parseCsvStatement(input, options, asnLayout),
} satisfies BankFormatAdapter;
