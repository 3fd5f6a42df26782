import type { ColumnType, Selectable } from 'kysely';
import type { DebtorSegments } from './debtor-segments.js';

/** What the creditor tells about the household, used for the protected-income norm. */
export interface HouseholdInfo {
  composition?: 'single' | 'couple' | 'single_parent' | 'couple_with_children';
  children?: number;
  pensionAge?: boolean;
}

export interface DebtorTable {
  tenant_id: string;
  id: string;
  /** The creditor's own reference for the debtor (customer number). */
  external_ref: string;
  display_name: string | null;
  household: ColumnType<HouseholdInfo | null, string | null, string | null>;
  /** Groups a model report compares (see debtor-segments.ts); null when the creditor told none. */
  segments: ColumnType<DebtorSegments | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface DebtorTables {
  debtors: DebtorTable;
}

export type DebtorRow = Selectable<DebtorTable>;
