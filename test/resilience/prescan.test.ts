/**
 * The byte pre-scan decides the caps before any tree is built, so its counts must never be lower than
 * what the readers find (else a cap could be passed unseen), must match exactly on plain files, and must
 * not be fooled by look-alike element names, namespace prefixes or brackets inside strings.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BankFileError } from '../../src/bank-data/canonical.js';
import { detectBankFormat, parseBankFile } from '../../src/bank-data/formats/index.js';
import { FileCapError, prescanBankFile, type FileCaps } from '../../src/bank-data/formats/prescan.js';
import { genuineCamt053 } from './generated-bank-files.js';

const OPEN: FileCaps = { maxEntries: Number.MAX_SAFE_INTEGER, maxAccounts: Number.MAX_SAFE_INTEGER, maxTextBytes: Number.MAX_SAFE_INTEGER };
const FIXTURES = fileURLToPath(new URL('../fixtures/bank-formats', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function capOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof FileCapError) return error.cap;
    throw error;
  }
}

describe('pre-scan over the real sample files', () => {
  it('never counts fewer entries or accounts than the reader finds', () => {
    let checked = 0;
    for (const path of filesUnder(FIXTURES)) {
      const input = readFileSync(path);
      let statement;
      try {
        statement = parseBankFile(input, { lenient: true });
      } catch (error) {
        if (error instanceof BankFileError) continue;
        throw error;
      }
      const format = detectBankFormat(input).format;
      const counts = prescanBankFile(input, format, OPEN);
      expect(counts.entries, path).toBeGreaterThanOrEqual(statement.transactions.length);
      expect(counts.accounts, path).toBeGreaterThanOrEqual(format.startsWith('camt') || format.startsWith('mt94') ? statement.accounts.length : 0);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('refuses a real file one entry over the cap, and accepts it at the cap', () => {
    const input = genuineCamt053(25);
    expect(capOf(() => parseBankFile(input, { caps: { ...OPEN, maxEntries: 25 } }))).toBeNull();
    expect(capOf(() => parseBankFile(input, { caps: { ...OPEN, maxEntries: 24 } }))).toBe('maxFileEntries');
    expect(capOf(() => parseBankFile(input, { caps: { ...OPEN, maxTextBytes: 10 } }))).toBe('maxFileTextBytes');
  });
});

const name = fc.constantFrom('Ntry', 'NtryDtls', 'NtryRef', 'Stmt', 'StmtX', 'Rpt', 'Ntfctn', 'Amt', 'Ntryy');
const prefix = fc.constantFrom('', 'ns:', 'camt:');

describe('pre-scan of XML (property)', () => {
  it('counts exactly the <Ntry> and <Stmt>/<Rpt>/<Ntfctn> start tags, whatever the prefix, attributes, self-closing or look-alikes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, prefix, selfClosing: fc.boolean(), attribute: fc.boolean(), text: fc.string({ maxLength: 20 }).map((s) => s.replace(/[<>&]/g, '')) }), { maxLength: 60 }),
        (elements) => {
          const xml = elements
            .map((e) => {
              const open = `<${e.prefix}${e.name}${e.attribute ? ' Ccy="EUR"' : ''}`;
              return e.selfClosing ? `${open}/>` : `${open}>${e.text}</${e.prefix}${e.name}>`;
            })
            .join('\n');
          const counts = prescanBankFile(Buffer.from(`<?xml version="1.0"?><!-- a comment --><Document>${xml}</Document>`), 'camt.053', OPEN);
          expect(counts.entries).toBe(elements.filter((e) => e.name === 'Ntry').length);
          expect(counts.accounts).toBe(elements.filter((e) => ['Stmt', 'Rpt', 'Ntfctn'].includes(e.name)).length);
          expect(counts.longestText).toBeGreaterThanOrEqual(Math.max(0, ...elements.filter((e) => !e.selfClosing).map((e) => Buffer.byteLength(e.text))));
        },
      ),
    );
  });

  it('stops at the first entry over the cap, however many follow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), (cap, extra) => {
        const xml = Buffer.from(`<Document><Stmt>${'<Ntry/>'.repeat(cap + extra)}</Stmt></Document>`);
        expect(capOf(() => prescanBankFile(xml, 'camt.053', { ...OPEN, maxEntries: cap }))).toBe(extra > 0 ? 'maxFileEntries' : null);
      }),
    );
  });
});

describe('pre-scan of JSON (property)', () => {
  it('counts objects held in arrays (plus the document, which may hold one entry alone), not brackets inside strings, and measures the longest string', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ transactionId: fc.string(), remittanceInformationUnstructured: fc.string({ unit: 'binary', maxLength: 40 }), tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }) }), { maxLength: 40 }),
        (booked) => {
          const text = JSON.stringify({ account: { iban: 'NL91ABNA0417164300' }, transactions: { booked, pending: [] } });
          const counts = prescanBankFile(Buffer.from(text), 'berlin-group', OPEN);
          expect(counts.entries).toBe(booked.length + 1);
          const longest = Math.max(0, ...[...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => Buffer.byteLength(m[1]!)));
          expect(counts.longestText).toBe(longest);
        },
      ),
    );
  });
});

describe('pre-scan of line formats', () => {
  it('counts MT940 :61: lines as entries and :25: lines as accounts', () => {
    const mt940 = Buffer.from(':20:REF\r\n:25:NL91ABNA0417164300\r\n:28C:1\r\n:60F:C240101EUR100,00\r\n:61:2401020102D10,00NTRFNONREF\r\n:86:x :61: not a line start\r\n:61:2401030103C5,00NTRFNONREF\r\n:62F:C240103EUR95,00\r\n');
    expect(prescanBankFile(mt940, 'mt940', OPEN)).toMatchObject({ entries: 2, accounts: 1 });
    expect(capOf(() => prescanBankFile(mt940, 'mt940', { ...OPEN, maxAccounts: 0 }))).toBe('maxFileAccounts');
  });

  it('counts non-blank lines of CSV, with LF, CRLF or CR line ends, and refuses an overlong line', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)), { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
        const input = Buffer.from(lines.join(eol) + eol + eol);
        const counts = prescanBankFile(input, 'csv-ing', OPEN);
        expect(counts.entries).toBe(lines.length);
        expect(counts.longestText).toBe(Math.max(0, ...lines.map((l) => Buffer.byteLength(l))));
      }),
    );
    expect(capOf(() => prescanBankFile(Buffer.from(`a;b\n${'x'.repeat(300)}\n`), 'csv-ing', { ...OPEN, maxTextBytes: 299 }))).toBe('maxFileTextBytes');
  });
});
