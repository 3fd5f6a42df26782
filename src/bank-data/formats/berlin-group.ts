/**
 * Berlin Group NextGenPSD2 XS2A responses (v1.3.x), the API most EU banks and aggregators speak:
 * transaction reports (`transactions.booked/pending`), transaction details, balance reports, and the
 * account and card-account lists and details (which carry accounts and sometimes balances only).
 *
 * Choices the specification leaves open, made here on purpose:
 * - `transactions.information` lists standing orders (future, recurring orders, not money that moved);
 *   the canonical model has no place for them, so they are not turned into transactions.
 * - A response that only links to a download (`_links.download`) holds no data; it is refused as
 *   'unsupported' rather than read as an account without transactions, which would look like no income.
 * - A multicurrency account's currency "XXX" (ISO 4217 "no currency") is read as no single currency.
 * - Full card numbers (`pan`) are never copied; a masked PAN identifies a card account well enough.
 */
import {
  BankFileError,
  normaliseIban,
  type BankFormatAdapter,
  type DetectHints,
  type ParseOptions,
  type ParsedAccount,
  type ParsedBalance,
  type ParsedStatement,
  type ParsedTransaction,
  type BalanceType,
  type TransactionStatus,
} from '../canonical.js';
import { dateOfDateTime, isIsoDate, type IsoDate } from '../../platform/dates.js';
import { readJsonDocument, type JsonNode } from './json-reader.js';
import {
  EMPTY_ACCOUNT,
  StatementBuilder,
  counterpartyOf,
  debit,
  decimalToCents,
  isCurrencyCode,
  meaningfulEndToEndId,
  normaliseBic,
  type PaymentParty,
} from './statement-builder.js';
import { asciiPrefix } from './text-decoding.js';

const FORMAT = 'berlin-group';

const RESPONSE_MEMBERS = ['account', 'cardAccount', 'accounts', 'cardAccounts', 'balances', 'transactions', 'transactionsDetails'] as const;

const BALANCE_TYPES: Readonly<Record<string, BalanceType>> = {
  closingBooked: 'closingBooked',
  openingBooked: 'openingBooked',
  interimBooked: 'interimBooked',
  interimAvailable: 'interimAvailable',
  forwardAvailable: 'forwardAvailable',
  expected: 'expected',
};
/** Balance types of the specification without a canonical type: type other, without a warning. */
const UNMAPPED_BALANCE_TYPES = new Set(['nonInvoiced']);

