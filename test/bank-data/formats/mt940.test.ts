import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { normaliseIban, type ParsedStatement, type ParsedTransaction } from '../../../src/bank-data/canonical.js';
import { detectBankFormat } from '../../../src/bank-data/formats/index.js';
import { SWIFT_LINE_WIDTH, mt940Adapter, parseStatementLine, readMt940Messages, type Mt940Field } from '../../../src/bank-data/formats/mt940.js';
import { bicOrNull, parsePaymentDescription, type PaymentDescription } from '../../../src/bank-data/formats/payment-description.js';
import { PROPERTY_RUNS, detectionIsAScore, mutatedSample, parseThrowsOnlyBankFileErrors, randomBytes } from './adapter-robustness.js';
import { readReferenceParse, type ReferenceParse, type ReferenceTransaction } from './wolph-reference.js';
import { refusal } from './refusal.js';

const ROOT = new URL('../../fixtures/bank-formats/mt940/', import.meta.url);
const fixture = (path: string): Buffer => readFileSync(new URL(path, ROOT));
const SAMPLE_DIRECTORIES = readdirSync(ROOT).filter((name) => statSync(new URL(name, ROOT)).isDirectory());
const ALL_SAMPLES = SAMPLE_DIRECTORIES.flatMap((dir) => readdirSync(new URL(`${dir}/`, ROOT)).filter((f) => /\.(sta|txt)$/.test(f)).map((f) => `${dir}/${f}`));
const REFERENCED_SAMPLES = ALL_SAMPLES.filter((path) => existsSync(new URL(path.replace(/\.sta$/, '.yml'), ROOT)) && path.endsWith('.sta'));

const parseLenient = (path: string): ParsedStatement => mt940Adapter.parse(fixture(path), { lenient: true });
const referenceOf = (path: string): ReferenceParse => readReferenceParse(fixture(path.replace(/\.sta$/, '.yml')).toString('utf8'));
const lineOf = (location: string): number => Number(/^line (\d+)$/.exec(location)?.[1] ?? Number.NaN);
/** The reference strips the padding at line ends that belongs to wrapped text ("Fuellzeichen " + "xxx"), so text compares without whitespace. */
const squash = (value: string | null | undefined): string | null => (value == null || value.trim() === '' ? null : value.replace(/\s+/g, ''));

/** The ":61:" fields of a sample in file order, each with the ":86:" fields that follow it. */
function statementLinesOf(path: string): Array<{ field: Mt940Field; details: string[] }> {
  const text = fixture(path).toString('latin1');
  return readMt940Messages(text).flatMap((message) =>
    message.fields.flatMap((field, index) => {
      if (field.tag !== '61') return [];
      const details: string[] = [];
      for (const next of message.fields.slice(index + 1)) {
        if (next.tag !== '86') break;
        details.push(...next.lines);
      }
      return [{ field, details }];
    }),
  );
}

/**
 * The bank reference the reference library should have found. Its older versions cut the customer
 * reference at 16 characters even inside or after "//" and left the rest as supplementary details
 * ("NONREF//B4E07XM0" + "0J000023", "TFNr 01008 MEBB/" + "/9A46…"); its SEPA decoding then sometimes
 * blanked the customer reference altogether, leaving only the tail.
 */
function expectBankReference(mine: ParsedTransaction, ref: ReferenceTransaction): void {
  const customer = ref.customerReference?.split('\n')[0] ?? null;
  const uncut = customer !== null && customer.length === 16 ? customer + (ref.extraDetails ?? '') : customer;
  if (ref.bankReference !== null) {
    expect(mine.sourceId).toBe(ref.bankReference.trim().toUpperCase() === 'NONREF' ? null : ref.bankReference.trim());
  } else if (uncut?.includes('//')) {
    const reference = uncut.split('//')[1]!.trim();
    expect(mine.sourceId).toBe(reference.toUpperCase() === 'NONREF' ? null : reference);
  } else if (customer === null && ref.extraDetails) {
    expect(mine.sourceId?.endsWith(ref.extraDetails)).toBe(true);
  } else {
    expect(mine.sourceId).toBeNull();
  }
}

/** What the ":86:" text says, compared with what the reference decoded, or, where it kept text only, found in that text. */
function expectDetails(mine: Omit<PaymentDescription, 'paymentType'>, ref: ReferenceTransaction, compareText: boolean): void {
  if (ref.decoded) {
    expect(squash(mine.counterpartyName)).toBe(squash(ref.applicantName));
    expect(squash(mine.remittanceUnstructured)).toBe(squash(ref.purpose));
    expect(squash(mine.endToEndId)).toBe(squash(ref.endToEndReference));
    expect(squash(mine.mandateId)).toBe(squash(ref.mandateReference));
    expect(squash(mine.creditorId)).toBe(squash(ref.creditorId));
    expect(mine.counterpartyBic).toBe(bicOrNull(ref.applicantBin));
    const refIban = normaliseIban(ref.applicantIban);
    if (refIban) expect(mine.counterpartyIban).toBe(refIban);
    return;
  }
  if (!compareText) return;
  // Where the reference kept subfield text undecoded (Triodos ">20…>21…"), the markers are not part of the words.
  const haystack = squash([ref.transactionDetails, ref.extraDetails, ref.customerReference].filter(Boolean).join(' ').replace(/[?>]\d{2}/g, '')) ?? '';
  for (const value of [mine.remittanceUnstructured, mine.counterpartyName, mine.endToEndId, mine.mandateId, mine.creditorId, mine.remittanceStructured]) {
    if (value !== null) expect(haystack).toContain(squash(value));
  }
  if (squash(ref.transactionDetails)) expect(mine.remittanceUnstructured ?? mine.counterpartyName).not.toBeNull();
}

