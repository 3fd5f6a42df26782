import type { ColumnType, Selectable } from 'kysely';

export const MATCH_KINDS = ['counterparty_iban', 'counterparty_name'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];
export const RULE_DIRECTIONS = ['in', 'out', 'any'] as const;
export type RuleDirection = (typeof RULE_DIRECTIONS)[number];
export const APPLIES_TO = ['counterparty', 'transaction'] as const;
export type AppliesTo = (typeof APPLIES_TO)[number];

export interface LearnedRuleTable {
  tenant_id: string;
  id: string;
  match_kind: MatchKind;
  /** A normalised IBAN, or the normalised counterparty name. */
  match_value: string;
  /** The sign of the corrected amount: a correction of money out says nothing about money in. */
  direction: RuleDirection;
  category: string;
  correction_id: string | null;
  actor: string;
  /** When the rule was learned or last replaced by a newer correction. */
  learned_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CategoryCorrectionTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  /** bank_transactions.id (bigint). */
  transaction_id: ColumnType<string, string | number, string | number>;
  category: string;
  previous_category: string;
  previous_rule_id: string;
  applies_to: AppliesTo;
  rule_id: string | null;
  actor: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CorrectionTables {
  learned_categorisation_rules: LearnedRuleTable;
  category_corrections: CategoryCorrectionTable;
}

export type LearnedRuleRow = Selectable<LearnedRuleTable>;
export type CategoryCorrectionRow = Selectable<CategoryCorrectionTable>;
