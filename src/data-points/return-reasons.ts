/**
 * SEPA direct-debit return reasons (ISO 20022 ExternalReturnReason1Code) and what each says about
 * the debtor.
 *
 * A return (R-transaction) is one of the earliest payment-problem signals a creditor receives, but
 * only by its reason: "insufficient funds" is a can't-pay signal, "refund requested by the debtor"
 * a dispute or won't-pay signal, "account closed" a changed bank account to ask about, and most
 * other codes are the creditor's or the banks' own data errors that say nothing about the debtor.
 * Counting all returns alike would teach a model that a wrong BIC predicts arrears.
 *
 * The definitions are the ISO 20022 external code set of 4Q2023 (via OpenBankingUK/
 * External_Internal_CodeSets, published freely), unchanged; test/data-points checks them against
 * the CSV in test/fixtures/reference. The code set is revised quarterly: a code missing here is
 * accepted by the schema's pattern, rejected by batch validation, and classed `unknown` by signals.
 */

/** ISO code → ISO definition, in the order of the published list. */
export const RETURN_REASON_DEFINITIONS = {
  AC01: 'Format of the account number specified is not correct',
  AC03: 'Wrong IBAN in SCT',
  AC04: 'Account number specified has been closed on the bank of account\'s books',
  AC06: 'Account specified is blocked, prohibiting posting of transactions against it.',
  AC13: 'Debtor account type is missing or invalid',
  AC14: 'An agent in the payment chain is invalid.',
  AC15: 'Account details have changed.',
  AC16: 'Account is in sequestration.',
  AC17: 'Account is in liquidation.',
  AG01: 'Transaction forbidden on this type of account (formerly NoAgreement)',
  AG02: 'Bank Operation code specified in the message is not valid for receiver',
  AM01: 'Specified message amount is equal to zero',
  AM02: 'Specific transaction/message amount is greater than allowed maximum',
  AM03: 'Specified message amount is an non processable currency outside of existing agreement',
  AM04: 'Amount of funds available to cover specified message amount is insufficient.',
  AM05: 'Duplication',
  AM06: 'Specified transaction amount is less than agreed minimum.',
  AM07: 'Amount specified in message has been blocked by regulatory authorities.',
  AM09: 'Amount received is not the amount agreed or expected',
  AM10: 'Sum of instructed amounts does not equal the control sum.',
  ARDT: 'Already returned original SCT',
  BE01: 'Identification of end customer is not consistent with associated account number, organisation ID or private ID.',
  BE04: 'Specification of creditor\'s address, which is required for payment, is missing/not correct (formerly IncorrectCreditorAddress).',
  BE05: 'Party who initiated the message is not recognised by the end customer',
  BE06: 'End customer specified is not known at associated Sort/National Bank Code or does no longer exist in the books',
  BE07: 'Specification of debtor\'s address, which is required for payment, is missing/not correct.',
  BE08: 'Returned as a result of a bank error.',
  CN01: 'Authorisation is cancelled.',
  CNOR: 'Creditor bank is not registered under this BIC in the CSM',
  CNPC: 'Cash not picked up by Creditor or cash could not be delivered to Creditor',
  CURR: 'Currency of the payment is incorrect',
  CUST: 'Cancellation requested by the Debtor',
  DNOR: 'Debtor bank is not registered under this BIC in the CSM',
  DS28: 'Return following technical problems resulting in erroneous transaction.',
  DT01: 'Invalid date (eg, wrong settlement date)',
  DT02: 'Cheque has been issued but not deposited and is considered expired.',
  ED01: 'Correspondent bank not possible.',
  ED03: 'Balance of payments complementary info is requested',
  ED05: 'Settlement of the transaction has failed.',
  EMVL: 'The card payment is fraudulent and was not processed with EMV technology for an EMV card.',
  ERIN: 'The Extended Remittance Information (ERI) option is not supported.',
  FF05: 'Local Instrument code is missing or invalid',
  FOCR: 'Return following a cancellation request',
  FR01: 'Returned as a result of fraud.',
  FRTR: 'Final response/tracking is recalled as mandate is cancelled.',
  MD01: 'No Mandate',
  MD02: 'Mandate related information data required by the scheme is missing.',
  MD06: 'Return of funds requested by end customer',
  MD07: 'End customer is deceased.',
  MS02: 'Reason has not been specified by end customer',
  MS03: 'Reason has not been specified by agent.',
  NARR: 'Reason is provided as narrative information in the additional reason information.',
  NOAS: 'No response from Beneficiary',
  NOCM: 'Customer account is not compliant with regulatory requirements, for example FICA (in South Africa) or any other regulatory requirements which render an account inactive for certain processing.',
  NOOR: 'Original SCT never received',
  PINL: 'The card payment is fraudulent (lost and stolen fraud) and was processed as EMV transaction without PIN verification.',
  RC01: 'Bank Identifier code specified in the message has an incorrect format (formerly IncorrectFormatForRoutingCode).',
  RC07: 'Incorrrect BIC of the beneficiary Bank in the SCTR',
  RF01: 'Transaction reference is not unique within the message.',
  RR01: 'Specification of the debtor’s account or unique identification needed for reasons of regulatory requirements is insufficient or missing',
  RR02: 'Specification of the debtor’s name and/or address needed for regulatory requirements is insufficient or missing.',
  RR03: 'Specification of the creditor’s name and/or address needed for regulatory requirements is insufficient or missing.',
  RR04: 'Regulatory Reason',
  RUTA: 'Return following investigation request and no remediation possible.',
  SL01: 'Due to specific service offered by the Debtor Agent',
  SL02: 'Due to specific service offered by the Creditor Agent',
  SL11: 'Whitelisting service offered by the Debtor Agent; Debtor has not included the Creditor on its “Whitelist” (yet). In the Whitelist the Debtor may list all allowed Creditors to debit Debtor bank account.',
  SL12: 'Blacklisting service offered by the Debtor Agent; Debtor included the Creditor on his “Blacklist”. In the Blacklist the Debtor may list all Creditors not allowed to debit Debtor bank account.',
  SL13: 'Due to Maximum allowed Direct Debit Transactions per period service offered by the Debtor Agent.',
  SL14: 'Due to Maximum allowed Direct Debit Transaction amount service offered by the Debtor Agent.',
  SP01: 'Payment is stopped by account holder.',
  SP02: 'Previously stopped by means of a stop payment advise.',
  SVNR: 'The card payment is returned since a cash amount rendered was not correct or goods or a service was not rendered to the customer, e.g. in an e-commerce situation.',
  TM01: 'Associated message was received after agreed processing cut-off time.',
  TRAC: 'Return following direct debit being removed from tracking process.',
  UPAY: 'Payment is not justified.',
  AGNT: 'Agent in the payment workflow is incorrect.',
  FF06: 'Category Purpose code is missing or invalid.',
  RC08: 'ClearingSystemMemberidentifier is invalid or missing.',
  BE11: 'Creditor country code is missing or invalid.',
  BE17: 'Creditor or Ultimate Creditor identification code missing or invalid.',
  AC02: 'Debtor account number invalid or missing.',
  RR11: 'Invalid or missing identification of a bank proprietary service.',
  BE10: 'Debtor country code is missing or invalid.',
  BE16: 'Debtor or Ultimate Debtor identification code missing or invalid.',
  RC11: 'Intermediary Agent is invalid or missing.',
  RR12: 'Invalid or missing identification required within a particular country or payment type.',
  FF03: 'Payment Type Information is missing or invalid.',
  FF07: 'Purpose is missing or invalid.',
  FF04: 'Service Level code is missing or invalid.',
  RR09: 'Structured creditor reference invalid or missing.',
  RR05: 'Regulatory or Central Bank Reporting information missing, incomplete or invalid.',
  RR07: 'Remittance information structure does not comply with rules for payment type.',
  RR08: 'Remittance information truncated to comply with rules for payment type.',
  RR06: 'Tax information missing, incomplete or invalid.',
  AG07: 'Debtor account cannot be debited for a generic reason.',
  G004: 'In a FIToFI Customer Credit Transfer: Credit to the creditor’s account is pending, status Originator is waiting for funds provided via a cover. Update will follow from the Status Originator.',
  MD05: 'Creditor or creditor\'s agent should not have collected the direct debit.',
  AC07: 'Creditor account number closed.',
  DC04: 'Return of Covering Settlement due to the underlying Credit Transfer details not being received.',
  RC04: 'Creditor bank identifier is invalid or missing.',
  DT04: 'Future date not supported.',
  DUPL: 'Payment is a duplicate of another payment.',
  RC03: 'Debtor bank identifier is invalid or missing.',
} as const;