function expectStatementLine(mine: ParsedTransaction, ref: ReferenceTransaction): void {
  // SWIFT: "RC" reverses a credit, so it is money out; the reference only negates "D".
  expect(mine.amountCents).toBe(ref.status === 'RC' ? -ref.amountCents : ref.amountCents);
  expect(mine.currency).toBe(ref.currency);
  if (mine.valueDate === null) {
    // An impossible value date (the reference moves 30 February to the 29th) is dropped; the entry date books the entry.
    expect(ref.entryDate).not.toBeNull();
    expect(mine.bookingDate).toBe(ref.entryDate);
  } else {
    expect(mine.valueDate).toBe(ref.date);
    expect(mine.bookingDate).toBe(ref.entryDate ?? ref.date);
  }
  expect(mine.reversal).toBe(ref.status.startsWith('R'));
  expect(mine.proprietaryCode).toBe(ref.id?.trim() || null);
  expectBankReference(mine, ref);
}

const BALANCE_TAGS = {
  final_opening_balance: '60F',
  final_closing_balance: '62F',
  intermediate_opening_balance: '60M',
  intermediate_closing_balance: '62M',
  available_balance: '64',
  forward_available_balance: '65',
} as const;

/** The reference keeps the balances of the last statement in a file, so they are the last of each kind here. */
function expectBalances(mine: ParsedStatement, ref: ReferenceParse): void {
  for (const [key, tag] of Object.entries(BALANCE_TAGS) as Array<[keyof typeof BALANCE_TAGS, string]>) {
    const expected = ref.balances[key];
    const found = mine.balances.filter((b) => b.rawType === tag).at(-1);
    if (expected && !/^[A-Z]{3}$/.test(expected.currency ?? '')) {
      // The reference read digits of the amount as the currency; this adapter drops such a balance with a warning.
      expect(mine.warnings.some((w) => w.field === `:${tag}:` && w.action === 'dropped' && w.reason.includes(`:${tag}: balance`))).toBe(true);
      continue;
    }
    if (!expected) {
      expect(found, `no ${tag} in the reference`).toBeUndefined();
      continue;
    }
    expect(found, `${tag} balance`).toBeDefined();
    expect({ amountCents: found!.amountCents, currency: found!.currency, date: found!.date }).toEqual(expected);
  }
}

function compareWithReference(path: string, options: { compareText?: boolean; compareAccount?: boolean } = {}): ParsedStatement {
  const mine = parseLenient(path);
  const ref = referenceOf(path);
  const lines = statementLinesOf(path);
  expect(lines).toHaveLength(ref.transactions.length);
  expect(mine.transactions.length + mine.rejected.filter((r) => lines.some((l) => `line ${l.field.line}` === r.location)).length).toBe(ref.transactions.length);
  lines.forEach(({ field, details }, index) => {
    const refTx = ref.transactions[index]!;
    const tx = mine.transactions.find((t) => t.location === `line ${field.line}`);
    if (tx) {
      expectStatementLine(tx, refTx);
      expectDetails(tx, refTx, options.compareText ?? true);
    } else {
      expect(mine.rejected.map((r) => r.location)).toContain(`line ${field.line}`);
      expectDetails(parsePaymentDescription(details, SWIFT_LINE_WIDTH), refTx, options.compareText ?? true);
    }
  });
  expectBalances(mine, ref);
  if (ref.accountIdentification !== null && options.compareAccount !== false) {
    expect(mine.accounts.map((a) => a.iban ?? a.otherId)).toContain(ref.accountIdentification);
  }
  return mine;
}

// ---------------------------------------------------------------------------------------------
// Every sample with an expected parse. Where this adapter decides otherwise than the reference
// library, the test name says so and the test checks both the refusal and what remains readable.
// ---------------------------------------------------------------------------------------------

interface Refusal {
  title: string;
  location: string;
  reason: RegExp;
}

const REFUSED: Record<string, Refusal> = {
  'self-provided/invalid_statement.sta': {
    title: 'refuses a file without any MT940 field, where the reference returns an empty parse',
    location: 'line 1',
    reason: /no MT940 or MT942 field was found/,
  },
  'betterplace/sepa_snippet_broken.sta': {
    title: 'refuses a second :25: inside a statement, where the reference takes the damaged text as the account',
    location: 'line 6',
    reason: /second :25: account identification/,
  },
  'betterplace/empty_entry_date.sta': {
    title: 'refuses an entry whose currency nothing states, where the reference leaves the currency empty',
    location: 'line 1',
    reason: /currency of this entry is not stated/,
  },
  'cmxl/statement_line.sta': {
    title: 'refuses an entry whose currency nothing states, where the reference leaves the currency empty',
    location: 'line 1',
    reason: /currency of this entry is not stated/,
  },
  'cmxl/statement_details.sta': {
    title: 'refuses an entry whose currency nothing states, where the reference leaves the currency empty',
    location: 'line 1',
    reason: /currency of this entry is not stated/,
  },
  'self-provided/sparkassen.sta': {
    title: 'reads the tag broken after its colon like the reference, but refuses the entry whose currency nothing states',
    location: 'line 1',
    reason: /currency of this entry is not stated/,
  },
};

