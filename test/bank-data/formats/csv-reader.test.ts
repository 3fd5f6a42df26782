import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { BankFileError } from '../../../src/bank-data/canonical.js';
import {
  CsvFieldError,
  applyDebitCredit,
  decodeBankText,
  detectCsvSeparator,
  parseCsvStatement,
  readCsvAmount,
  readCsvDate,
  readCsvRecords,
  type CsvLayout,
  type CsvSeparator,
} from '../../../src/bank-data/formats/csv-reader.js';
import { PROPERTY_RUNS } from './adapter-robustness.js';

const fields = (text: string, separator: CsvSeparator = ','): string[][] => readCsvRecords(text, { separator }).map((r) => r.fields);

describe('readCsvRecords (RFC 4180)', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks inside', () => {
    expect(fields('a,"b,c","say ""hi""","line\none"\r\nd,,""\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'line\none'],
      ['d', '', ''],
    ]);
  });

  it('gives every record the line it starts on, counting line breaks inside quoted fields', () => {
    const records = readCsvRecords('h1;h2\r\n"multi\r\nline";x\r\n\r\nlast;y', { separator: ';' });
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['multi\r\nline', 'x']],
      [5, ['last', 'y']],
    ]);
  });

  it('accepts LF, CRLF and lone CR line ends and a file without a final line break', () => {
    for (const text of ['a,b\nc,d', 'a,b\r\nc,d\r\n', 'a,b\rc,d\r']) expect(fields(text)).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('skips a UTF-8 byte order mark and blank lines, but keeps a quoted empty record', () => {
    expect(fields('\ufeffa,b\n\n   \n""\n')).toEqual([['a', 'b'], ['']]);
  });

  it('reports a space before the opening quote, text after the closing quote and an unclosed quote, per record', () => {
    const records = readCsvRecords('ok,"fine"\nx, "spaced"\ny,"closed"z\nw,"never closed\nmore', { separator: ',' });
    expect(records.map((r) => [r.line, r.defect])).toEqual([
      [1, null],
      [2, 'column 2: a space stands before the opening quote, so the field is not quoted'],
      [3, 'column 2: text follows the closing quote'],
      [4, 'column 2: the quoted field opened on line 4 is never closed'],
    ]);
  });

  it('with literal quotes (ASN) an apostrophe closes a field only before the separator or the line end', () => {
    expect(readCsvRecords("a,'Parkeren 's-Hertogenbosch',b\n", { separator: ',', quote: "'", embeddedQuotes: 'literal' })[0]).toEqual({
      line: 1,
      fields: ['a', "Parkeren 's-Hertogenbosch", 'b'],
      defect: null,
    });
  });

  it('without a quote character (ABN AMRO TAB) quotes are text', () => {
    expect(readCsvRecords('1\t"quoted" text\t2\n', { separator: '\t', quote: null })[0]!.fields).toEqual(['1', '"quoted" text', '2']);
    expect(readCsvRecords('1\t"x\t2\n', { separator: '\t', quote: null })[0]!.fields).toEqual(['1', '"x', '2']);
  });

  it('detects the separator from the first line, ignoring separators inside quotes', () => {
    expect(detectCsvSeparator('"Datum";"Naam, Omschrijving";"Bedrag"')).toBe(';');
    expect(detectCsvSeparator('"Datum","Naam; Omschrijving","Bedrag"')).toBe(',');
    expect(detectCsvSeparator('1\tEUR\t20240101')).toBe('\t');
    expect(detectCsvSeparator('no separator here')).toBeNull();
  });
});

describe('CSV field conventions', () => {
  it('reads the three date layouts and refuses impossible dates', () => {
    expect(readCsvDate('20240229', 'YYYYMMDD', 'Datum')).toBe('2024-02-29');
    expect(readCsvDate('29-02-2024', 'DD-MM-YYYY', 'Datum')).toBe('2024-02-29');
    expect(readCsvDate(' 2024-02-29 ', 'YYYY-MM-DD', 'Datum')).toBe('2024-02-29');
    expect(() => readCsvDate('30-02-2024', 'DD-MM-YYYY', 'Datum')).toThrow(new CsvFieldError('Datum "30-02-2024" is not a calendar date'));
    expect(() => readCsvDate('2024-02-29', 'DD-MM-YYYY', 'Datum')).toThrow(/is not a date in the form DD-MM-YYYY/);
  });

  it('reads Dutch decimal commas, grouping dots and signs into cents', () => {
    expect(readCsvAmount('1.234,56', ',', 'Bedrag')).toBe(123456);
    expect(readCsvAmount('+2500,00', ',', 'Bedrag')).toBe(250000);
    expect(readCsvAmount('-0,29', ',', 'Bedrag')).toBe(-29);
    expect(readCsvAmount('2500', ',', 'Bedrag')).toBe(250000);
    expect(readCsvAmount('-147.97', '.', 'Transactiebedrag')).toBe(-14797);
    expect(() => readCsvAmount('12,345', ',', 'Bedrag')).toThrow(/Bedrag "12,345" is not an amount: more precision than cents/);
    expect(() => readCsvAmount('', ',', 'Bedrag')).toThrow(/is not an amount/);
  });

  it('applies Af/Bij, D/C and Debit/Credit marks; money in stays positive', () => {
    expect(applyDebitCredit(125, 'Af', 'Af Bij')).toBe(-125);
    expect(applyDebitCredit(125, 'Bij', 'Af Bij')).toBe(125);
    expect(applyDebitCredit(125, 'D', 'CreditDebet')).toBe(-125);
    expect(applyDebitCredit(125, 'credit', 'Debit/Credit')).toBe(125);
    expect(Object.is(applyDebitCredit(0, 'Af', 'Af Bij'), -0)).toBe(false);
    expect(() => applyDebitCredit(125, 'X', 'Af Bij')).toThrow(/"X" is neither debit/);
    expect(() => applyDebitCredit(-125, 'Af', 'Af Bij')).toThrow(/own minus sign/);
  });

  it('decodes valid UTF-8 as UTF-8 and anything else as windows-1252', () => {
    expect(decodeBankText(Buffer.from('\ufeffCafé €', 'utf8'))).toBe('Café €');
    expect(decodeBankText(iconv.encode('Café € ‘s’', 'windows-1252'))).toBe('Café € ‘s’');
  });
});

