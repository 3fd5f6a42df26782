/**
 * ISO 20022 bank-to-customer cash management messages: camt.052 account reports (Rpt), camt.053
 * statements (Stmt) and camt.054 debit/credit notifications (Ntfctn), versions 001.01 to 001.08.
 * The three share one entry structure, so one reader serves them; the message element decides which
 * format the statement is.
 *
 * Glossary (camt element names)
 * - Ntry: an entry booked (or pending) on the account; its Amt is what moved the balance.
 * - TxDtls: the underlying payments of an entry; one for a single payment, several for a batch.
 * - RltdPties / RltdAgts: debtor and creditor with their accounts, and their banks.
 * - Bal: a balance of the account at a date, typed OPBD, CLBD, ITBD, CLAV, …
 */
import {
  BankFileError,
  normaliseIban,
  type BankFormatAdapter,
  type DetectHints,
  type ParseOptions,
  type ParsedAccount,
  type ParsedStatement,
  type ParsedTransaction,
} from '../canonical.js';
import { dateOfDateTime, isIsoDate, type IsoDate } from '../../platform/dates.js';
import {
  NO_PARTY,
  StatementBuilder,
  balanceTypeFromIsoCode,
  counterpartyOf,
  debit,
  decimalToCents,
  entryStatusFromIsoCode,
  isCurrencyCode,
  isKnownBalanceCode,
  meaningfulEndToEndId,
  normaliseBic,
  type EntryStatusOutcome,
  type PaymentParty,
} from './statement-builder.js';
import { asciiPrefix } from './text-decoding.js';
import { readXmlDocument, type XmlNode } from './xml-reader.js';

type CamtFormat = 'camt.052' | 'camt.053' | 'camt.054';

const MESSAGES: ReadonlyArray<{ format: CamtFormat; message: string; record: string }> = [
  { format: 'camt.053', message: 'BkToCstmrStmt', record: 'Stmt' },
  { format: 'camt.052', message: 'BkToCstmrAcctRpt', record: 'Rpt' },
  { format: 'camt.054', message: 'BkToCstmrDbtCdtNtfctn', record: 'Ntfctn' },
];

const CAMT_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.[0-9]{2}$/;
const CAMT_NAMESPACE_IN_TEXT = /urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.[0-9]{2}/;
/** Version 001.01 names the message element with a suffix ("BkToCstmrAcctRptV01"). */
const MESSAGE_ELEMENT = /^(BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)(?:V[0-9]{2})?$/;

export const camtAdapter = {
  format: 'camt.053',
  produces: ['camt.053', 'camt.052', 'camt.054'],

  detect(input: Buffer, _hints?: DetectHints): number {
    const head = asciiPrefix(input).replace(/\0/g, '');
    if (CAMT_NAMESPACE_IN_TEXT.test(head)) return 0.98;
    if (/<(?:[A-Za-z_][\w.-]*:)?BkToCstmr(?:Stmt|AcctRpt|DbtCdtNtfctn)(?:V[0-9]{2})?[\s>]/.test(head)) return 0.8;
    return 0;
  },

  parse(input: Buffer, options: ParseOptions = {}): ParsedStatement {
    const guessedFormat = formatFromNamespace(CAMT_NAMESPACE_IN_TEXT.exec(asciiPrefix(input).replace(/\0/g, ''))?.[0]) ?? 'camt.053';
    let forbiddenRemoved = 0;
    const document = readXmlDocument(input, guessedFormat, { maxBytes: options.maxBytes, onForbiddenCharactersRemoved: (count) => (forbiddenRemoved = count) });
    const { format, message, recordName } = identifyMessage(document, guessedFormat);
    const reader = new CamtReader(format, new StatementBuilder(options.lenient ?? false), message.textAt('GrpHdr', 'CreDtTm'));
    // Record paths start at the record ("Stmt[0]/Ntry[4]/Amt"): the message element above it is implied.
    const records = message.withPath('').children(recordName);
    if (records.length === 0) {
      throw new BankFileError(format, message.name, `the message holds no ${recordName} element, so there is no account to read`);
    }
    for (const record of records) reader.readRecord(record);
    const statement = reader.builder.build(format);
    if (forbiddenRemoved > 0) {
      statement.warnings.unshift({
        location: 'file',
        field: 'text',
        reason: `${forbiddenRemoved} character${forbiddenRemoved === 1 ? '' : 's'} that XML forbids (NUL and other control characters) removed before reading`,
        action: 'cleaned',
      });
    }
    return statement;
  },
} satisfies BankFormatAdapter;