export const berlinGroupAdapter = {
  format: FORMAT,
  produces: [FORMAT],

  detect(input: Buffer, _hints?: DetectHints): number {
    const head = asciiPrefix(input);
    if (!/^\s*\{/.test(head)) return 0;
    // UK Open Banking wraps everything in "Data" with PascalCase members; those are not ours.
    if (/"Data"\s*:/.test(head) && /"(?:Transaction|Balance|Account)"\s*:/.test(head)) return 0;
    if (/"(?:transactionAmount|balanceAmount|balanceType|bookingDate|entryReference|remittanceInformationUnstructured|cashAccountType|maskedPan|transactionsDetails)"\s*:/.test(head)) return 0.9;
    if (/"(?:accounts|cardAccounts|transactions|balances)"\s*:/.test(head)) return 0.7;
    if (/"_links"\s*:/.test(head) && /"download"\s*:/.test(head)) return 0.6;
    return 0;
  },

  parse(input: Buffer, options: ParseOptions = {}): ParsedStatement {
    const document = readJsonDocument(input, FORMAT, options.maxBytes).requireObject('a JSON object');
    const reader = new BerlinGroupReader(new StatementBuilder(options.lenient ?? false));
    reader.readResponse(document);
    return reader.builder.build(FORMAT);
  },
} satisfies BankFormatAdapter;

interface AccountInResponse {
  index: number;
  account: ParsedAccount;
  /** Card accounts with debitAccounting report what is owed as positive amounts. */
  debitAccounting: boolean;
}

class BerlinGroupReader {
  private subject: AccountInResponse | null = null;

  constructor(readonly builder: StatementBuilder) {}

  readResponse(document: JsonNode): void {
    if (document.has('cardTransactions')) {
      throw new BankFileError(FORMAT, '/cardTransactions', 'card account transaction reports are not supported; their sign depends on the card account\'s debitAccounting', 'unsupported');
    }
    if (!RESPONSE_MEMBERS.some((member) => document.has(member))) {
      const download = document.field('_links').field('download');
      if (download.isPresent) {
        const href = download.field('href').optionalString();
        throw new BankFileError(
          FORMAT,
          download.location,
          `the response holds no transactions; the bank offers them as a file to download${href ? ` (${href})` : ''}: fetch that file and read it instead`,
          'unsupported',
        );
      }
      document.fail(`not a Berlin Group account, balance or transaction response: none of ${RESPONSE_MEMBERS.join(', ')} is present`);
    }

    for (const member of ['account', 'cardAccount'] as const) {
      const node = document.field(member);
      if (!node.isPresent) continue;
      this.subject = this.addAccount(node);
      this.readBalanceList(node.field('balances'), this.subject);
    }
    for (const member of ['accounts', 'cardAccounts'] as const) {
      for (const node of document.field(member).optionalItems()) {
        this.builder.readEntry(() => {
          const listed = this.addAccount(node);
          this.readBalanceList(node.field('balances'), listed);
        });
      }
    }
    if (document.has('balances')) this.readBalanceList(document.field('balances'), this.subjectAccount());

    const report = document.field('transactions');
    if (report.isPresent) {
      report.requireObject('a transaction report');
      const lists: Array<[string, TransactionStatus]> = [
        ['booked', 'booked'],
        ['pending', 'pending'],
      ];
      for (const [list, status] of lists) {
        for (const node of report.field(list).optionalItems()) {
          this.builder.readEntry(() => this.readTransaction(node, status));
        }
      }
    }

    const details = document.field('transactionsDetails');
    if (details.isPresent) {
      // v1.3.x examples put the transaction directly here; the schema wraps it in transactionDetails.
      const transaction = details.has('transactionDetails') ? details.field('transactionDetails') : details;
      this.builder.readEntry(() => this.readTransaction(transaction, transaction.has('bookingDate') ? 'booked' : 'pending'));
    }
  }

  /** The account the response is about; a response that names none (balances of a multicurrency account) still needs one. */
  private subjectAccount(): AccountInResponse {
    this.subject ??= { index: this.builder.addAccount(EMPTY_ACCOUNT), account: EMPTY_ACCOUNT, debitAccounting: false };
    return this.subject;
  }

  private addAccount(node: JsonNode): AccountInResponse {
    node.requireObject('an account');
    const rawIban = node.field('iban').optionalString();
    const iban = normaliseIban(rawIban);
    const otherId =
      iban !== null
        ? null
        : (rawIban ??
          node.field('bban').optionalString() ??
          node.field('maskedPan').optionalString() ??
          node.field('msisdn').optionalString() ??
          node.field('other').field('identification').optionalString());
    const account: ParsedAccount = {
      iban,
      otherId,
      currency: this.accountCurrency(node.field('currency')),
      ownerName: node.field('ownerName').optionalString(),
      servicerBic: normaliseBic(node.field('bic').optionalString()),
    };
    return { index: this.builder.addAccount(account), account, debitAccounting: node.field('debitAccounting').optionalBoolean() === true };
  }

  private accountCurrency(node: JsonNode): string | null {
    const value = node.optionalString();
    if (value === null) return null;
    if (!isCurrencyCode(value)) node.fail(`"${value}" is not an ISO 4217 currency code`);
    return value === 'XXX' ? null : value;
  }

  private currency(node: JsonNode): string {
    const value = node.string();
    if (!isCurrencyCode(value)) node.fail(`"${value}" is not an ISO 4217 currency code`);
    return value;
  }

  private date(node: JsonNode): IsoDate | null {
    const value = node.optionalString();
    if (value === null) return null;
    if (!isIsoDate(value)) node.fail(`"${value}" is not a calendar date (YYYY-MM-DD)`);
    return value;
  }

  private dateOfDateTime(node: JsonNode): IsoDate | null {
    const value = node.optionalString();
    if (value === null) return null;
    return dateOfDateTime(value) ?? node.fail(`"${value}" is not an ISO date-time`);
  }

  private readBalanceList(list: JsonNode, owner: AccountInResponse): void {
    for (const node of list.optionalItems()) {
      // A balance is secondary: a flawed one is dropped with a warning, never the file or its entries.
      const balance = this.builder.secondary('balance', () => this.readBalance(node, owner, null));
      if (balance !== null) this.builder.balances.push(balance);
    }
  }

  /** Null when the balance has no date (the specification makes every date optional); it is then dropped with a warning. */
  private readBalance(node: JsonNode, owner: AccountInResponse, dateOfTransaction: IsoDate | null): ParsedBalance | null {
    node.requireObject('a balance');
    const amount = node.field('balanceAmount').requireObject('balanceAmount');
    const amountNode = amount.field('amount');
    const cents = decimalToCents(amountNode.string(), { signed: true, format: FORMAT, location: amountNode.location });
    const currency = this.currency(amount.field('currency'));
    const rawType = node.field('balanceType').string();
    const date = this.date(node.field('referenceDate')) ?? this.dateOfDateTime(node.field('lastChangeDateTime')) ?? dateOfTransaction;
    if (date === null) {
      this.builder.warn(node.location, 'referenceDate', 'the balance has no referenceDate or lastChangeDateTime, so it cannot be placed in time', 'dropped');
      return null;
    }
    const known = Object.hasOwn(BALANCE_TYPES, rawType);
    if (!known && !UNMAPPED_BALANCE_TYPES.has(rawType)) this.builder.warn(node.field('balanceType').location, 'balanceType', `"${rawType}" is not a Berlin Group balance type; kept as type other with its own name`, 'kept');
    return {
      accountIndex: owner.index,
      type: known ? BALANCE_TYPES[rawType]! : 'other',
      rawType,
      amountCents: owner.debitAccounting ? debit(cents) : cents,
      currency,
      date,
      location: node.location,
    };
  }

  private readTransaction(node: JsonNode, status: TransactionStatus): void {
    node.requireObject('a transaction');
    const owner = this.subjectAccount();
    const amount = node.field('transactionAmount').requireObject('transactionAmount');
    const amountNode = amount.field('amount');
    const amountCents = decimalToCents(amountNode.string(), { signed: true, format: FORMAT, location: amountNode.location });
    const currency = this.currency(amount.field('currency'));
    // Beside a booking date the value date is secondary: an impossible one is dropped with a warning.
    const valueDate = node.field('bookingDate').isPresent ? this.builder.secondary('valueDate', () => this.date(node.field('valueDate'))) : this.date(node.field('valueDate'));
    const bookingDate = this.date(node.field('bookingDate')) ?? valueDate ?? this.date(node.field('transactionDate')) ?? node.fail('the transaction has neither a bookingDate nor a valueDate');

    const party = (role: 'creditor' | 'debtor', ultimate: string): PaymentParty => {
      const account = node.field(`${role}Account`);
      const rawIban = account.field('iban').optionalString();
      return {
        name: node.field(`${role}Name`).optionalString() ?? node.field(ultimate).optionalString(),
        iban: normaliseIban(rawIban),
        otherAccountId: rawIban ?? account.field('bban').optionalString() ?? account.field('maskedPan').optionalString(),
        bic: normaliseBic(node.field(`${role}Agent`).optionalString()),
      };
    };
    const counterparty = counterpartyOf(
      amountCents < 0 ? 'out' : 'in',
      { creditor: party('creditor', 'ultimateCreditor'), debtor: party('debtor', 'ultimateDebtor') },
      owner.account,
    );

    const transaction: ParsedTransaction = {
      accountIndex: owner.index,
      sourceId: node.field('transactionId').optionalString() ?? node.field('entryReference').optionalString(),
      status,
      bookingDate,
      valueDate,
      amountCents,
      currency,
      counterpartyName: counterparty.name,
      counterpartyIban: counterparty.iban,
      counterpartyBic: counterparty.bic,
      remittanceUnstructured: node.field('remittanceInformationUnstructured').optionalString() ?? joinedTexts(node.field('remittanceInformationUnstructuredArray')),
      remittanceStructured: structuredReference(node.field('remittanceInformationStructured')) ?? firstStructuredReference(node.field('remittanceInformationStructuredArray')),
      endToEndId: meaningfulEndToEndId(node.field('endToEndId').optionalString()),
      mandateId: node.field('mandateId').optionalString(),
      creditorId: node.field('creditorId').optionalString(),
      bankTransactionCode: node.field('bankTransactionCode').optionalString(),
      proprietaryCode: node.field('proprietaryBankTransactionCode').optionalString(),
      returnReasonCode: null,
      reversal: false,
      location: node.location,
    };
    const after = node.field('balanceAfterTransaction');
    const balance = after.isPresent ? this.builder.secondary('balanceAfterTransaction', () => this.readBalance(after, owner, bookingDate)) : null;
    this.builder.transactions.push(transaction);
    if (balance !== null) this.builder.balances.push(balance);
  }
}

function joinedTexts(list: JsonNode): string | null {
  const texts = list.optionalItems().map((item) => item.optionalString()).filter((text): text is string => text !== null);
  return texts.length > 0 ? texts.join(' ') : null;
}

/** Up to v1.3.7 a Max140Text; later an object with a `reference`. */
function structuredReference(node: JsonNode): string | null {
  if (!node.isPresent) return null;
  return node.isObject ? node.field('reference').optionalString() : node.optionalString();
}

function firstStructuredReference(list: JsonNode): string | null {
  for (const item of list.optionalItems()) {
    const reference = structuredReference(item);
    if (reference !== null) return reference;
  }
  return null;
}