/** Files with a flaw in a secondary field: read whole in strict mode, the flaw dropped with a warning at this place. */
const REPAIRED: Record<string, { title: string; location: string; field: string; reason: RegExp }> = {
  'self-provided/february_30.sta': {
    title: 'drops the value date 30 February with a warning and books the entry on its entry date, where the reference moves it to the 29th',
    location: 'line 6',
    field: ':61: value date',
    reason: /value date 160230 .* is not a calendar date; the entry date books the entry/,
  },
  'self-provided/transaction_details_wrapped.sta': {
    title: 'drops the value date 30 February with a warning (the reference moves it to the 29th); the wrapped :86: still reads',
    location: 'line 6',
    field: ':61: value date',
    reason: /value date 160230 .* is not a calendar date/,
  },
  'self-provided/wrapped_timestamp.sta': {
    title: 'drops the value date 30 February with a warning (the reference moves it to the 29th); the wrapped :86: still reads',
    location: 'line 5',
    field: ':61: value date',
    reason: /value date 160230 .* is not a calendar date/,
  },
  'self-provided/raphaelm.sta': {
    title: 'drops balances without a currency with a warning, where the reference reads "105" and "950" as currencies',
    location: 'line 27',
    field: ':62M:',
    reason: /:62M: balance "C020315105000,00" has no ISO currency code/,
  },
};

const TOLERATED: Record<string, string> = {
  'betterplace/sepa_mt9401.sta': 'reads "RC" (reversal of a credit) as money out, where the reference books it as money in',
  'jejik/ing.sta': 'keeps the :86: after the closing balance off the last entry, where the reference appends it',
  'self-provided/raiffeisen-cmi.sta': 'reads the code page 852 text as windows-1252 (accents differ from the reference); money, dates and references match',
  'betterplace/amount_formats.sta': 'reads every :60F: of a fragment without :20: and :25: into an unnamed account, like the reference',
};

describe('MT940/MT942 samples against the reference parse (WoLpH/mt940)', () => {
  it('covers every sample that has an expected parse', () => {
    expect(REFERENCED_SAMPLES.length).toBeGreaterThanOrEqual(48);
    for (const path of [...Object.keys(REFUSED), ...Object.keys(REPAIRED), ...Object.keys(TOLERATED)]) expect(REFERENCED_SAMPLES).toContain(path);
  });

  for (const path of REFERENCED_SAMPLES) {
    const refused = REFUSED[path];
    if (refused) {
      it(`${path}: ${refused.title}`, () => {
        const error = refusal(() => mt940Adapter.parse(fixture(path)));
        expect(error.location).toBe(refused.location);
        expect(error.reason).toMatch(refused.reason);
        if (path === 'self-provided/invalid_statement.sta') {
          expect(referenceOf(path).transactions).toHaveLength(0);
          expect(refusal(() => mt940Adapter.parse(fixture(path), { lenient: true })).location).toBe('line 1');
          return;
        }
        const damagedAccount = path === 'betterplace/sepa_snippet_broken.sta';
        const lenient = compareWithReference(path, { compareAccount: !damagedAccount });
        expect(lenient.rejected.map((r) => r.location)).toContain(refused.location);
        if (damagedAccount) expect(lenient.accounts.map((a) => a.otherId)).toEqual(['50880050/0194787400888']);
      });
      continue;
    }
    const repaired = REPAIRED[path];
    if (repaired) {
      it(`${path}: ${repaired.title}`, () => {
        const strict = mt940Adapter.parse(fixture(path));
        const warning = strict.warnings.find((w) => w.location === repaired.location && w.field === repaired.field);
        expect(warning, `${repaired.field} warning at ${repaired.location}`).toBeDefined();
        expect(warning!.action).toBe('dropped');
        expect(warning!.reason).toMatch(repaired.reason);
        const mine = compareWithReference(path);
        expect(mine.rejected).toEqual([]);
        expect(mine.transactions).toEqual(strict.transactions);
      });
      continue;
    }
    it(`${path}: ${TOLERATED[path] ?? 'matches the reference'}`, () => {
      expect(() => mt940Adapter.parse(fixture(path))).not.toThrow();
      const mine = compareWithReference(path, { compareText: path !== 'self-provided/raiffeisen-cmi.sta' });
      expect(mine.rejected).toEqual([]);
    });
  }
});

