/**
 * UK Open Banking Read/Write API, account information (v3.1.x and v4.0): OBReadTransaction
 * (`Data.Transaction[]`), OBReadBalance (`Data.Balance[]`) and OBReadAccount (`Data.Account[]`).
 *
 * v4.0 moved statuses and balance types to ISO 20022 codes (BOOK, PDNG, CLAV, ITBD…); both
 * vocabularies are read. Amounts are unsigned; the sign is CreditDebitIndicator.
 *
 * Choices made on purpose:
 * - AccountId is the account's `otherId`: transactions and balances refer to their account by it.
 * - BankTransactionCode gives only the ISO family and sub-family, spelt out in words and without the
 *   domain ("ReceivedCreditTransfer"), so it cannot be written as the canonical "PMNT-RCDT-ESCT" and
 *   is not mapped; the proprietary code is.
 * - TransactionReference stands in as the source id only when TransactionId is missing: the
 *   specification defines it as a unique reference of the transaction (e.g. the Faster Payments id).
 * - The examples give `Data.Balance` as a single object where the schema says array; both are read.
 */
import {
  normaliseIban,
  type BankFormatAdapter,
  type DetectHints,
  type ParseOptions,
  type ParsedBalance,
  type ParsedStatement,
  type ParsedTransaction,
} from '../canonical.js';
import { dateOfDateTime, type IsoDate } from '../../platform/dates.js';
import { readJsonDocument, type JsonNode } from './json-reader.js';
import {
  StatementBuilder,
  balanceTypeFromIsoCode,
  isKnownBalanceCode,
  counterpartyOf,
  debit,
  decimalToCents,
  entryStatusFromIsoCode,
  isCurrencyCode,
  normaliseBic,
  type EntryStatusOutcome,
  type PaymentParty,
} from './statement-builder.js';
import { asciiPrefix } from './text-decoding.js';

const FORMAT = 'uk-open-banking';