function formatFromNamespace(namespace: string | null | undefined): CamtFormat | null {
  const code = namespace ? CAMT_NAMESPACE.exec(namespace)?.[1] : undefined;
  return code === 'camt.052' || code === 'camt.053' || code === 'camt.054' ? code : null;
}

function identifyMessage(document: XmlNode, guessedFormat: CamtFormat): { format: CamtFormat; message: XmlNode; recordName: string } {
  if (document.name !== 'Document') {
    throw new BankFileError(guessedFormat, document.name, `the root element is <${document.name}>, not the ISO 20022 <Document>`, 'unsupported');
  }
  const namespaceFormat = formatFromNamespace(document.namespace);
  if (document.namespace !== null && namespaceFormat === null) {
    throw new BankFileError(guessedFormat, 'Document', `the namespace "${document.namespace}" is not a camt.052, camt.053 or camt.054 message`, 'unsupported');
  }
  const messageName = document.childNames.find((name) => MESSAGE_ELEMENT.test(name));
  if (messageName === undefined) {
    throw new BankFileError(namespaceFormat ?? guessedFormat, 'Document', 'the document holds no BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn message');
  }
  const kind = MESSAGES.find((m) => messageName.startsWith(m.message))!;
  if (namespaceFormat !== null && namespaceFormat !== kind.format) {
    throw new BankFileError(namespaceFormat, messageName, `the namespace declares ${namespaceFormat} but the message element is a ${kind.format} <${messageName}>`);
  }
  return { format: kind.format, message: document.child(messageName)!, recordName: kind.record };
}

interface EntryContext {
  accountIndex: number;
  account: ParsedAccount;
  /** When the entry gives no booking or value date: the record's creation date (a notification is sent when the booking happens). */
  fallbackDate: IsoDate | null;
}

interface DetailFields {
  counterparty: PaymentParty;
  remittanceUnstructured: string | null;
  remittanceStructured: string | null;
  endToEndId: string | null;
  mandateId: string | null;
  creditorId: string | null;
  bankTransactionCode: string | null;
  proprietaryCode: string | null;
  returnReasonCode: string | null;
  sourceId: string | null;
  additionalInfo: string | null;
}

const NO_DETAILS: DetailFields = Object.freeze({
  counterparty: NO_PARTY,
  remittanceUnstructured: null,
  remittanceStructured: null,
  endToEndId: null,
  mandateId: null,
  creditorId: null,
  bankTransactionCode: null,
  proprietaryCode: null,
  returnReasonCode: null,
  sourceId: null,
  additionalInfo: null,
});

class CamtReader {
  constructor(
    readonly format: CamtFormat,
    readonly builder: StatementBuilder,
    private readonly messageCreated: string | null,
  ) {}

  readRecord(record: XmlNode): void {
    this.builder.readEntry(() => {
      const account = this.readAccount(record);
      const accountIndex = this.builder.addAccount(account);
      const created = record.textAt('CreDtTm') ?? this.messageCreated;
      const createdDate = created === null ? null : dateOfDateTime(created);
      const context: EntryContext = { accountIndex, account, fallbackDate: createdDate };
      const period = this.readPeriod(record);
      // Balances are secondary: a flawed one is repaired or dropped with a warning, never the statement.
      for (const balance of record.children('Bal')) this.builder.secondary('Bal', () => this.readBalance(balance, accountIndex, { ...period, created: createdDate }));
      for (const entry of record.children('Ntry')) this.builder.readEntry(() => this.readEntry(entry, context));
    });
  }

  private fail(path: string, reason: string): never {
    throw new BankFileError(this.format, path, reason);
  }

