/**
 * Reads the expected parses that WoLpH/mt940 ships beside its samples: YAML dumps of Python objects
 * (`!!python/object:mt940.models.Transaction`, `Decimal`, dates pickled as `!!binary`). The failsafe
 * schema keeps every scalar a string, so "0123456789" keeps its leading zero and "N" stays "N"
 * (YAML 1.1 would read a number and a boolean). The reference keeps only the last statement's header
 * data of a file (it overwrites them per statement) but every transaction.
 */
import YAML from 'yaml';

export interface ReferenceBalance {
  amountCents: number;
  currency: string | null;
  date: string;
}

export interface ReferenceTransaction {
  amountCents: number;
  currency: string | null;
  /** ":61:" value date. */
  date: string;
  entryDate: string | null;
  status: string;
  fundsCode: string | null;
  id: string | null;
  customerReference: string | null;
  bankReference: string | null;
  extraDetails: string | null;
  /** Raw ":86:" text, present when the reference did not decode it into subfields. */
  transactionDetails: string | null;
  /** Decoded German/Polish subfields, present when the reference did decode them. */
  purpose: string | null;
  applicantName: string | null;
  applicantIban: string | null;
  applicantBin: string | null;
  endToEndReference: string | null;
  mandateReference: string | null;
  creditorId: string | null;
  postingText: string | null;
  decoded: boolean;
}

export interface ReferenceParse {
  accountIdentification: string | null;
  balances: Partial<Record<'final_opening_balance' | 'final_closing_balance' | 'intermediate_opening_balance' | 'intermediate_closing_balance' | 'available_balance' | 'forward_available_balance', ReferenceBalance>>;
  transactions: ReferenceTransaction[];
}

type Loose = Record<string, unknown>;

function text(value: unknown): string | null {
  if (value === undefined || value === null || value === 'null') return null;
  if (typeof value === 'string') return value;
  return String(value);
}

/** Python's Decimal as a string → cents, exactly ("-620.3" → -62030). */
function decimalToCents(value: unknown): number {
  const raw = Array.isArray(value) ? text(value[0]) : text(value);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(raw ?? '');
  if (!m) throw new Error(`not a Decimal: ${String(raw)}`);
  const cents = Number(m[2]) * 100 + Number(((m[3] ?? '') + '00').slice(0, 2));
  return m[1] === '-' && cents !== 0 ? -cents : cents;
}

/** mt940.models.Date is pickled as [year high byte, year low byte, month, day]. */
function pickledDate(value: unknown): string | null {
  const bytes = Array.isArray(value) ? value[0] : value;
  if (bytes === undefined || bytes === null || bytes === 'null') return null;
  const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(Object.values(bytes as Record<string, number>));
  const year = (b[0]! << 8) | b[1]!;
  return `${String(year).padStart(4, '0')}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}`;
}

function balance(value: unknown): ReferenceBalance | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Loose;
  const amount = v.amount as Loose;
  return { amountCents: decimalToCents(amount.amount), currency: text(amount.currency), date: pickledDate(v.date)! };
}

export function readReferenceParse(yamlText: string): ReferenceParse {
  const root = YAML.parse(yamlText, { schema: 'failsafe', logLevel: 'silent', maxAliasCount: -1 } as YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions & YAML.ToJSOptions) as Loose;
  const data = (root.data ?? {}) as Loose;
  const balances: ReferenceParse['balances'] = {};
  for (const key of ['final_opening_balance', 'final_closing_balance', 'intermediate_opening_balance', 'intermediate_closing_balance', 'available_balance', 'forward_available_balance'] as const) {
    const b = balance(data[key]);
    if (b) balances[key] = b;
  }
  const transactions = ((root.transactions ?? []) as Loose[]).map((t): ReferenceTransaction => {
    const d = t.data as Loose;
    const amount = d.amount as Loose;
    return {
      amountCents: decimalToCents(amount.amount),
      currency: text(amount.currency),
      date: pickledDate(d.date)!,
      entryDate: pickledDate(d.entry_date),
      status: text(d.status)!,
      fundsCode: text(d.funds_code),
      id: text(d.id),
      customerReference: text(d.customer_reference),
      bankReference: text(d.bank_reference),
      extraDetails: text(d.extra_details),
      transactionDetails: text(d.transaction_details),
      purpose: text(d.purpose),
      applicantName: text(d.applicant_name),
      applicantIban: text(d.applicant_iban),
      applicantBin: text(d.applicant_bin),
      endToEndReference: text(d.end_to_end_reference),
      mandateReference: text(d.additional_position_reference),
      creditorId: text(d.applicant_creditor_id),
      postingText: text(d.posting_text),
      decoded: 'posting_text' in d || 'transaction_code' in d,
    };
  });
  return { accountIdentification: text(data.account_identification), balances, transactions };
}