const TINY_LAYOUT: CsvLayout = {
  format: 'csv-bunq',
  dialect: () => ({ separator: ';' }),
  positionalColumns: null,
  isHeader: (f) => f[0] === 'Datum',
  requiredColumns: ['Datum', 'Bedrag'],
  readRow: (row) => ({
    account: { iban: null, otherId: 'X', currency: 'EUR', ownerName: null, servicerBic: null },
    transaction: {
      sourceId: null,
      status: 'booked',
      bookingDate: readCsvDate(row.get('Datum'), 'YYYY-MM-DD', 'Datum'),
      valueDate: null,
      amountCents: readCsvAmount(row.get('Bedrag'), ',', 'Bedrag'),
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
    },
  }),
};

describe('parseCsvStatement', () => {
  const parse = (text: string, lenient = false) => parseCsvStatement(Buffer.from(text), { lenient }, TINY_LAYOUT);
  const refusal = (text: string): BankFileError => {
    try {
      parse(text);
    } catch (error) {
      if (error instanceof BankFileError) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('tolerates extra columns and refuses rows missing a needed one, naming the line', () => {
    expect(parse('Datum;Bedrag;Extra\n2024-01-02;1,00;x;y\n').transactions).toHaveLength(1);
    const error = refusal('Datum;Bedrag\n2024-01-02;1,00\n2024-01-03\n');
    expect([error.location, error.reason]).toEqual(['line 3', 'the record has 1 field where 2 are needed']);
  });

  it('refuses a file without the header, or with a header that lacks a needed column, in both modes', () => {
    expect(refusal('2024-01-02;1,00\n').reason).toMatch(/no header row/);
    expect(refusal('2024-01-01;1,00\n2024-01-02;2,00\nDatum;Bedrag\n2024-01-03;3,00\n')).toMatchObject({ location: 'line 1', reason: expect.stringMatching(/no header row/) });
    expect(() => parse('Datum;Omschrijving\n2024-01-02;x\n', true)).toThrow(/the header lacks the column Bedrag/);
  });

  it('strict mode stops at the first bad row, lenient mode lists every bad row and keeps the rest', () => {
    const text = 'Datum;Bedrag\n2024-01-02;1,00\n2024-02-30;2,00\n2024-01-04;x\n2024-01-05;5,00\n';
    expect([refusal(text).location, refusal(text).reason]).toEqual(['line 3', 'Datum "2024-02-30" is not a calendar date']);
    const lenient = parse(text, true);
    expect(lenient.transactions.map((t) => [t.location, t.amountCents])).toEqual([
      ['line 2', 100],
      ['line 5', 500],
    ]);
    expect(lenient.rejected.map((r) => r.location)).toEqual(['line 3', 'line 4']);
  });

  it('refuses empty and oversized input', () => {
    expect(() => parseCsvStatement(Buffer.alloc(0), {}, TINY_LAYOUT)).toThrow(/the file is empty/);
    expect(() => parseCsvStatement(Buffer.from('Datum;Bedrag\n'), { maxBytes: 5 }, TINY_LAYOUT)).toThrow(/at most 5 are accepted/);
  });
});

describe('CSV reader round trip (property-based)', () => {
  const fieldText = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', ';', '\t', '"', "'", '\n', '\r\n', 'é', '€', '/'), maxLength: 12 });
  const table = fc.array(fc.array(fieldText, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });

  function serialise(records: string[][], separator: CsvSeparator, lineEnd: string): { text: string; lines: number[] } {
    let line = 1;
    const lines: number[] = [];
    const text = records
      .map((record) => {
        lines.push(line);
        const row = record
          .map((field) => (field === '' || /[",;\t\r\n]/.test(field) || field.trim() !== field ? `"${field.replace(/"/g, '""')}"` : field))
          .join(separator);
        line += (row.match(/\r\n|\n|\r/g) ?? []).length + 1;
        return row;
      })
      .join(lineEnd);
    return { text, lines };
  }

  it('records with quotes, separators and line breaks come back as written, with their first lines', () => {
    fc.assert(
      fc.property(table, fc.constantFrom<CsvSeparator>(';', ',', '\t'), fc.constantFrom('\n', '\r\n'), (records, separator, lineEnd) => {
        const { text, lines } = serialise(records, separator, lineEnd);
        const read = readCsvRecords(text, { separator });
        expect(read.map((r) => r.fields)).toEqual(records);
        expect(read.map((r) => r.line)).toEqual(lines);
        expect(read.every((r) => r.defect === null)).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});
