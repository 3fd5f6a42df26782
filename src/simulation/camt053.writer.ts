/**
 * Writes a simulated account as an ISO 20022 camt.053.001.02 bank-to-customer statement, the
 * version Dutch banks export: one statement over the whole simulated period, with the opening and
 * closing booked balances (OPBD, CLBD) and one entry per booked transaction. Pending card payments
 * are left out, as a statement holds booked entries only.
 *
 * Element order follows the 001.02 schema. The SEPA creditor identifier of a direct debit is given
 * as the creditor's private identification with scheme "SEPA", as Dutch banks do; a returned direct
 * debit carries its reason in RtrInf/Rsn/Cd and keeps the original creditor as the related party.
 */
import { formatCents } from '../platform/money.js';
import type { SimulatedAccount, SimulatedBankTransaction } from './simulation.types.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
}

function amountAndSign(cents: number): string {
  return `<Amt Ccy="EUR">${formatCents(Math.abs(cents))}</Amt><CdtDbtInd>${cents < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd>`;
}

function bankTransactionCode(code: string): string {
  const [domain, family, subFamily] = code.split('-');
  return `<BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${subFamily}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
}

function relatedParties(t: SimulatedBankTransaction): string {
  const asCreditor = t.amountCents < 0 || t.returnReasonCode !== null;
  const role = asCreditor ? 'Cdtr' : 'Dbtr';
  const schemeId = asCreditor && t.creditorId ? `<Id><PrvtId><Othr><Id>${xml(t.creditorId)}</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id>` : '';
  const account = t.counterpartyIban ? `<${role}Acct><Id><IBAN>${t.counterpartyIban}</IBAN></Id></${role}Acct>` : '';
  return `<RltdPties><${role}><Nm>${xml(t.counterpartyName)}</Nm>${schemeId}</${role}>${account}</RltdPties>`;
}

function entry(t: SimulatedBankTransaction): string {
  const refs = t.endToEndId || t.mandateId ? `<Refs>${t.endToEndId ? `<EndToEndId>${xml(t.endToEndId)}</EndToEndId>` : ''}${t.mandateId ? `<MndtId>${xml(t.mandateId)}</MndtId>` : ''}</Refs>` : '';
  const returned = t.returnReasonCode ? `<RtrInf><Rsn><Cd>${t.returnReasonCode}</Cd></Rsn></RtrInf>` : '';
  return (
    `<Ntry>${amountAndSign(t.amountCents)}<Sts>BOOK</Sts>` +
    `<BookgDt><Dt>${t.bookingDate}</Dt></BookgDt><ValDt><Dt>${t.valueDate}</Dt></ValDt>` +
    `<AcctSvcrRef>${xml(t.transactionId)}</AcctSvcrRef>${bankTransactionCode(t.bankTransactionCode)}` +
    `<NtryDtls><TxDtls>${refs}${relatedParties(t)}<RmtInf><Ustrd>${xml(t.remittance)}</Ustrd></RmtInf>${returned}</TxDtls></NtryDtls>` +
    `</Ntry>\n`
  );
}

function balance(code: 'OPBD' | 'CLBD', cents: number, date: string): string {
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amountAndSign(cents)}<Dt><Dt>${date}</Dt></Dt></Bal>\n`;
}

export function writeCamt053Statement(account: SimulatedAccount): string {
  // Ids and creation times derive from the account and period, so the same simulation writes the same bytes.
  const id = `${account.iban}-${account.statementFrom.replace(/-/g, '')}`;
  const created = `${account.statementTo}T23:59:59`;
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n',
    `<BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>${created}</CreDtTm></GrpHdr>\n`,
    `<Stmt><Id>${id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>${created}</CreDtTm>`,
    `<FrToDt><FrDtTm>${account.statementFrom}T00:00:00</FrDtTm><ToDtTm>${account.statementTo}T23:59:59</ToDtTm></FrToDt>\n`,
    `<Acct><Id><IBAN>${account.iban}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>${xml(account.ownerName)}</Nm></Ownr><Svcr><FinInstnId><BIC>${account.bic}</BIC></FinInstnId></Svcr></Acct>\n`,
    balance('OPBD', account.openingBalanceCents, account.statementFrom),
    balance('CLBD', account.closingBookedBalanceCents, account.statementTo),
  ];
  for (const t of account.transactions) if (t.status === 'booked') parts.push(entry(t));
  parts.push('</Stmt></BkToCstmrStmt></Document>\n');
  return parts.join('');
}
