/**
 * What a SEPA return reason code says about the debtor (docs/domain.md, "SEPA direct-debit returns",
 * after ISO 20022 ExternalReturnReason1Code and the EPC's SEPA rulebooks). Reference data:
 * codes not listed here are reported with their code and the signal "unknown".
 */
export type ReturnSignal = 'cannot_pay' | 'dispute_or_wont_pay' | 'unknown' | 'mandate_problem' | 'changed_account' | 'severe_problem' | 'deceased' | 'technical';

export interface ReturnReason {
  code: string;
  signal: ReturnSignal;
  meaning: { en: string; nl: string };
}

export const RETURN_REASONS: readonly ReturnReason[] = [
  { code: 'AM04', signal: 'cannot_pay', meaning: { en: 'insufficient funds', nl: 'te weinig saldo' } },
  { code: 'MD06', signal: 'dispute_or_wont_pay', meaning: { en: 'refund requested by the debtor', nl: 'teruggevraagd door de rekeninghouder' } },
  { code: 'MS02', signal: 'dispute_or_wont_pay', meaning: { en: 'refused by the debtor, no reason given', nl: 'geweigerd door de rekeninghouder' } },
  { code: 'MS03', signal: 'unknown', meaning: { en: 'reason not given by the bank', nl: 'reden niet opgegeven door de bank' } },
  { code: 'MD01', signal: 'mandate_problem', meaning: { en: 'no mandate', nl: 'geen machtiging' } },
  { code: 'AC04', signal: 'changed_account', meaning: { en: 'account closed', nl: 'rekening opgeheven' } },
  { code: 'AC06', signal: 'severe_problem', meaning: { en: 'account blocked', nl: 'rekening geblokkeerd' } },
  { code: 'MD07', signal: 'deceased', meaning: { en: 'debtor deceased', nl: 'rekeninghouder overleden' } },
  { code: 'AM05', signal: 'technical', meaning: { en: 'duplicate collection', nl: 'dubbele afschrijving' } },
];

export function returnReason(code: string | null): ReturnReason {
  const known = code == null ? undefined : RETURN_REASONS.find((r) => r.code === code.toUpperCase());
  return known ?? { code: code?.toUpperCase() ?? 'none', signal: 'unknown', meaning: { en: 'reason not known', nl: 'reden onbekend' } };
}