  private required(parent: XmlNode, name: string): XmlNode {
    return parent.child(name) ?? this.fail(parent.pathOf(name), `<${name}> is required in <${parent.name}>`);
  }

  /** The statement's period (FrToDt), each end null when absent or unreadable; it dates balances that lack a date. */
  private readPeriod(record: XmlNode): { from: IsoDate | null; to: IsoDate | null } {
    const end = (name: 'FrDtTm' | 'ToDtTm', dateName: 'FrDt' | 'ToDt'): IsoDate | null => {
      const dateTime = record.textAt('FrToDt', name);
      if (dateTime !== null) return dateOfDateTime(dateTime);
      const date = record.textAt('FrToDt', dateName);
      return date !== null && isIsoDate(date) ? date : null;
    };
    return { from: end('FrDtTm', 'FrDt'), to: end('ToDtTm', 'ToDt') };
  }

  private readAccount(record: XmlNode): ParsedAccount {
    const acct = this.required(record, 'Acct');
    const id = this.required(acct, 'Id');
    const rawIban = id.textAt('IBAN');
    const iban = normaliseIban(rawIban);
    // An IBAN that fails its checksum still identifies the account as the bank wrote it.
    const otherId = (rawIban !== null && iban === null ? rawIban : null) ?? id.textAt('Othr', 'Id') ?? id.textAt('PrtryAcct', 'Id') ?? id.textAt('BBAN');
    if (iban === null && otherId === null) this.fail(id.path, 'the account is identified neither by <IBAN> nor by <Othr><Id>');
    return {
      iban,
      otherId: iban === null ? otherId : null,
      // The account's currency is secondary (every amount carries its own): a bad code is dropped with a warning.
      currency: this.builder.secondary('Acct/Ccy', () => this.optionalCurrency(acct, 'Ccy')),
      ownerName: acct.textAt('Ownr', 'Nm') ?? acct.textAt('Ownr', 'Pty', 'Nm') ?? acct.textAt('Nm'),
      servicerBic: normaliseBic(acct.textAt('Svcr', 'FinInstnId', 'BICFI') ?? acct.textAt('Svcr', 'FinInstnId', 'BIC')),
    };
  }

  private optionalCurrency(parent: XmlNode, name: string): string | null {
    const value = parent.textAt(name);
    if (value === null) return null;
    if (!isCurrencyCode(value)) this.fail(parent.pathOf(name), `"${value}" is not an ISO 4217 currency code`);
    return value;
  }

  private readAmount(parent: XmlNode): { cents: number; currency: string } {
    const amt = this.required(parent, 'Amt');
    const currency = amt.attribute('Ccy');
    if (currency === null || !isCurrencyCode(currency)) this.fail(`${amt.path}/@Ccy`, `the amount needs a Ccy attribute with an ISO 4217 currency code${currency === null ? '' : `, not "${currency}"`}`);
    if (amt.text === '') this.fail(amt.path, 'the amount is empty');
    return { cents: decimalToCents(amt.text, { signed: false, format: this.format, location: amt.path }), currency };
  }

  private readDirection(parent: XmlNode): 'in' | 'out' {
    const indicator = this.required(parent, 'CdtDbtInd');
    if (indicator.text === 'CRDT') return 'in';
    if (indicator.text === 'DBIT') return 'out';
    return this.fail(indicator.path, `CdtDbtInd must be CRDT or DBIT, not "${indicator.text}"`);
  }

  /** A DateAndDateTimeChoice: <Dt> or <DtTm>; the calendar day is taken in the time's own offset. */
  private readDateChoice(node: XmlNode | null): IsoDate | null {
    if (node === null) return null;
    const date = node.textAt('Dt');
    if (date !== null) {
      if (!isIsoDate(date)) this.fail(node.pathOf('Dt'), `"${date}" is not a calendar date (YYYY-MM-DD)`);
      return date;
    }
    const dateTime = node.textAt('DtTm');
    if (dateTime !== null) {
      return dateOfDateTime(dateTime) ?? this.fail(node.pathOf('DtTm'), `"${dateTime}" is not an ISO date-time`);
    }
    return null;
  }