export const ukOpenBankingAdapter = {
  format: FORMAT,
  produces: [FORMAT],

  detect(input: Buffer, _hints?: DetectHints): number {
    const head = asciiPrefix(input);
    if (!/^\s*\{/.test(head) || !/"Data"\s*:/.test(head)) return 0;
    if (!/"(?:Transaction|Balance|Account)"\s*:/.test(head)) return 0;
    return /"(?:AccountId|CreditDebitIndicator)"\s*:/.test(head) ? 0.95 : 0.7;
  },

  parse(input: Buffer, options: ParseOptions = {}): ParsedStatement {
    const document = readJsonDocument(input, FORMAT, options.maxBytes).requireObject('a JSON object');
    const data = document.field('Data').requireObject('the Data object');
    if (!['Account', 'Transaction', 'Balance'].some((member) => data.has(member))) {
      data.fail('Data holds no Account, Transaction or Balance: not an account information response');
    }
    const reader = new UkOpenBankingReader(new StatementBuilder(options.lenient ?? false));
    for (const node of data.field('Account').itemsOrSingle()) reader.builder.readEntry(() => reader.readAccount(node));
    for (const node of data.field('Transaction').itemsOrSingle()) reader.builder.readEntry(() => reader.readTransaction(node));
    for (const node of data.field('Balance').itemsOrSingle()) reader.builder.readEntry(() => reader.readAccountBalance(node));
    return reader.builder.build(FORMAT);
  },
} satisfies BankFormatAdapter;

class UkOpenBankingReader {
  private readonly accountIndexById = new Map<string, number>();

  constructor(readonly builder: StatementBuilder) {}

  readAccount(node: JsonNode): void {
    node.requireObject('an account');
    const accountId = node.field('AccountId').string();
    const identifications = node.field('Account').itemsOrSingle();
    const ibanEntry = identifications.find((id) => isIbanScheme(id.field('SchemeName').optionalString()));
    const servicer = node.field('Servicer');
    const index = this.builder.addAccount({
      iban: normaliseIban(ibanEntry?.field('Identification').optionalString()),
      otherId: accountId,
      currency: this.currency(node.field('Currency'), false),
      ownerName: identifications.map((id) => id.field('Name').optionalString()).find((name) => name !== null) ?? null,
      servicerBic: /BICFI$/i.test(servicer.field('SchemeName').optionalString() ?? '') ? normaliseBic(servicer.field('Identification').optionalString()) : null,
    });
    this.accountIndexById.set(accountId, index);
  }

  /** Transactions and balances name their account by AccountId; an account not listed in the response is added bare. */
  accountIndexOf(accountId: string): number {
    let index = this.accountIndexById.get(accountId);
    if (index === undefined) {
      index = this.builder.addAccount({ iban: null, otherId: accountId, currency: null, ownerName: null, servicerBic: null });
      this.accountIndexById.set(accountId, index);
    }
    return index;
  }

  private currency(node: JsonNode, required: boolean): string | null {
    const value = required ? node.string() : node.optionalString();
    if (value !== null && !isCurrencyCode(value)) node.fail(`"${value}" is not an ISO 4217 currency code`);
    return value;
  }

  private signedAmount(holder: JsonNode): { cents: number; currency: string; direction: 'in' | 'out' } {
    const amount = holder.field('Amount').requireObject('Amount');
    const amountNode = amount.field('Amount');
    const cents = decimalToCents(amountNode.string(), { signed: false, format: FORMAT, location: amountNode.location });
    const currency = this.currency(amount.field('Currency'), true)!;
    const indicatorNode = holder.field('CreditDebitIndicator');
    const indicator = indicatorNode.string();
    if (indicator !== 'Credit' && indicator !== 'Debit') indicatorNode.fail(`CreditDebitIndicator must be Credit or Debit, not "${indicator}"`);
    const direction = indicator === 'Credit' ? 'in' : 'out';
    return { cents: direction === 'in' ? cents : debit(cents), currency, direction };
  }

  private dateOf(node: JsonNode): IsoDate | null {
    const value = node.optionalString();
    if (value === null) return null;
    return dateOfDateTime(value) ?? node.fail(`"${value}" is not an ISO date-time`);
  }

  readAccountBalance(node: JsonNode): void {
    node.requireObject('a balance');
    const accountIndex = this.accountIndexOf(node.field('AccountId').string());
    // A balance is secondary: a flawed one is dropped with a warning, never the file or its entries.
    const balance = this.builder.secondary('Balance', () => this.readBalance(node, accountIndex, null));
    if (balance !== null) this.builder.balances.push(balance);
  }

  /** A balance; `dateOfTransaction` dates the running balance a transaction carries (it has no DateTime of its own). */
  readBalance(node: JsonNode, accountIndex: number, dateOfTransaction: IsoDate | null): ParsedBalance {
    node.requireObject('a balance');
    const { cents, currency } = this.signedAmount(node);
    const rawType = node.field('Type').string();
    const date = this.dateOf(node.field('DateTime')) ?? dateOfTransaction ?? node.field('DateTime').fail('the balance has no DateTime');
    const type = balanceTypeFromIsoCode(rawType);
    if (!isKnownBalanceCode(rawType)) this.builder.warn(node.field('Type').location, 'Type', `"${rawType}" is not an ISO 20022 balance type; kept as type other with its own name`, 'kept');
    return { accountIndex, type, rawType, amountCents: cents, currency, date, location: node.location };
  }

  readTransaction(node: JsonNode): void {
    node.requireObject('a transaction');
    const accountIndex = this.accountIndexOf(node.field('AccountId').string());
    const account = this.builder.accounts[accountIndex]!;
    const statusNode = node.field('Status');
    const status = transactionStatus(statusNode.string()) ?? statusNode.fail(`unknown Status "${statusNode.string()}" (expected Booked, Pending or an ISO code such as BOOK or PDNG)`);
    if ('skipReason' in status) {
      this.builder.skip(node.location, status.skipReason);
      return;
    }
    const { cents, currency, direction } = this.signedAmount(node);
    // Beside a booking date the value date is secondary: an impossible one is dropped with a warning.
    const valueDate = node.field('BookingDateTime').isPresent
      ? this.builder.secondary('ValueDateTime', () => this.dateOf(node.field('ValueDateTime')))
      : this.dateOf(node.field('ValueDateTime'));
    const bookingDate = this.dateOf(node.field('BookingDateTime')) ?? valueDate ?? node.field('BookingDateTime').fail('the transaction has neither BookingDateTime nor ValueDateTime');

    const party = (role: 'Creditor' | 'Debtor'): PaymentParty => {
      const partyAccount = node.field(`${role}Account`);
      const identification = partyAccount.field('Identification').optionalString();
      const agent = node.field(`${role}Agent`);
      return {
        name: partyAccount.field('Name').optionalString() ?? node.field(`Ultimate${role}`).field('Name').optionalString(),
        iban: isIbanScheme(partyAccount.field('SchemeName').optionalString()) ? normaliseIban(identification) : null,
        otherAccountId: identification,
        bic: /BICFI$/i.test(agent.field('SchemeName').optionalString() ?? '') ? normaliseBic(agent.field('Identification').optionalString()) : null,
      };
    };
    const counterparty = counterpartyOf(direction, { creditor: party('Creditor'), debtor: party('Debtor') }, account);

    const transaction: ParsedTransaction = {
      accountIndex,
      sourceId: node.field('TransactionId').optionalString() ?? node.field('TransactionReference').optionalString(),
      status: status.status,
      bookingDate,
      valueDate,
      amountCents: cents,
      currency,
      // Card payments name the shop only as the merchant.
      counterpartyName: counterparty.name ?? node.field('MerchantDetails').field('MerchantName').optionalString(),
      counterpartyIban: counterparty.iban,
      counterpartyBic: counterparty.bic,
      remittanceUnstructured: node.field('TransactionInformation').optionalString(),
      remittanceStructured: null,
      endToEndId: null,
      mandateId: null,
      creditorId: null,
      bankTransactionCode: null,
      proprietaryCode: node.field('ProprietaryBankTransactionCode').field('Code').optionalString(),
      returnReasonCode: null,
      reversal: false,
      location: node.location,
    };
    const runningBalance = node.field('Balance');
    const balance = runningBalance.isPresent ? this.builder.secondary('Balance', () => this.readBalance(runningBalance, accountIndex, bookingDate)) : null;
    this.builder.transactions.push(transaction);
    if (balance !== null) this.builder.balances.push(balance);
  }
}

function isIbanScheme(scheme: string | null): boolean {
  return scheme !== null && /(?:^|\.)IBAN$/i.test(scheme);
}

/** v3.1 spells the status out (Booked, Pending); v4.0 uses ISO 20022 entry status codes. */
function transactionStatus(value: string): EntryStatusOutcome {
  if (value === 'Booked') return { status: 'booked' };
  if (value === 'Pending') return { status: 'pending' };
  return entryStatusFromIsoCode(value);
}
