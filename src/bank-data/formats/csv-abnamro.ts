/**
 * ABN AMRO "TXT" download (TXT<yymmddHHMMSS>.TAB): tab separated, no header, nothing quoted, one
 * transaction per line in the column order account, currency, transaction date, start balance, end
 * balance, value date, amount, description. The XLS download orders the same fields differently
 * (value date fourth); this adapter reads the TAB file only.
 *
 * The description is the text of ABN AMRO's MT940 ":86:" in one of two forms: codewords
 * ("/TRTP/SEPA OVERBOEKING/IBAN/…/NAME/…/REMI/…") or fixed columns ("SEPA Overboeking" padded to 32
 * characters, then 64-character lines such as "IBAN: …  BIC: …  Naam: …") that the export joins with an
 * extra space, which can fall inside a word ("Netflix Monthly Su bscription").
 */
import type { BankFormatAdapter, DetectHints, ParseOptions, ParsedStatement } from '../canonical.js';
import {
  accountFromColumn,
  currencyOrThrow,
  parseCsvStatement,
  peekText,
  readCsvAmount,
  readCsvDate,
  type CsvEntry,
  type CsvLayout,
  type CsvRow,
} from './csv-reader.js';
import { parsePaymentDescription } from './payment-description.js';

const COLUMNS = ['accountNumber', 'mutationcode', 'transactiondate', 'startsaldo', 'endsaldo', 'valuedate', 'amount', 'description'] as const;

/**
 * Undoes the column padding: a 32-character head, then 64-character lines each followed by one joining
 * space. Text that does not have exactly that shape (codewords, short descriptions) is returned as it is.
 */
export function rejoinAbnAmroColumns(description: string): string {
  if (description.startsWith('/') || description.length <= 33 || description[32] !== ' ') return description;
  const body = description.slice(33).replace(/\s+$/, '');
  const lines: string[] = [];
  for (let at = 0; at < body.length; at += 65) {
    const line = body.slice(at, at + 64);
    const joiner = body[at + 64];
    if (joiner !== undefined && joiner !== ' ') return description;
    lines.push(line);
  }
  return description.slice(0, 32) + lines.join('');
}

function readAbnAmroRow(row: CsvRow): CsvEntry {
  const bookingDate = readCsvDate(row.get('transactiondate'), 'YYYYMMDD', 'transactiondate');
  const currency = currencyOrThrow(row.get('mutationcode'), 'mutationcode');
  const details = parsePaymentDescription([rejoinAbnAmroColumns(row.get('description'))]);
  const endBalance = row.secondary('endsaldo', () => readCsvAmount(row.get('endsaldo'), ',', 'endsaldo'));
  return {
    account: accountFromColumn(row.get('accountNumber'), currency),
    transaction: {
      sourceId: null,
      status: 'booked',
      bookingDate,
      valueDate: row.secondary('valuedate', () => readCsvDate(row.get('valuedate'), 'YYYYMMDD', 'valuedate')),
      amountCents: readCsvAmount(row.get('amount'), ',', 'amount'),
      currency,
      counterpartyName: details.counterpartyName,
      counterpartyIban: details.counterpartyIban,
      counterpartyBic: details.counterpartyBic,
      remittanceUnstructured: details.remittanceUnstructured,
      remittanceStructured: details.remittanceStructured,
      endToEndId: details.endToEndId,
      mandateId: details.mandateId,
      creditorId: details.creditorId,
      bankTransactionCode: null,
      proprietaryCode: details.paymentType,
      returnReasonCode: details.returnReasonCode,
      reversal: false,
    },
    balance: endBalance === null ? undefined : { type: 'interimBooked', rawType: 'endsaldo', amountCents: endBalance, currency, date: bookingDate },
  };
}

const abnAmroLayout: CsvLayout = {
  format: 'csv-abnamro',
  dialect: () => ({ separator: '\t', quote: null }),
  positionalColumns: COLUMNS,
  requiredColumns: COLUMNS,
  readRow: readAbnAmroRow,
};

function detectAbnAmro(input: Buffer, _hints?: DetectHints): number {
  const first = (peekText(input, 2048).split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '').split('\t');
  if (first.length !== COLUMNS.length) return 0;
  const [, currency, transactionDate, startBalance, endBalance, valueDate, amount] = first;
  const amountShape = /^[-+]?\d+(,\d{1,2})?$/;
  const shaped =
    /^[A-Z]{3}$/.test(currency!) && /^\d{8}$/.test(transactionDate!) && /^\d{8}$/.test(valueDate!) &&
    [startBalance, endBalance, amount].every((v) => amountShape.test(v!));
  return shaped ? 0.9 : 0;
}

export const csvAbnAmroAdapter = {
  format: 'csv-abnamro',
  produces: ['csv-abnamro'],
  detect: detectAbnAmro,
  parse: (input: Buffer, options: ParseOptions = {}): ParsedStatement => parseCsvStatement(input, options, abnAmroLayout),
} satisfies BankFormatAdapter;