  /**
   * A balance. Its type code outside the ISO list is kept as type other with the raw code; a missing date
   * is taken from the statement's period (its start for opening balances, its end for the others) or,
   * failing that, the creation date; a balance that still has no date is dropped. Each with a warning.
   */
  private readBalance(balance: XmlNode, accountIndex: number, dates: { from: IsoDate | null; to: IsoDate | null; created: IsoDate | null }): void {
    const isoCode = balance.textAt('Tp', 'CdOrPrtry', 'Cd') ?? balance.textAt('Tp', 'Cd');
    const rawType = isoCode ?? balance.textAt('Tp', 'CdOrPrtry', 'Prtry') ?? this.fail(balance.pathOf('Tp'), 'the balance has no type code');
    const { cents, currency } = this.readAmount(balance);
    const direction = this.readDirection(balance);
    const type = isoCode === null ? 'other' : balanceTypeFromIsoCode(isoCode);
    if (isoCode !== null && !isKnownBalanceCode(isoCode)) {
      this.builder.warn(balance.pathOf('Tp'), 'Bal/Tp', `"${isoCode}" is not an ISO 20022 balance type code; kept as type other with the raw code`, 'kept');
    }
    let date = this.readDateChoice(balance.child('Dt'));
    if (date === null) {
      const opening = type === 'openingBooked';
      const periodDate = opening ? dates.from : dates.to;
      const stand = periodDate !== null ? { date: periodDate, from: opening ? 'the start of the statement period (FrToDt)' : 'the end of the statement period (FrToDt)' } : dates.created !== null ? { date: dates.created, from: 'the creation date (CreDtTm)' } : null;
      if (stand === null) this.fail(balance.pathOf('Dt'), 'the balance has no date, and neither the statement period nor a creation date can stand in');
      this.builder.warn(balance.pathOf('Dt'), 'Bal/Dt', `the balance has no date; ${stand.date}, ${stand.from}, is taken`, 'repaired');
      date = stand.date;
    }
    this.builder.balances.push({
      accountIndex,
      type,
      rawType,
      amountCents: direction === 'in' ? cents : debit(cents),
      currency,
      date,
      location: balance.path,
    });
  }

  private readStatus(entry: XmlNode): NonNullable<EntryStatusOutcome> {
    const status = this.required(entry, 'Sts');
    // Up to version 7 the code is the element's text; from version 8 it sits in <Cd> (or <Prtry>).
    const code = status.textAt('Cd') ?? status.textAt('Prtry') ?? (status.text === '' ? null : status.text);
    if (code === null) this.fail(status.path, 'the entry status is empty');
    return entryStatusFromIsoCode(code) ?? this.fail(status.path, `unknown entry status "${code}" (expected BOOK, PDNG, FUTR, INFO or RJCT)`);
  }

