import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedStatement, type ParsedTransaction } from '../../../src/bank-data/canonical.js';
import { camtAdapter } from '../../../src/bank-data/formats/camt.js';
import { detectBankFormat } from '../../../src/bank-data/formats/index.js';
import { PROPERTY_RUNS, detectionIsAScore, expectCanonicalStatement, mutatedSample, parseThrowsOnlyBankFileErrors, randomBytes } from './adapter-robustness.js';
import { refusal } from './refusal.js';

const FIXTURES = new URL('../../fixtures/bank-formats/camt/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const XML_SAMPLES = readdirSync(FIXTURES).filter((name) => name.endsWith('.xml'));
const WELL_FORMED_SAMPLES = XML_SAMPLES.filter((name) => name !== 'camt053.v2.wrong.xml');

// ---------------------------------------------------------------------------------------------
// genkgo/camt's expected parses, reduced to what the canonical model keeps.
// The files are a PHP object dump: money in minor units of the currency, dates converted to UTC,
// and every object printed once only ("__RECURSIVITY__" marks a repeat of one printed before).
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const REPEAT = '__RECURSIVITY__';

const obj = (value: unknown): Json | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const className = (value: unknown): string => String(obj(value)?.__CLASS__ ?? '').split('\\').pop() ?? '';
/** The item itself, or for a repeat marker the object printed first under `first`. */
const resolve = (item: unknown, first: unknown): Json | null => (item === REPEAT ? obj(first) : obj(item));

function minorUnitsToCents(money: unknown): { cents: number; currency: string } {
  const currency = String(obj(obj(money)?.getCurrency)?.getCode);
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return { cents: Number(obj(money)?.getAmount) * 10 ** (2 - digits), currency };
}

const utcDate = (value: unknown): string | null => str(obj(value)?.['0'])?.slice(0, 10) ?? null;

/** genkgo's balance type names → the ISO codes they stand for (genkgo reads PRCD as an opening balance too). */
const GENKGO_BALANCE_CODES: Record<string, string[]> = {
  opening: ['OPBD', 'PRCD'],
  closing: ['CLBD'],
  opening_available: ['OPAV'],
  closing_available: ['CLAV'],
  forward_available: ['FWAV'],
  information: ['INFO'],
  interim_available: ['ITAV'],
  interim: ['ITBD'],
  expected_credit: ['XPCD'],
};

interface ExpectedParty {
  role: string;
  name: string | null;
  accountId: string | null;
  iban: string | null;
}

interface ExpectedDetail {
  amount: { cents: number; currency: string } | null;
  parties: ExpectedParty[];
  agentBic: { CreditorAgent: string | null; DebtorAgent: string | null };
  unstructured: string[];
  creditorReference: string | null;
  endToEndId: string | null;
  mandateId: string | null;
  returnReason: string | null;
  proprietaryCode: string | null;
  additionalInfo: string | null;
}

interface ExpectedEntry {
  index: number;
  recordAccountId: string;
  recordCreated: string | null;
  amount: { cents: number; currency: string };
  status: string;
  reversal: boolean;
  bookingDate: string | null;
  valueDate: string | null;
  sourceId: string | null;
  bankTransactionCode: string | null;
  proprietaryCode: string | null;
  additionalInfo: string | null;
  details: ExpectedDetail[];
}

interface ExpectedRecord {
  accountClass: string;
  accountId: string;
  accountName: string | null;
  balances: Array<{ codes: string[]; cents: number; currency: string; date: string | null }>;
}

function readGenkgoExpectation(json: Json): { records: ExpectedRecord[]; entries: ExpectedEntry[]; allRecordsVisible: boolean } {
  const entriesJson = list(json.getEntries).map((e) => obj(e)!);
  const recordsById = new Map<string, Json>();
  const visibleRecords = [...list(json.getRecords).map(obj), ...entriesJson.map((e) => obj(e.getRecord))].filter((r): r is Json => r !== null);
  for (const record of visibleRecords) recordsById.set(String(record.getId), record);
  const records: ExpectedRecord[] = [...recordsById.values()].map((record) => ({
    accountClass: className(record.getAccount),
    accountId: String(obj(record.getAccount)?.getIdentification),
    accountName: str(obj(record.getAccount)?.getName),
    balances: list(record.getBalances).map((b) => {
      const balance = obj(b)!;
      return { codes: GENKGO_BALANCE_CODES[String(balance.getType)] ?? [], ...minorUnitsToCents(balance.getAmount), date: utcDate(balance.getDate) };
    }),
  }));

  const entries = entriesJson.map((entry): ExpectedEntry => {
    const record = obj(entry.getRecord)!;
    const code = obj(entry.getBankTransactionCode);
    const domain = obj(code?.getDomain);
    const family = obj(domain?.getFamily);
    const details = list(entry.getTransactionDetails).map((d) => readDetail(resolve(d, entry.getTransactionDetail)!));
    return {
      index: Number(entry.getIndex),
      recordAccountId: String(obj(record.getAccount)?.getIdentification),
      recordCreated: utcDate(record.getCreatedOn),
      amount: minorUnitsToCents(entry.getAmount),
      status: String(entry.getStatus),
      reversal: entry.getReversalIndicator === true,
      bookingDate: utcDate(entry.getBookingDate),
      valueDate: utcDate(entry.getValueDate),
      sourceId: str(entry.getAccountServicerReference) ?? str(entry.getReference),
      bankTransactionCode: domain ? `${domain.getCode}-${family?.getCode}-${family?.getSubFamilyCode}` : null,
      proprietaryCode: str(obj(code?.getProprietary)?.getCode),
      additionalInfo: str(entry.getAdditionalInfo),
      details,
    };
  });
  // genkgo's dump of a multi-statement file prints only the last statement; counts can then only be checked by hand.
  return { records, entries, allRecordsVisible: recordsById.size === list(json.getRecords).length };
}

function readDetail(detail: Json): ExpectedDetail {
  const remittance = obj(detail.getRemittanceInformation);
  const agents = list(detail.getRelatedAgents).map((a) => obj(resolve(a, detail.getRelatedAgent)?.getRelatedAgentType));
  const agentBic = (role: string) => str(agents.find((a) => className(a) === role)?.getBIC);
  const structuredBlocks = list(remittance?.getStructuredBlocks).map((b) => resolve(b, remittance?.getStructuredBlock));
  const references = obj(detail.getReference);
  return {
    amount: obj(detail.getAmount) ? minorUnitsToCents(detail.getAmount) : null,
    parties: list(detail.getRelatedParties).map((p) => {
      const party = obj(p)!;
      const account = obj(party.getAccount);
      return {
        role: className(party.getRelatedPartyType),
        name: str(obj(party.getRelatedPartyType)?.getName),
        accountId: str(account?.getIdentification),
        iban: str(obj(account?.getIban)?.getIban),
      };
    }),
    agentBic: { CreditorAgent: agentBic('CreditorAgent'), DebtorAgent: agentBic('DebtorAgent') },
    unstructured: list(remittance?.getUnstructuredBlocks)
      .map((b) => str(resolve(b, remittance?.getUnstructuredBlock)?.getMessage))
      .filter((m): m is string => m !== null),
    creditorReference:
      structuredBlocks
        .map((block) => str(resolve(block?.getCreditorReferenceInformation, remittance?.getCreditorReferenceInformation)?.getRef))
        .find((ref) => ref !== null) ?? null,
    endToEndId: str(references?.getEndToEndId),
    mandateId: str(references?.getMandateId),
    returnReason: str(obj(detail.getReturnInformation)?.getCode),
    proprietaryCode: str(obj(obj(detail.getBankTransactionCode)?.getProprietary)?.getCode),
    additionalInfo: str(detail.getAdditionalTransactionInformation),
  };
}

/** The counterparty rule the adapter promises, applied to genkgo's parties. */
function expectedCounterparty(detail: ExpectedDetail, direction: 'in' | 'out', ownAccountId: string): { name: string | null; iban: string | null; bic: string | null } {
  const side = (prefix: 'Creditor' | 'Debtor') => {
    const main = detail.parties.find((p) => p.role === prefix);
    const ultimate = detail.parties.find((p) => p.role === `Ultimate${prefix}`);
    return { name: main?.name ?? ultimate?.name ?? null, accountId: main?.accountId ?? null, iban: main?.iban ?? null, bic: detail.agentBic[`${prefix}Agent`] };
  };
  const expected = side(direction === 'out' ? 'Creditor' : 'Debtor');
  const opposite = side(direction === 'out' ? 'Debtor' : 'Creditor');
  if (expected.name !== null || expected.accountId !== null) return expected;
  if (opposite.accountId !== null && opposite.accountId !== ownAccountId) return opposite;
  return { name: null, iban: null, bic: null };
}

function expectMatchesGenkgo(statement: ParsedStatement, json: Json): void {
  const { records, entries, allRecordsVisible } = readGenkgoExpectation(json);
  for (const record of records) {
    const account = statement.accounts.find((a) => (a.iban ?? a.otherId) === record.accountId);
    expect(account, `account ${record.accountId}`).toBeDefined();
    if (record.accountClass === 'IbanAccount') expect(account!.iban).toBe(record.accountId);
    else expect(account!.otherId).toBe(record.accountId);
    if (record.accountName !== null) expect(account!.ownerName).toBe(record.accountName);
    const ownBalances = statement.balances.filter((b) => b.accountIndex === statement.accounts.indexOf(account!));
    for (const balance of record.balances) {
      const match = ownBalances.find((b) => balance.codes.includes(b.rawType) && b.amountCents === balance.cents && b.currency === balance.currency && b.date === balance.date);
      expect(match, `balance ${JSON.stringify(balance)}`).toBeDefined();
    }
    if (allRecordsVisible) expect(ownBalances).toHaveLength(record.balances.length);
  }

  let expectedTransactions = 0;
  for (const entry of entries) {
    const direction = entry.amount.cents >= 0 ? 'in' : 'out';
    const atEntry = statement.transactions.filter((t) => new RegExp(`/Ntry\\[${entry.index}\\](/|$)`).test(t.location));
    const splitParts = entry.details.length >= 2 && entry.details.every((d) => d.amount?.currency === entry.amount.currency) ? entry.details.map((d) => d.amount!.cents) : null;
    const isSplit = splitParts !== null && splitParts.reduce((a, b) => a + b, 0) === entry.amount.cents;
    const candidates = isSplit ? atEntry.filter((t) => t.location.includes('/TxDtls[')) : atEntry.filter((t) => t.amountCents === entry.amount.cents && t.currency === entry.amount.currency);
    expect(candidates.length, `transactions for entry ${entry.index} (${entry.amount.cents} ${entry.amount.currency})`).toBe(isSplit ? entry.details.length : 1);
    expectedTransactions += candidates.length;

    candidates.forEach((transaction, i) => {
      const detail = isSplit ? entry.details[i]! : entry.details.length === 1 ? entry.details[0]! : null;
      expectEntryFields(transaction, entry, detail, direction);
      if (isSplit) expect(transaction.amountCents).toBe(entry.details[i]!.amount!.cents);
    });
  }
  if (allRecordsVisible) expect(statement.transactions).toHaveLength(expectedTransactions);
}

function expectEntryFields(transaction: ParsedTransaction, entry: ExpectedEntry, detail: ExpectedDetail | null, direction: 'in' | 'out'): void {
  const where = `${transaction.location}`;
  expect(transaction.currency, where).toBe(entry.amount.currency);
  expect(transaction.status, where).toBe(entry.status === 'BOOK' ? 'booked' : 'pending');
  expect(transaction.reversal, where).toBe(entry.reversal);
  expect(transaction.bookingDate, where).toBe(entry.bookingDate ?? entry.valueDate ?? entry.recordCreated);
  expect(transaction.valueDate, where).toBe(entry.valueDate);
  expect(transaction.sourceId, where).toBe(entry.sourceId);
  expect(transaction.bankTransactionCode, where).toBe(entry.bankTransactionCode);
  expect(transaction.proprietaryCode, where).toBe(detail?.proprietaryCode ?? entry.proprietaryCode);
  const counterparty = detail ? expectedCounterparty(detail, direction, entry.recordAccountId) : { name: null, iban: null, bic: null };
  expect(transaction.counterpartyName, where).toBe(counterparty.name);
  expect(transaction.counterpartyIban, where).toBe(counterparty.iban);
  expect(transaction.counterpartyBic, where).toBe(counterparty.bic);
  const unstructured = detail && detail.unstructured.length > 0 ? detail.unstructured.join(' ') : null;
  expect(transaction.remittanceUnstructured, where).toBe(unstructured ?? detail?.additionalInfo ?? entry.additionalInfo);
  expect(transaction.remittanceStructured, where).toBe(detail?.creditorReference ?? null);
  expect(transaction.endToEndId, where).toBe(detail?.endToEndId ?? null);
  expect(transaction.mandateId, where).toBe(detail?.mandateId ?? null);
  expect(transaction.returnReasonCode, where).toBe(detail?.returnReason ?? null);
}

describe('camt adapter against the expected parses shipped with genkgo/camt', () => {
  it.each(WELL_FORMED_SAMPLES)('%s', (name) => {
    const statement = camtAdapter.parse(fixture(name));
    expect(statement.format).toBe(name.startsWith('camt052') ? 'camt.052' : name.startsWith('camt054') ? 'camt.054' : 'camt.053');
    expect(statement.rejected).toEqual([]);
    expectCanonicalStatement(statement);
    expectMatchesGenkgo(statement, JSON.parse(fixture(name.replace(/\.xml$/, '.json')).toString('utf8')) as Json);
  });

  it('knows every sample by its namespace', () => {
    for (const name of XML_SAMPLES) expect(camtAdapter.detect(fixture(name)), name).toBeGreaterThan(0.9);
    expect(detectBankFormat(fixture('camt052.v8.xml'))).toBe(camtAdapter);
  });
});

describe('camt samples with their own point', () => {
  it('refuses camt053.v2.wrong.xml, a statement message without a statement, naming the message', () => {
    const error = refusal(() => camtAdapter.parse(fixture('camt053.v2.wrong.xml'), { lenient: true }));
    expect(error.format).toBe('camt.053');
    expect(error.location).toBe('BkToCstmrStmt');
    expect(error.reason).toMatch(/no Stmt/);
  });

  it('reads five decimals that are zeros beyond the cent exactly (8.850 → 885 cents)', () => {
    const statement = camtAdapter.parse(fixture('camt053.v2.five.decimals.xml'));
    expect(statement.transactions.map((t) => t.amountCents)).toEqual([885]);
    expect(statement.balances.map((b) => [b.rawType, b.amountCents])).toEqual([
      ['OPBD', 1815],
      ['CLBD', 2705],
    ]);
  });

  it('refuses a fifth decimal that is not zero, naming the amount, and never rounds it', () => {
    const text = fixture('camt053.v2.five.decimals.xml').toString('utf8').replace('<Amt Ccy="EUR">8.850</Amt>', '<Amt Ccy="EUR">8.85001</Amt>');
    const error = refusal(() => camtAdapter.parse(Buffer.from(text)));
    expect(error.location).toBe('Stmt[0]/Ntry[0]/Amt');
    expect(error.reason).toMatch(/more precision than cents/);
    const lenient = camtAdapter.parse(Buffer.from(text), { lenient: true });
    expect(lenient.transactions).toEqual([]);
    expect(lenient.rejected).toEqual([{ location: 'Stmt[0]/Ntry[0]/Amt', reason: error.reason }]);
    expect(lenient.balances).toHaveLength(2);
  });

  it('books the entry amount when its only TxDtls carries a zero amount in another currency (Amt-zero)', () => {
    const [transaction] = camtAdapter.parse(fixture('camt052.v6.Amt-zero.xml')).transactions;
    expect(transaction).toMatchObject({ amountCents: -20_000_000, currency: 'SEK', status: 'pending', bankTransactionCode: 'PMNT-RCDT-DMCT', proprietaryCode: 'Z04' });
  });

  it('reads a balance dated with DtTm only, with trailing zeros beyond the cent', () => {
    const statement = camtAdapter.parse(fixture('camt53.only-Dt-with-DtTm.xml'));
    expect(statement.accounts).toEqual([{ iban: 'GB33BUKB20201555555555', otherId: null, currency: null, ownerName: null, servicerBic: null }]);
    expect(statement.balances).toEqual([
      { accountIndex: 0, type: 'openingBooked', rawType: 'OPBD', amountCents: 544_209, currency: 'RON', date: '2025-07-23', location: 'Stmt[0]/Bal[0]' },
    ]);
    expect(statement.transactions).toEqual([]);
  });

  it('reads both statements of a multi-statement file, and keeps one account when both name the same one', () => {
    const statement = camtAdapter.parse(fixture('camt053.v2.multi.statement.xml'));
    expect(statement.accounts).toHaveLength(1);
    expect(statement.transactions.map((t) => [t.location, t.amountCents, t.counterpartyName])).toEqual([
      ['Stmt[0]/Ntry[0]', 885, 'Company Name 1'],
      ['Stmt[1]/Ntry[0]', -700, 'Company Name 2'],
    ]);
    expect(statement.balances.map((b) => [b.location, b.rawType, b.amountCents])).toEqual([
      ['Stmt[0]/Bal[0]', 'OPBD', 1815],
      ['Stmt[0]/Bal[1]', 'CLBD', 2700],
      ['Stmt[1]/Bal[0]', 'OPBD', 2700],
      ['Stmt[1]/Bal[1]', 'CLBD', 2000],
    ]);
  });

  it('gives each account of a multi-account file its own index', () => {
    const text = fixture('camt053.v2.multi.statement.xml').toString('utf8');
    const secondStatement = text.indexOf('<Stmt>', text.indexOf('</Stmt>'));
    const otherAccount = text.slice(0, secondStatement) + text.slice(secondStatement).replace('<IBAN>NL26VAYB8060476890</IBAN>', '<IBAN>NL91ABNA0417164300</IBAN>');
    const statement = camtAdapter.parse(Buffer.from(otherAccount));
    expect(statement.accounts.map((a) => a.iban)).toEqual(['NL26VAYB8060476890', 'NL91ABNA0417164300']);
    expect(statement.transactions.map((t) => t.accountIndex)).toEqual([0, 1]);
    expect(statement.balances.map((b) => b.accountIndex)).toEqual([0, 0, 1, 1]);
  });

  it('dates an entry without booking or value date by its notification (camt.054 v8 with UETR)', () => {
    const [transaction] = camtAdapter.parse(fixture('camt054.v8-with-UETR.xml')).transactions;
    expect(transaction).toMatchObject({ bookingDate: '2007-10-18', valueDate: null, amountCents: -20_000_000, status: 'booked' });
  });

  it('reads a v8 status in <Sts><Cd> and a creditor that is a bank', () => {
    const [transaction] = camtAdapter.parse(fixture('camt054.v8-with-financial-institution.xml')).transactions;
    expect(transaction).toMatchObject({ status: 'booked', sourceId: 'ACSR160617103200001', counterpartyName: 'Example Creditor 3 - V1' });
  });
});

/** A camt.053 v8 statement around the given entries, in the shape Dutch banks send. */
function statementWith(entries: string, balances = ''): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T06:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id>
      <CreDtTm>2026-03-02T06:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>J. de Vries</Nm></Ownr><Svcr><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></Svcr></Acct>
      ${balances}
      ${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>`);
}

const RETURNED_DIRECT_DEBIT = `
      <Ntry>
        <NtryRef>20260301-77</NtryRef>
        <Amt Ccy="EUR">45.10</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>true</RvslInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-01</Dt></BookgDt>
        <ValDt><Dt>2026-03-01</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId><MndtId>MANDATE-0042</MndtId></Refs>
          <RltdPties>
            <Cdtr><Pty><Nm>Zorgverzekeraar NV</Nm><Id><PrvtId><Othr><Id>NL98ZZZ999999999999</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id></Pty></Cdtr>
            <CdtrAcct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></CdtrAcct>
          </RltdPties>
          <RltdAgts><CdtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></CdtrAgt></RltdAgts>
          <RmtInf><Ustrd>Premie maart</Ustrd><Ustrd>polis 123</Ustrd></RmtInf>
          <RtrInf><Rsn><Cd>MS02</Cd></Rsn></RtrInf>
        </TxDtls></NtryDtls>
      </Ntry>`;

describe('camt entries beyond the samples', () => {
  it('reads a returned direct debit: reversal, return reason, mandate, creditor id, structured parties', () => {
    const statement = camtAdapter.parse(statementWith(RETURNED_DIRECT_DEBIT));
    expect(statement.accounts).toEqual([{ iban: 'NL91ABNA0417164300', otherId: null, currency: 'EUR', ownerName: 'J. de Vries', servicerBic: 'ABNANL2A' }]);
    expect(statement.transactions).toEqual([
      {
        accountIndex: 0,
        sourceId: '20260301-77',
        status: 'booked',
        bookingDate: '2026-03-01',
        valueDate: '2026-03-01',
        amountCents: 4510,
        currency: 'EUR',
        // The money came back in, but the only party named is the creditor, whose account is not ours.
        counterpartyName: 'Zorgverzekeraar NV',
        counterpartyIban: 'NL02ABNA0123456789',
        counterpartyBic: 'ABNANL2A',
        remittanceUnstructured: 'Premie maart polis 123',
        remittanceStructured: null,
        endToEndId: null,
        mandateId: 'MANDATE-0042',
        creditorId: 'NL98ZZZ999999999999',
        bankTransactionCode: 'PMNT-IDDT-UPDD',
        proprietaryCode: null,
        returnReasonCode: 'MS02',
        reversal: true,
        location: 'Stmt[0]/Ntry[0]',
      },
    ]);
  });

  it('splits a batch into its payments when their amounts add up to the entry', () => {
    const batch = `
      <Ntry>
        <AcctSvcrRef>BATCH-9</AcctSvcrRef>
        <Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-01</Dt></BookgDt>
        <NtryDtls>
          <TxDtls><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RltdPties><Cdtr><Pty><Nm>Energie BV</Nm></Pty></Cdtr></RltdPties></TxDtls>
          <TxDtls><Refs><AcctSvcrRef>OWN-REF</AcctSvcrRef></Refs><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RltdPties><Cdtr><Pty><Nm>Water NV</Nm></Pty></Cdtr></RltdPties></TxDtls>
        </NtryDtls>
      </Ntry>`;
    const { transactions } = camtAdapter.parse(statementWith(batch));
    expect(transactions.map((t) => [t.location, t.sourceId, t.amountCents, t.counterpartyName])).toEqual([
      ['Stmt[0]/Ntry[0]/NtryDtls[0]/TxDtls[0]', 'BATCH-9#1', -1000, 'Energie BV'],
      ['Stmt[0]/Ntry[0]/NtryDtls[0]/TxDtls[1]', 'OWN-REF', -2000, 'Water NV'],
    ]);
  });

  it('keeps a batch whole when its payments do not add up to the entry, attributing no single party to it', () => {
    const batch = `
      <Ntry>
        <Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-01</Dt></BookgDt>
        <NtryDtls>
          <TxDtls><Amt Ccy="EUR">10.00</Amt><RltdPties><Cdtr><Pty><Nm>Energie BV</Nm></Pty></Cdtr></RltdPties></TxDtls>
          <TxDtls><Amt Ccy="EUR">10.00</Amt><RltdPties><Cdtr><Pty><Nm>Water NV</Nm></Pty></Cdtr></RltdPties></TxDtls>
        </NtryDtls>
      </Ntry>`;
    const { transactions } = camtAdapter.parse(statementWith(batch));
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ amountCents: -3000, counterpartyName: null, location: 'Stmt[0]/Ntry[0]' });
  });

  it('lists information-only and rejected entries as skipped, in strict mode too, and reads the rest', () => {
    const info = RETURNED_DIRECT_DEBIT.replace('<Cd>BOOK</Cd>', '<Cd>INFO</Cd>');
    const statement = camtAdapter.parse(statementWith(info + RETURNED_DIRECT_DEBIT));
    expect(statement.transactions.map((t) => t.location)).toEqual(['Stmt[0]/Ntry[1]']);
    expect(statement.rejected).toEqual([{ location: 'Stmt[0]/Ntry[0]', reason: expect.stringMatching(/INFO/) }]);
  });

  it('strict mode stops at the first bad entry with its XML path; lenient mode skips it and keeps the others', () => {
    const badDirection = RETURNED_DIRECT_DEBIT.replace('<CdtDbtInd>CRDT</CdtDbtInd>', '<CdtDbtInd>PLUS</CdtDbtInd>');
    const badDate = RETURNED_DIRECT_DEBIT.replace('<BookgDt><Dt>2026-03-01</Dt>', '<BookgDt><Dt>2026-02-30</Dt>');
    const file = statementWith(RETURNED_DIRECT_DEBIT + badDirection + badDate, '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>');
    const error = refusal(() => camtAdapter.parse(file));
    expect(error.location).toBe('Stmt[0]/Ntry[1]/CdtDbtInd');
    const lenient = camtAdapter.parse(file, { lenient: true });
    expect(lenient.transactions.map((t) => t.location)).toEqual(['Stmt[0]/Ntry[0]']);
    expect(lenient.rejected.map((r) => r.location)).toEqual(['Stmt[0]/Ntry[1]/CdtDbtInd', 'Stmt[0]/Ntry[2]/BookgDt/Dt']);
    expect(lenient.balances.map((b) => [b.type, b.amountCents])).toEqual([['closingBooked', -100]]);
  });

  it('refuses a document whose namespace and message element disagree, and one that is not camt', () => {
    const mislabelled = statementWith(RETURNED_DIRECT_DEBIT).toString('utf8').replace('camt.053.001.08', 'camt.054.001.08');
    expect(refusal(() => camtAdapter.parse(Buffer.from(mislabelled))).reason).toMatch(/declares camt.054/);
    expect(refusal(() => camtAdapter.parse(Buffer.from('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>'))).kind).toBe('unsupported');
  });
});

describe('camt adapter on hostile and damaged input', () => {
  const samples = WELL_FORMED_SAMPLES.map((name) => fixture(name).toString('utf8'));

  it('refuses an external entity smuggled into a real statement as unsafe', () => {
    const text = samples[0]!.replace(/^<\?xml[^>]*>/, '$&\n<!DOCTYPE Document [<!ENTITY x SYSTEM "http://attacker.example/">]>');
    expect(refusal(() => camtAdapter.parse(Buffer.from(text), { lenient: true })).kind).toBe('unsafe');
  });

  it('throws nothing but BankFileError for random bytes, and detection never throws', () => {
    fc.assert(
      fc.property(randomBytes, (input) => {
        parseThrowsOnlyBankFileErrors(camtAdapter, input);
        detectionIsAScore(camtAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for damaged samples (truncated, characters flipped, lines deleted, duplicated, swapped)', () => {
    fc.assert(
      fc.property(mutatedSample(samples), (input) => {
        parseThrowsOnlyBankFileErrors(camtAdapter, input);
        detectionIsAScore(camtAdapter, input);
      }),
      PROPERTY_RUNS,
    );
  });

  it('throws nothing but BankFileError for random XML-like text', () => {
    const token = fc.constantFrom('<Document>', '</Document>', '<Stmt>', '</Stmt>', '<Ntry>', '</Ntry>', '<Amt Ccy="EUR">', '</Amt>', '1.00', '<CdtDbtInd>CRDT</CdtDbtInd>', '<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>', '&amp;', '&#0;', '<![CDATA[', ']]>', '<!--', '-->', '<BkToCstmrStmt>', '</BkToCstmrStmt>', '<Sts>BOOK</Sts>', '<BookgDt><Dt>2026-01-01</Dt></BookgDt>', '<?xml version="1.0"?>', ' ', '\n');
    const header = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>';
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        parseThrowsOnlyBankFileErrors(camtAdapter, Buffer.from(header + tokens.join('')));
        parseThrowsOnlyBankFileErrors(camtAdapter, Buffer.from(tokens.join('')));
      }),
      PROPERTY_RUNS,
    );
  });
});