export type ReturnReasonCode = keyof typeof RETURN_REASON_DEFINITIONS;

export const RETURN_REASON_CLASSES = [
  'insufficient_funds',
  'dispute_or_refusal',
  'mandate_problem',
  'account_closed',
  'account_blocked',
  'deceased',
  'technical',
  'unknown',
] as const;
/** What a return says about the debtor; each class calls for a different response from the creditor. */
export type ReturnReasonClass = (typeof RETURN_REASON_CLASSES)[number];

/**
 * The signal class of every listed code. The domain README's table fixes AM04, MD06, MS02, MS03,
 * MD01, AC04, AC06, MD07 and AM05; the rest follow the question "who caused the return, and what
 * should the creditor do next?". A `Record` over the code type makes the compiler refuse a list
 * that leaves a code unclassified.
 */
const SIGNAL_CLASS_BY_CODE: Record<ReturnReasonCode, ReturnReasonClass> = {
  // Can't pay: the account did not hold the money on the collection day. The one liquidity signal.
  AM04: 'insufficient_funds',

  // Won't pay or disputes: the debtor (or the debtor's own standing instruction at the bank) stopped
  // the collection. SP01/SP02 stop orders, CUST cancellation by the debtor, SL01/SL11–SL14 the debtor
  // bank's white/blacklist and limit services the debtor configured, MD05/UPAY/SVNR claims that the
  // debit was unjustified or the service not delivered. All call for a conversation, not a retry.
  MD06: 'dispute_or_refusal',
  MS02: 'dispute_or_refusal',
  CUST: 'dispute_or_refusal',
  SP01: 'dispute_or_refusal',
  SP02: 'dispute_or_refusal',
  SL01: 'dispute_or_refusal',
  SL11: 'dispute_or_refusal',
  SL12: 'dispute_or_refusal',
  SL13: 'dispute_or_refusal',
  SL14: 'dispute_or_refusal',
  MD05: 'dispute_or_refusal',
  UPAY: 'dispute_or_refusal',
  SVNR: 'dispute_or_refusal',

  // The authorisation to debit is missing, revoked, incomplete or abused: no (valid) mandate, a
  // cancelled authorisation, fraud, or an account type that cannot carry direct debits (AG01). The
  // creditor needs a new mandate or another way to pay before collecting again.
  MD01: 'mandate_problem',
  MD02: 'mandate_problem',
  CN01: 'mandate_problem',
  FRTR: 'mandate_problem',
  FR01: 'mandate_problem',
  EMVL: 'mandate_problem',
  PINL: 'mandate_problem',
  AG01: 'mandate_problem',

  // The debtor no longer banks where the mandate says: closed account, changed account details, or
  // the customer no longer in the bank's books. A contact data point: ask for the new account.
  AC04: 'account_closed',
  AC15: 'account_closed',
  BE06: 'account_closed',

  // The account is frozen: blocked, in sequestration or liquidation, funds blocked by an authority,
  // or made inactive for regulatory non-compliance. Often garnishment or insolvency: a severe signal.
  AC06: 'account_blocked',
  AC16: 'account_blocked',
  AC17: 'account_blocked',
  AM07: 'account_blocked',
  NOCM: 'account_blocked',

  // Stop collection and follow the estate process.
  MD07: 'deceased',

  // No reason a creditor can act on: the bank gave none (MS03), free text only (NARR), a generic
  // "cannot be debited" (AG07), or an unnamed regulatory reason (RR04).
  MS03: 'unknown',
  NARR: 'unknown',
  AG07: 'unknown',
  RR04: 'unknown',

  // Errors of the creditor, its bank or the clearing chain (duplicates, wrong or missing identifiers,
  // formats, dates, currencies, cut-off times, settlement failures, recalls initiated by the creditor
  // side, credit-transfer-only codes). They say nothing about the debtor's ability or will to pay.
  AM05: 'technical',
  DUPL: 'technical',
  AC01: 'technical',
  AC02: 'technical',
  AC03: 'technical',
  AC07: 'technical',
  AC13: 'technical',
  AC14: 'technical',
  AG02: 'technical',
  AGNT: 'technical',
  AM01: 'technical',
  AM02: 'technical',
  AM03: 'technical',
  AM06: 'technical',
  AM09: 'technical',
  AM10: 'technical',
  ARDT: 'technical',
  BE01: 'technical',
  BE04: 'technical',
  BE05: 'technical',
  BE07: 'technical',
  BE08: 'technical',
  BE10: 'technical',
  BE11: 'technical',
  BE16: 'technical',
  BE17: 'technical',
  CNOR: 'technical',
  CNPC: 'technical',
  CURR: 'technical',
  DC04: 'technical',
  DNOR: 'technical',
  DS28: 'technical',
  DT01: 'technical',
  DT02: 'technical',
  DT04: 'technical',
  ED01: 'technical',
  ED03: 'technical',
  ED05: 'technical',
  ERIN: 'technical',
  FF03: 'technical',
  FF04: 'technical',
  FF05: 'technical',
  FF06: 'technical',
  FF07: 'technical',
  FOCR: 'technical',
  G004: 'technical',
  NOAS: 'technical',
  NOOR: 'technical',
  RC01: 'technical',
  RC03: 'technical',
  RC04: 'technical',
  RC07: 'technical',
  RC08: 'technical',
  RC11: 'technical',
  RF01: 'technical',
  RR01: 'technical',
  RR02: 'technical',
  RR03: 'technical',
  RR05: 'technical',
  RR06: 'technical',
  RR07: 'technical',
  RR08: 'technical',
  RR09: 'technical',
  RR11: 'technical',
  RR12: 'technical',
  RUTA: 'technical',
  SL02: 'technical',
  TM01: 'technical',
  TRAC: 'technical',
};

export interface ReturnReason {
  code: ReturnReasonCode;
  definition: string;
  signalClass: ReturnReasonClass;
}

/** The whole list with classes, for the API's reference endpoint and for reports. */
export const RETURN_REASONS: readonly ReturnReason[] = (Object.keys(RETURN_REASON_DEFINITIONS) as ReturnReasonCode[]).map((code) => ({
  code,
  definition: RETURN_REASON_DEFINITIONS[code],
  signalClass: SIGNAL_CLASS_BY_CODE[code],
}));

export function isReturnReasonCode(code: string): code is ReturnReasonCode {
  return Object.prototype.hasOwnProperty.call(RETURN_REASON_DEFINITIONS, code);
}

/** The signal class of a code; a code the list does not know is `unknown`, never a guess. */
export function returnReasonClass(code: string): ReturnReasonClass {
  return isReturnReasonCode(code) ? SIGNAL_CLASS_BY_CODE[code] : 'unknown';
}