  private readEntry(entry: XmlNode, context: EntryContext): void {
    const { cents, currency } = this.readAmount(entry);
    const direction = this.readDirection(entry);
    const reversalText = entry.textAt('RvslInd');
    // The reversal mark is secondary (the sign is in CdtDbtInd): an unreadable one is dropped with a warning.
    const reversal = this.builder.secondary('RvslInd', () => {
      if (reversalText !== null && !['true', 'false', '1', '0'].includes(reversalText)) this.fail(entry.pathOf('RvslInd'), `RvslInd must be true or false, not "${reversalText}"`);
      return reversalText === 'true' || reversalText === '1';
    }) ?? false;
    const status = this.readStatus(entry);
    if ('skipReason' in status) {
      this.builder.skip(entry.path, status.skipReason);
      return;
    }
    // Beside a booking date the value date is secondary: an impossible one is dropped with a warning.
    const valueDate = entry.child('BookgDt') !== null ? this.builder.secondary('ValDt', () => this.readDateChoice(entry.child('ValDt'))) : this.readDateChoice(entry.child('ValDt'));
    const bookingDate =
      this.readDateChoice(entry.child('BookgDt')) ?? valueDate ?? context.fallbackDate ?? this.fail(entry.path, 'the entry has no booking date, no value date and the message no creation date');
    const entryCode = this.readBankTransactionCode(entry.child('BkTxCd'));
    const entrySourceId = entry.textAt('AcctSvcrRef') ?? entry.textAt('NtryRef');
    const entryInfo = entry.textAt('AddtlNtryInf');
    const details = entry.children('NtryDtls').flatMap((group) => group.children('TxDtls'));

    const base = {
      accountIndex: context.accountIndex,
      status: status.status,
      bookingDate,
      valueDate,
      currency,
      reversal,
    };
    const split = this.splitBatch(details, { cents: direction === 'in' ? cents : debit(cents), currency, direction });
    const transactions: ParsedTransaction[] = [];
    if (split !== null) {
      split.forEach(({ detail, cents: detailCents }, index) => {
        const fields = this.readDetails(detail, detailCents >= 0 ? 'in' : 'out', context.account);
        transactions.push(
          this.assemble(base, detailCents, fields, {
            sourceId: fields.sourceId ?? (entrySourceId === null ? null : `${entrySourceId}#${index + 1}`),
            code: entryCode,
            info: entryInfo,
            location: detail.path,
          }),
        );
      });
    } else {
      // One TxDtls describes the entry; several without usable amounts describe a batch whose parties
      // and references belong to no single payment, so none of them is attributed to the entry.
      const fields = details.length === 1 ? this.readDetails(details[0]!, direction, context.account) : NO_DETAILS;
      transactions.push(
        this.assemble(base, direction === 'in' ? cents : debit(cents), fields, {
          sourceId: entrySourceId ?? fields.sourceId,
          code: entryCode,
          info: entryInfo,
          location: entry.path,
        }),
      );
    }
    this.builder.transactions.push(...transactions);
  }

  /**
   * A batch entry becomes one transaction per TxDtls only when every TxDtls carries its own amount in
   * the entry's currency and they add up to the entry exactly; otherwise the split would book money
   * the account never saw (the ISO examples put instructed amounts in other currencies there).
   */
  private splitBatch(details: XmlNode[], entry: { cents: number; currency: string; direction: 'in' | 'out' }): Array<{ detail: XmlNode; cents: number }> | null {
    if (details.length < 2) return null;
    const parts: Array<{ detail: XmlNode; cents: number }> = [];
    for (const detail of details) {
      const holder = detail.child('Amt') !== null ? detail : detail.find('AmtDtls', 'TxAmt');
      if (holder === null) return null;
      const { cents, currency } = this.readAmount(holder);
      if (currency !== entry.currency) return null;
      const direction = detail.child('CdtDbtInd') === null ? entry.direction : this.readDirection(detail);
      parts.push({ detail, cents: direction === 'in' ? cents : debit(cents) });
    }
    const total = parts.reduce((sum, part) => sum + part.cents, 0);
    return total === entry.cents ? parts : null;
  }

  private assemble(
    base: Pick<ParsedTransaction, 'accountIndex' | 'status' | 'bookingDate' | 'valueDate' | 'currency' | 'reversal'>,
    amountCents: number,
    fields: DetailFields,
    entry: { sourceId: string | null; code: { bankTransactionCode: string | null; proprietaryCode: string | null }; info: string | null; location: string },
  ): ParsedTransaction {
    return {
      ...base,
      sourceId: entry.sourceId,
      amountCents,
      counterpartyName: fields.counterparty.name,
      counterpartyIban: fields.counterparty.iban,
      counterpartyBic: fields.counterparty.bic,
      // Banks that give no <Ustrd> often put the narrative ("BEA, Betaalpas …") in the additional information.
      remittanceUnstructured: fields.remittanceUnstructured ?? fields.additionalInfo ?? entry.info,
      remittanceStructured: fields.remittanceStructured,
      endToEndId: fields.endToEndId,
      mandateId: fields.mandateId,
      creditorId: fields.creditorId,
      bankTransactionCode: fields.bankTransactionCode ?? entry.code.bankTransactionCode,
      proprietaryCode: fields.proprietaryCode ?? entry.code.proprietaryCode,
      returnReasonCode: fields.returnReasonCode,
      location: entry.location,
    };
  }