describe('MT940 samples: what the reference cannot show', () => {
  it('sepa_mt9401.sta: every one of its 26 statements adds up from opening to closing balance, which needs RC as money out', () => {
    expect(statementsAddingUp('betterplace/sepa_mt9401.sta')).toEqual({ addingUp: 26, notAddingUp: 0 });
    const reversals = parseLenient('betterplace/sepa_mt9401.sta').transactions.filter((t) => t.reversal);
    expect(reversals.map((t) => t.amountCents)).toEqual([-20488, -20488]);
  });

  it.each([
    ['ASNB/0708271685_09022020_164516.940.txt', 31],
    ['betterplace/with_binary_character.sta', 2],
    ['cmxl/mt940.sta', 3],
    ['jejik/generic.sta', 2],
    ['jejik/rabobank-iban.sta', 2],
    ['jejik/sns.sta', 2],
    ['mBank/mt940.sta', 1],
    ['sberbank/171011_01234945.sta', 1],
  ])('%s: its statements add up from opening to closing balance', (path, count) => {
    expect(statementsAddingUp(path)).toEqual({ addingUp: count, notAddingUp: 0 });
  });

  it('february_30.sta: the entry whose value date is dropped is real money: with it the statement adds up', () => {
    const mine = mt940Adapter.parse(fixture('self-provided/february_30.sta'));
    const [opening, closing] = mine.balances;
    expect(mine.transactions).toHaveLength(1);
    expect(mine.transactions[0]).toMatchObject({ amountCents: -600, bookingDate: '2016-03-01', valueDate: null });
    expect(opening!.amountCents + mine.transactions[0]!.amountCents).toBe(closing!.amountCents);
  });

  it('transaction_details_wrapped.sta: a ":12:" that only wraps a time continues the :86: text', () => {
    const details = statementLinesOf('self-provided/transaction_details_wrapped.sta')[0]!.details.join('');
    expect(details).toContain('?602017-01-01T13:12:11');
    expect(parsePaymentDescription(statementLinesOf('self-provided/transaction_details_wrapped.sta')[0]!.details)).toMatchObject({
      paymentType: 'ENTGELTABSCHLUSS',
      remittanceUnstructured: 'Pauschalen',
      counterpartyBic: null,
    });
  });

  it('sparkassen.sta: a tag broken after its colon and an amount on the next line still read', () => {
    const [{ field, details }] = statementLinesOf('self-provided/sparkassen.sta') as [{ field: Mt940Field; details: string[] }];
    expect(parseStatementLine(field.lines)).toMatchObject({ valueDate: '2018-11-26', entryDate: '2018-11-26', mark: 'C', fundsCode: 'R', amountCents: 3000, typeCode: 'N062', customerReference: 'NONREF' });
    expect(parsePaymentDescription(details)).toMatchObject({ paymentType: 'GUTSCHR. UEBERWEISUNG', remittanceUnstructured: 'Test' });
  });

  it('cmxl/mt940.sta: the Polish statement gives the IBAN in ?38, which the reference does not read', () => {
    const polish = parseLenient('cmxl/mt940.sta').transactions.filter((t) => t.currency === 'PLN');
    expect(polish.map((t) => t.counterpartyIban)).toEqual(['PL08106000760000777777777777', 'PL08106000760000777777777777', null]);
    expect(polish.map((t) => t.sourceId)).toEqual(['8327000090031789', '8327000090031790', '8327000090031791']);
  });

  it('mt942 samples: an intraday report gives pending entries and its currency from :34F:', () => {
    const mbank = parseLenient('mBank/mt942.sta');
    expect(mbank.format).toBe('mt942');
    expect(mbank.transactions.map((t) => [t.status, t.amountCents, t.currency, t.sourceId])).toEqual([
      ['pending', 1, 'PLN', 'MB170119012058'],
      ['pending', 1, 'PLN', 'MB170119012085'],
      ['pending', 1, 'PLN', 'MB170119012121'],
    ]);
    expect(mbank.balances).toEqual([]);
    const own = parseLenient('self-provided/mt942.sta');
    expect(own.format).toBe('mt942');
    expect(own.transactions).toMatchObject([{ status: 'pending', amountCents: -42, currency: 'EUR', bookingDate: '2016-10-31', valueDate: '2016-10-30', sourceId: '055001022000001' }]);
  });
});

