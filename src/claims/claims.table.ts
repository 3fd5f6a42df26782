import type { ColumnType, Selectable } from 'kysely';
import type { InterestBasis } from './claim-totals.js';

type Timestamp = ColumnType<Date, Date | string | undefined, never>;
/** bigint: both drivers read it back as a number (see platform/database/connection.ts). */
type BigintCents = ColumnType<number, number, number>;

export interface ClaimTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  /** The creditor's invoice id; unique per tenant. */
  external_ref: string;
  principal_cents: BigintCents;
  currency: 'EUR';
  due_date: string;
  costs_charged_cents: BigintCents;
  vat_on_costs: boolean;
  interest_basis: InterestBasis;
  contractual_rate_basis_points: number | null;
  fourteen_day_letter_sent_on: string | null;
  fourteen_day_letter_received_on: string | null;
  content_hash: string;
  created_at: Timestamp;
}

export interface ClaimTables {
  claims: ClaimTable;
}

export type ClaimRow = Selectable<ClaimTable>;