  private readBankTransactionCode(code: XmlNode | null): { bankTransactionCode: string | null; proprietaryCode: string | null } {
    if (code === null) return { bankTransactionCode: null, proprietaryCode: null };
    const domain = code.textAt('Domn', 'Cd');
    const family = code.textAt('Domn', 'Fmly', 'Cd');
    const subFamily = code.textAt('Domn', 'Fmly', 'SubFmlyCd');
    return {
      bankTransactionCode: domain !== null && family !== null && subFamily !== null ? `${domain}-${family}-${subFamily}` : null,
      proprietaryCode: code.textAt('Prtry', 'Cd'),
    };
  }

  private readDetails(detail: XmlNode, direction: 'in' | 'out', account: ParsedAccount): DetailFields {
    const parties = detail.child('RltdPties');
    const agents = detail.child('RltdAgts');
    const party = (role: 'Dbtr' | 'Cdtr'): PaymentParty => {
      const account = parties?.child(`${role}Acct`) ?? null;
      const rawIban = account?.textAt('Id', 'IBAN') ?? null;
      return {
        name: partyName(parties?.child(role) ?? null) ?? partyName(parties?.child(`Ultmt${role}`) ?? null),
        iban: normaliseIban(rawIban),
        otherAccountId: account?.textAt('Id', 'Othr', 'Id') ?? rawIban,
        bic: normaliseBic(agents?.textAt(`${role}Agt`, 'FinInstnId', 'BICFI') ?? agents?.textAt(`${role}Agt`, 'FinInstnId', 'BIC') ?? null),
      };
    };
    const remittance = detail.child('RmtInf');
    const unstructured = (remittance?.children('Ustrd') ?? []).map((u) => u.text).filter((text) => text !== '');
    const structured = (remittance?.children('Strd') ?? []).map((s) => s.textAt('CdtrRefInf', 'Ref')).find((ref) => ref !== null) ?? null;
    const code = this.readBankTransactionCode(detail.child('BkTxCd'));
    return {
      counterparty: counterpartyOf(direction, { creditor: party('Cdtr'), debtor: party('Dbtr') }, account),
      remittanceUnstructured: unstructured.length > 0 ? unstructured.join(' ') : null,
      remittanceStructured: structured,
      endToEndId: meaningfulEndToEndId(detail.textAt('Refs', 'EndToEndId')),
      mandateId: detail.textAt('Refs', 'MndtId'),
      creditorId: creditorSchemeId(detail),
      bankTransactionCode: code.bankTransactionCode,
      proprietaryCode: code.proprietaryCode,
      returnReasonCode: detail.textAt('RtrInf', 'Rsn', 'Cd') ?? detail.textAt('RtrInf', 'Rsn', 'Prtry'),
      sourceId: detail.textAt('Refs', 'AcctSvcrRef'),
      additionalInfo: detail.textAt('AddtlTxInf'),
    };
  }
}

/** Up to version 7 a party has <Nm> directly; version 8 wraps it in <Pty>, or names a bank in <Agt>. */
function partyName(party: XmlNode | null): string | null {
  if (party === null) return null;
  return party.textAt('Nm') ?? party.textAt('Pty', 'Nm') ?? party.textAt('Agt', 'FinInstnId', 'Nm');
}

/**
 * The SEPA creditor identifier of a direct debit. camt has no dedicated element for it in TxDtls;
 * banks give it as the creditor's private identification with scheme "SEPA" (or in CdtrSchmeId).
 */
function creditorSchemeId(detail: XmlNode): string | null {
  const explicit = detail.textAt('CdtrSchmeId', 'Id', 'PrvtId', 'Othr', 'Id');
  if (explicit !== null) return explicit;
  const creditor = detail.find('RltdPties', 'Cdtr');
  for (const holder of [creditor, creditor?.child('Pty') ?? null]) {
    for (const other of holder?.find('Id', 'PrvtId')?.children('Othr') ?? []) {
      const scheme = other.textAt('SchmeNm', 'Prtry') ?? other.textAt('SchmeNm', 'Cd');
      if (scheme !== null && scheme.toUpperCase() === 'SEPA') return other.textAt('Id');
    }
  }
  return null;
}