function statementsAddingUp(path: string): { addingUp: number; notAddingUp: number } {
  const mine = parseLenient(path);
  const events = [
    ...mine.balances.map((balance) => ({ line: lineOf(balance.location), balance, transaction: null })),
    ...mine.transactions.map((transaction) => ({ line: lineOf(transaction.location), balance: null, transaction })),
  ].sort((a, b) => a.line - b.line);
  let running: number | null = null;
  const result = { addingUp: 0, notAddingUp: 0 };
  for (const { balance, transaction } of events) {
    if (transaction && running !== null) running += transaction.amountCents;
    if (balance?.rawType.startsWith('60')) running = balance.amountCents;
    if (balance?.rawType.startsWith('62') && running !== null) {
      if (running === balance.amountCents) result.addingUp++;
      else result.notAddingUp++;
      running = null;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The Dutch banks, by hand: what a creditor needs from each.
// ---------------------------------------------------------------------------------------------

describe('MT940 from Dutch banks', () => {
  it('ASN: 31 daily statements of one account in SWIFT envelopes; counterparty from the :61: reference and the first :86: line', () => {
    const asn = mt940Adapter.parse(fixture('ASNB/0708271685_09022020_164516.940.txt'));
    expect(asn.accounts).toEqual([{ iban: null, otherId: 'NL81ASNB9999999999', currency: null, ownerName: null, servicerBic: 'ASNBNL21' }]);
    expect(asn.transactions).toHaveLength(8);
    expect(asn.balances).toHaveLength(62);
    expect(asn.transactions.reduce((sum, t) => sum + t.amountCents, 0)).toBe(5694);
    expect(asn.transactions[0]).toMatchObject({
      amountCents: -6500,
      bookingDate: '2020-01-01',
      valueDate: '2020-01-01',
      counterpartyName: 'hr gjlm paulissen',
      remittanceUnstructured: 'Betaling sieraden',
      proprietaryCode: 'NOVB',
      sourceId: null,
      location: 'line 6',
    });
    expect(asn.balances[0]).toMatchObject({ type: 'openingBooked', amountCents: 44429, date: '2020-01-01', location: 'line 5' });
    expect(asn.balances.at(-1)).toMatchObject({ type: 'closingBooked', amountCents: 50123, date: '2020-01-31' });
    expect(asn.transactions[2]!.remittanceUnstructured).toBe('000000000000000000000000000000000 0000000000000000 Betaling aan ICS 99999999999 ICS Referentie: 2020-01-05 19:47 000000000000000');
  });

  it('ABN AMRO: two statements, the second with interim balances; the BIC before each message names the bank', () => {
    const abn = mt940Adapter.parse(fixture('jejik/abnamro.sta'));
    expect(abn.accounts).toEqual([{ iban: null, otherId: '517852257', currency: null, ownerName: null, servicerBic: 'ABNANL2A' }]);
    expect(abn.transactions).toHaveLength(10);
    expect(abn.transactions.reduce((sum, t) => sum + t.amountCents, 0)).toBe(-34593);
    expect(abn.transactions[0]).toMatchObject({ amountCents: -900, valueDate: '2011-05-24', bookingDate: '2011-05-24', proprietaryCode: 'N192' });
    expect(abn.transactions[1]).toMatchObject({ valueDate: '2011-05-21', bookingDate: '2011-05-23' });
    expect(abn.balances.map((b) => [b.type, b.amountCents])).toEqual([
      ['openingBooked', 323628],
      ['closingBooked', 87684],
      ['interimBooked', 287684],
      ['interimBooked', 184975],
    ]);
  });

  it('ING (legacy export): header records before ":20:" give the BIC; "-XXX" ends the message', () => {
    const ing = mt940Adapter.parse(fixture('jejik/ing.sta'));
    expect(ing.accounts[0]).toMatchObject({ otherId: '0001234567', servicerBic: 'INGBNL2A' });
    expect(ing.transactions.map((t) => t.amountCents)).toEqual([-2503, -303, -111, -2000, -110, 368, 100]);
    expect(ing.transactions.at(-1)!.remittanceUnstructured).toBe('0111111111 Hr S Marechal ROSMALEN Hr S Marechal ROSMALEN Betaling transactiedatum: 22-07-2010');
  });

  it('Knab: the bank reference after "//" is the source id; "REK:"/"NAAM:" give the counterparty', () => {
    const knab = mt940Adapter.parse(fixture('jejik/knab.sta'));
    expect(knab.transactions.map((t) => [t.amountCents, t.sourceId])).toEqual([
      [50000, 'B4E07XM00J000023'],
      [-726000, 'B4G29PGCVO7Q06US'],
      [50000, 'B4G29PGDCK1QFV3E'],
    ]);
    expect(knab.transactions[1]).toMatchObject({ counterpartyName: 'PICQER', remittanceUnstructured: 'FACTUUR 201403110, 201403113' });
  });

  it('Rabobank (pre-SEPA): several :86: per entry join; the account in the reference and the name after it give the counterparty', () => {
    const rabo = mt940Adapter.parse(fixture('jejik/rabobank.sta'));
    expect(rabo.accounts.map((a) => [a.otherId, a.currency])).toEqual([
      ['1291.99.348EUR', 'EUR'],
      ['1526.89.184EUR', 'EUR'],
    ]);
    expect(rabo.transactions[0]).toMatchObject({
      amountCents: -121328,
      counterpartyName: 'W.P. Jansen',
      remittanceUnstructured: 'Terugboeking NIET AKKOORD MET AFSCHRIJVING KOSTEN KINDEROPVANG JUNI 20095731',
      accountIndex: 0,
    });
    expect(rabo.transactions.at(-1)).toMatchObject({ amountCents: -620, accountIndex: 1, proprietaryCode: 'NMSC' });
    expect(rabo.balances).toHaveLength(8);
  });

  it('Rabobank (SEPA): "/EREF/…/BENM//NAME/…/REMI/…" codewords, wrapped in the middle of a name', () => {
    const rabo = mt940Adapter.parse(fixture('jejik/rabobank-iban.sta'));
    expect(rabo.transactions[0]).toMatchObject({
      amountCents: -2500,
      counterpartyName: 'CONTRA ACCOUNT HOLDER',
      endToEndId: '01-01-2013 12:00 0030000987654321',
      remittanceUnstructured: null,
      proprietaryCode: 'N102',
    });
    expect(rabo.transactions[1]).toMatchObject({ counterpartyName: 'JOHN DOE', remittanceUnstructured: 'Reference 201301234' });
  });

  it('SNS: the counterparty account opens :86: and repeats the :61: reference; blank padded lines are dropped', () => {
    const sns = mt940Adapter.parse(fixture('jejik/sns.sta'));
    expect(sns.transactions.map((t) => [t.amountCents, t.bookingDate, t.valueDate, t.counterpartyName, t.remittanceUnstructured])).toEqual([
      [-2000, '2012-06-08', '2012-06-07', 'marechal s', 'dit is een test'],
      [-500, '2012-06-08', '2012-06-08', 'marechal s', 'dit is test 2'],
    ]);
  });

  it('Triodos: ">20"… subfields give the description across the wrap', () => {
    const triodos = mt940Adapter.parse(fixture('jejik/triodos.sta'));
    expect(triodos.transactions.map((t) => [t.amountCents, t.remittanceUnstructured])).toEqual([
      [-1570, 'ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010'],
      [-70000, 'HUUR KANTOOR - FEB 2010'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour the samples do not show.
// ---------------------------------------------------------------------------------------------

const INGB_STRUCTURED = [
  '{1:F01INGBNL2AXXXX0000000000}{2:O940INGBNL2AXXXXN}{4:',
  ':20:P140220000000001',
  ':25:NL20INGB0001234567EUR',
  ':28C:00000',
  ':60F:C231229EUR1000,00',
  ':61:2312300102C150,00NTRFEREF//00000000001005',
  '/TRCD/00100/',
  ':86:/EREF/INV-2023-0042//CNTP/NL91ABNA0417164300/ABNANL2A/J. de ',
  'Vries/Amsterdam///REMI/USTD//Factuur 2023-0042/',
  ':61:2401020102D44,25NDDTEREF//00000000001006',
  ':86:/EREF/2024-01-000123//MARF/EN-2023-0042//CSID/NL16ZZZ302040710000//CNT',
  'P/NL39RABO0300065264/RABONL2U/Energie Noord B.V.///REMI/STRD/CUR/1234',
  '567890123456/',
  ':61:2401030103RC44,25NRTIEREF//00000000001007',
  ':86:/RTRN/AM04//EREF/2024-01-000123//MARF/EN-2023-0042//CSID/NL16ZZZ302040710000//CNTP/NL39RABO0300065264/RABONL2U/Energie Noord B.V.///REMI/USTD//Termijn januari/',
  ':62F:C240103EUR1150,00',
  ':64:C240103EUR1150,00',
  ':65:C240104EUR1150,00',
  '-}',
].join('\r\n');

describe('MT940 reading rules', () => {
  it('ING structured codewords: counterparty, references, mandate, creditor id, structured remittance and the return reason', () => {
    const ing = mt940Adapter.parse(Buffer.from(INGB_STRUCTURED));
    expect(ing.accounts).toEqual([{ iban: 'NL20INGB0001234567', otherId: null, currency: 'EUR', ownerName: null, servicerBic: 'INGBNL2A' }]);
    expect(ing.transactions[0]).toMatchObject({
      amountCents: 15000,
      valueDate: '2023-12-30',
      bookingDate: '2024-01-02',
      counterpartyName: 'J. de Vries',
      counterpartyIban: 'NL91ABNA0417164300',
      counterpartyBic: 'ABNANL2A',
      endToEndId: 'INV-2023-0042',
      remittanceUnstructured: 'Factuur 2023-0042',
      sourceId: '00000000001005',
      location: 'line 6',
    });
    expect(ing.transactions[1]).toMatchObject({
      amountCents: -4425,
      mandateId: 'EN-2023-0042',
      creditorId: 'NL16ZZZ302040710000',
      counterpartyIban: 'NL39RABO0300065264',
      remittanceStructured: '1234567890123456',
      remittanceUnstructured: null,
    });
    expect(ing.transactions[2]).toMatchObject({ amountCents: -4425, reversal: true, returnReasonCode: 'AM04', remittanceUnstructured: 'Termijn januari' });
    expect(ing.balances.map((b) => [b.type, b.rawType, b.amountCents, b.date, b.location])).toEqual([
      ['openingBooked', '60F', 100000, '2023-12-29', 'line 5'],
      ['closingBooked', '62F', 115000, '2024-01-03', 'line 16'],
      ['closingAvailable', '64', 115000, '2024-01-03', 'line 17'],
      ['forwardAvailable', '65', 115000, '2024-01-04', 'line 18'],
    ]);
  });

  it('ABN AMRO codewords "/TRTP/…/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…" wrapped at a space, and "RD" as money in', () => {
    const text = [
      'ABNANL2A',
      '940',
      'ABNANL2A',
      ':20:ABN AMRO BANK NV',
      ':25:NL91ABNA0417164300',
      ':28:19321/1',
      ':60F:C240105EUR500,00',
      ':61:2401050105C1250,N654NONREF',
      ':86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/J DE ',
      'VRIES/REMI/Terugbetaling lening/EREF/NOTPROVIDED',
      ':61:2401060106RD20,N426NONREF',
      ':86:Storno incasso',
      ':62F:C240106EUR1770,',
    ].join('\n');
    const abn = mt940Adapter.parse(Buffer.from(text));
    expect(abn.transactions[0]).toMatchObject({
      amountCents: 125000,
      counterpartyName: 'J DE VRIES',
      counterpartyIban: 'NL44RABO0123456789',
      counterpartyBic: 'RABONL2U',
      remittanceUnstructured: 'Terugbetaling lening',
      endToEndId: null,
      proprietaryCode: 'N654',
    });
    expect(abn.transactions[1]).toMatchObject({ amountCents: 2000, reversal: true });
    expect(statementTotal(abn)).toBe(abn.balances[1]!.amountCents);
  });

  it('the entry date takes the year across New Year in both directions', () => {
    expect(parseStatementLine(['2312300102C1,00NTRFNONREF'])).toMatchObject({ valueDate: '2023-12-30', entryDate: '2024-01-02' });
    expect(parseStatementLine(['2401021229D1,00NTRFNONREF'])).toMatchObject({ valueDate: '2024-01-02', entryDate: '2023-12-29' });
    expect(parseStatementLine(['2402290229D1,00NTRFNONREF'])).toMatchObject({ entryDate: '2024-02-29' });
    // An entry date that exists only far from the value date is dropped; the value date books the entry.
    expect(parseStatementLine(['2303010229D1,00NTRFNONREF'])).toMatchObject({
      valueDate: '2023-03-01',
      entryDate: null,
      flaws: [{ field: 'entry date', reason: expect.stringMatching(/entry date 0229 .* not a calendar date near the value date; the value date books the entry/) }],
    });
  });

  it('reads the :61: line parts: funds code, type, references, supplementary details', () => {
    expect(parseStatementLine(['0709070904CR50990,05NTRFNONREF//0724710333343453'])).toEqual({
      valueDate: '2007-09-07',
      entryDate: '2007-09-04',
      mark: 'C',
      fundsCode: 'R',
      amountCents: 5099005,
      typeCode: 'NTRF',
      customerReference: 'NONREF',
      bankReference: '0724710333343453',
      supplementaryDetails: null,
    });
    expect(parseStatementLine(['1312091209C79,7FMSC01916//NONREF', '20131209007602198765432000000012'])).toMatchObject({
      amountCents: 7970,
      typeCode: 'FMSC',
      customerReference: '01916',
      bankReference: 'NONREF',
      supplementaryDetails: '20131209007602198765432000000012',
    });
    expect(parseStatementLine(['110527D000000001213,28N0440121470966      W.P. Jansen                      '])).toMatchObject({
      customerReference: '0121470966',
      supplementaryDetails: 'W.P. Jansen',
    });
    expect(parseStatementLine(['2001050105D801,55NIDBNL08ABNA9999999999', 'international card services '])).toMatchObject({
      customerReference: 'NL08ABNA9999999999',
      supplementaryDetails: 'international card services',
    });
  });

  it('refuses :61: lines it cannot read, naming what is wrong', () => {
    expect(() => parseStatementLine(['24013D1,00NTRF'])).toThrow(/does not start with a value date/);
    expect(() => parseStatementLine(['240131D1,0,0NTRF'])).toThrow(/more than one decimal separator/);
    expect(() => parseStatementLine(['240131D1.0,0NTRF'])).toThrow(/more than one decimal separator/);
    expect(() => parseStatementLine(['241301D1,00NTRF'])).toThrow(/value date 241301 .* not a calendar date/);
    // Neither date readable: nothing can book the entry.
    expect(() => parseStatementLine(['2413011332D1,00NTRF'])).toThrow(/value date 241301 .* not a calendar date, and its entry date 1332/);
    const error = refusal(() => mt940Adapter.parse(Buffer.from(':20:X\n:25:NL91ABNA0417164300\n:60F:C240101EUR0,00\n:61:240102D1,00NTRFNONREF\n:61:24013XD1,00\n')));
    expect([error.format, error.location]).toEqual(['mt940', 'line 5']);
  });

  it('lenient mode keeps the readable entries and lists the others with line and reason', () => {
    const text = ':20:X\n:25:NL91ABNA0417164300\n:60F:C240101EUR10,00\n:61:240102D1,00NTRFNONREF\n:61:240230D1,00NTRFNONREF\n:86:gone\n:61:240103C2,50NTRFNONREF\n:62F:C240103EUR11,50\n';
    const lenient = mt940Adapter.parse(Buffer.from(text), { lenient: true });
    expect(lenient.transactions.map((t) => [t.amountCents, t.location])).toEqual([
      [-100, 'line 4'],
      [250, 'line 7'],
    ]);
    expect(lenient.rejected).toEqual([{ location: 'line 5', reason: 'the value date 240230 of the :61: statement line is not a calendar date' }]);
  });

  it('strict mode names the first bad entry of the file; a bad balance is dropped with a warning in both modes', () => {
    const text = ':20:X\n:25:NL91ABNA0417164300\n:60F:C240101EUR10,00\n:61:240230D1,00NTRFNONREF\n:62F:C2401029,00\n';
    expect(refusal(() => mt940Adapter.parse(Buffer.from(text))).location).toBe('line 4');
    const lenient = mt940Adapter.parse(Buffer.from(text), { lenient: true });
    expect(lenient.rejected.map((r) => r.location)).toEqual(['line 4']);
    expect(lenient.warnings).toEqual([{ location: 'line 5', field: ':62F:', reason: expect.stringMatching(/:62F: balance "C2401029,00" has no ISO currency code/), action: 'dropped' }]);
    expect(lenient.balances.map((b) => b.rawType)).toEqual(['60F']);
  });

  it('the same statement reads alike with CRLF, LF, CR, no final line break, trailing blanks and SWIFT control characters', () => {
    const lines = [':20:X', ':25:NL91ABNA0417164300', ':60F:C240101EUR10,00', ':61:240102D1,00NTRFNONREF//ABC', ':86:Boodschappen', ':62F:C240102EUR9,00'];
    const expected = mt940Adapter.parse(Buffer.from(lines.join('\n') + '\n'));
    for (const variant of [lines.join('\r\n'), lines.join('\r'), lines.join('\n'), `\u0001\r\n${lines.map((l) => `${l}   `).join('\r\n')}\r\n-\u0003`, `\n\n${lines.join('\n\n')}\n\n`]) {
      const parsed = mt940Adapter.parse(Buffer.from(variant));
      expect(parsed.transactions.map(({ location: _location, ...t }) => t)).toEqual(expected.transactions.map(({ location: _location, ...t }) => t));
      expect(parsed.balances.map((b) => b.amountCents)).toEqual([1000, 900]);
    }
  });

  it('reads UTF-8 and windows-1252 files to the same text', () => {
    const text = ':20:X\n:25:NL91ABNA0417164300\n:60F:C240101EUR10,00\n:61:240102D1,00NTRFNONREF\n:86:/TRTP/SEPA OVERBOEKING/NAME/Café Müller/REMI/Koffie à 2,50\n:62F:C240102EUR9,00\n';
    const fromUtf8 = mt940Adapter.parse(Buffer.from(text, 'utf8'));
    const fromWindows1252 = mt940Adapter.parse(iconv.encode(text, 'windows-1252'));
    expect(fromWindows1252.transactions).toEqual(fromUtf8.transactions);
    expect(fromUtf8.transactions[0]).toMatchObject({ counterpartyName: 'Café Müller', remittanceUnstructured: 'Koffie à 2,50' });
  });

  it('several statements of different accounts become several accounts; one account seen twice stays one', () => {
    const statement = (account: string, amount: string): string => `:20:X\n:25:${account}\n:60F:C240101EUR0,\n:61:240102C${amount}NTRFNONREF\n:62F:C240102EUR${amount}\n-\n`;
    const parsed = mt940Adapter.parse(Buffer.from(statement('NL91ABNA0417164300', '1,') + statement('NL20INGB0001234567EUR', '2,') + statement('NL91ABNA0417164300', '3,')));
    expect(parsed.accounts.map((a) => a.iban)).toEqual(['NL91ABNA0417164300', 'NL20INGB0001234567']);
    expect(parsed.transactions.map((t) => [t.accountIndex, t.amountCents])).toEqual([
      [0, 100],
      [1, 200],
      [0, 300],
    ]);
    expect(parsed.accounts[1]!.currency).toBe('EUR');
  });

  it('German "?20…?32" subfields with SEPA keywords spread over the wrap', () => {
    expect(
      parsePaymentDescription([
        '171?00SEPA LASTSCHRIFT KUNDE?10281?20EREF+TRX-0A4A47C3-F846-4729?21-8A1B-5DF620F?22MREF+CAC97D2144174318AC18D9?23BF815BD4FB?24CRED+DE98ZZZ09999999999?25SVWZ+FOO TRX-0A4A47C3-F84?266-4729-8A1B-5DF620F?30HYVEDEMMXXX?31DE89370400440532013000?32Peter Pan?34171',
      ]),
    ).toEqual({
      counterpartyName: 'Peter Pan',
      counterpartyIban: 'DE89370400440532013000',
      counterpartyBic: 'HYVEDEMMXXX',
      remittanceUnstructured: 'FOO TRX-0A4A47C3-F846-4729-8A1B-5DF620F',
      remittanceStructured: null,
      endToEndId: 'TRX-0A4A47C3-F846-4729-8A1B-5DF620F',
      mandateId: 'CAC97D2144174318AC18D9BF815BD4FB',
      creditorId: 'DE98ZZZ09999999999',
      returnReasonCode: null,
      paymentType: 'SEPA LASTSCHRIFT KUNDE',
    });
  });

  it('detects MT940 by ":20:" and statement fields, with certainty inside a SWIFT envelope, and never claims CSV', () => {
    expect(mt940Adapter.detect(Buffer.from(INGB_STRUCTURED))).toBe(1);
    expect(mt940Adapter.detect(fixture('jejik/rabobank.sta'))).toBeGreaterThanOrEqual(0.9);
    expect(mt940Adapter.detect(Buffer.from('"Datum","Naam / Omschrijving"\n":20:","x"'))).toBe(0);
    expect(mt940Adapter.detect(Buffer.from(':20:only a reference'))).toBe(0);
    expect(detectBankFormat(fixture('ASNB/0708271685_09022020_164516.940.txt'))).toBe(mt940Adapter);
    expect(detectBankFormat(fixture('mBank/mt942.sta'))).toBe(mt940Adapter);
  });

  it('refuses input larger than maxBytes before reading it', () => {
    const error = refusal(() => mt940Adapter.parse(Buffer.from(INGB_STRUCTURED), { maxBytes: 100 }));
    expect([error.kind, error.location]).toEqual(['too_large', 'file']);
  });
});

function statementTotal(statement: ParsedStatement): number {
  return statement.balances[0]!.amountCents + statement.transactions.reduce((sum, t) => sum + t.amountCents, 0);
}

// ---------------------------------------------------------------------------------------------
// Robustness: garbage and damaged samples throw nothing but BankFileError.
// ---------------------------------------------------------------------------------------------

describe('MT940 robustness (property-based)', () => {
  const texts = ALL_SAMPLES.map((path) => fixture(path).toString('latin1'));
  const tagSoup = fc
    .array(fc.oneof(fc.constantFrom(':20:', ':25:', ':28C:', ':60F:', ':61:', ':86:', ':62F:', ':64:', ':65:', ':34F:', ':13D:', ':90D:', ':NS:', '{1:F01ABNANL2AXXXX}{2:O940}{4:', '-}', '\r\n', '\n', '?20', '/NAME/', '//'), fc.string({ maxLength: 12 })), { maxLength: 40 })
    .map((parts) => Buffer.from(parts.join(''), 'latin1'));

  it('random bytes: parse throws only BankFileError, detect always gives a score', () => {
    fc.assert(
      fc.property(randomBytes, (input) => {
        parseThrowsOnlyBankFileErrors(mt940Adapter, input);
        detectionIsAScore(mt940Adapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('random text made of MT940 tags: parse throws only BankFileError', () => {
    fc.assert(fc.property(tagSoup, (input) => parseThrowsOnlyBankFileErrors(mt940Adapter, input)), PROPERTY_RUNS);
  });

  it('damaged real samples (truncated, characters flipped, lines deleted, duplicated or swapped): parse throws only BankFileError', () => {
    fc.assert(
      fc.property(mutatedSample(texts), (input) => {
        parseThrowsOnlyBankFileErrors(mt940Adapter, input);
        detectionIsAScore(mt940Adapter, input);
      }),
      PROPERTY_RUNS,
    );
  });
});
