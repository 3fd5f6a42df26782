import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, never>;
/** bigint: both drivers read it back as a number (see platform/database/connection.ts). */
type BigintCents = ColumnType<number, number, number>;
/** jsonb: written as a JSON string, read back parsed. */
type Json = ColumnType<unknown, string, string>;

export type OfferStatus = 'open' | 'accepted';
export type StoredPlanStatus = 'active' | 'replanned';

export interface RepaymentPlanOfferTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  /** The plan this offer would replace (a re-plan), or null for a first offer. */
  replaces_plan_id: string | null;
  as_of: string;
  expires_on: string;
  claim_ids: Json;
  /** The planOptions result, as offered: what the debtor saw is what can be accepted. */
  options: Json;
  policy_version: number;
  status: OfferStatus;
  accepted_option_id: string | null;
  plan_id: string | null;
  created_at: Timestamp;
}

export interface RepaymentPlanTable {
  tenant_id: string;
  id: string;
  /** The plan's number within the tenant: the first part of each instalment's RF reference. */
  plan_number: BigintCents;
  debtor_id: string;
  offer_id: string;
  option_id: string;
  kind: string;
  claim_ids: Json;
  total_cents: BigintCents;
  total_if_kept_cents: BigintCents;
  costs_cents: BigintCents;
  rewards: Json;
  /** The income schedule the due dates follow, for reminders on the next income day. */
  income: Json;
  accepted_by: 'creditor' | 'debtor';
  accepted_on: string;
  status: StoredPlanStatus;
  replanned_on: string | null;
  replaced_by_plan_id: string | null;
  replaces_plan_id: string | null;
  created_at: Timestamp;
}

export interface RepaymentPlanInstalmentTable {
  tenant_id: string;
  plan_id: string;
  number: number;
  debtor_id: string;
  due_date: string;
  income_date: string | null;
  amount_cents: BigintCents;
  amount_if_kept_cents: BigintCents;
  /** ISO 11649 RF reference, unique in the tenant. */
  reference: string;
}

export interface RepaymentPlanPaymentTable {
  tenant_id: string;
  plan_id: string;
  /** "bank:<transaction id>" or "dp:<event id>": one payment is matched once. */
  payment_id: string;
  debtor_id: string;
  source: 'bank_transaction' | 'data_point';
  paid_on: string;
  amount_cents: BigintCents;
  instalment_number: number;
  matched_by: 'reference' | 'amount_and_date';
  matched_at: Timestamp;
}

export interface RepaymentPlanTables {
  repayment_plan_offers: RepaymentPlanOfferTable;
  repayment_plans: RepaymentPlanTable;
  repayment_plan_instalments: RepaymentPlanInstalmentTable;
  repayment_plan_payments: RepaymentPlanPaymentTable;
}

export type PlanOfferRow = Selectable<RepaymentPlanOfferTable>;
export type PlanRow = Selectable<RepaymentPlanTable>;
export type InstalmentRow = Selectable<RepaymentPlanInstalmentTable>;
export type PlanPaymentRow = Selectable<RepaymentPlanPaymentTable>;
