/**
 * Which household the protected amount is computed for. The caller knows best (the creditor asked
 * the debtor); without that, the bank data gives clues: child benefit, a child-related allowance or
 * childcare payments mean children; a joint account holder name ("J Jansen en M de Vries") means a
 * partner; an AOW payment means pension age. The report says which it used and why.
 */
import { allowanceKindOf, CHILD_ALLOWANCE_KINDS } from '../analytics/allowance-kind.js';
import type { CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import { tokenise } from '../analytics/counterparty-name.js';
import type { HouseholdType } from './norms/norms.js';

export interface HouseholdGiven {
  composition: HouseholdType;
  pensionAge?: boolean;
}

export interface HouseholdEvidence {
  code: 'child_benefit' | 'child_allowance' | 'childcare' | 'joint_account' | 'aow';
  transactionIds: string[];
  text: { nl: string; en: string };
}

export interface HouseholdAssessment {
  composition: HouseholdType;
  pensionAge: boolean;
  source: { composition: 'caller' | 'inferred' | 'default'; pensionAge: 'caller' | 'inferred' | 'default' };
  evidence: HouseholdEvidence[];
}

/** Joint accounts are written "A en B", "A en/of B", "A e/o B", "A & B", French "M ET MME". */
const JOINT_NAME_WORDS = new Set(['en', 'eo', 'and', 'et']);

export function isJointAccountName(name: string): boolean {
  if (/&|\be\/o\b|\ben\/of\b/i.test(name)) return true;
  const words = tokenise(name);
  return words.slice(1, -1).some((w) => JOINT_NAME_WORDS.has(w));
}

export function determineHousehold(
  transactions: readonly CategorisedTransaction[],
  accountHolderNames: readonly string[],
  given?: HouseholdGiven,
): HouseholdAssessment {
  const evidence: HouseholdEvidence[] = [];
  const ids = (predicate: (t: CategorisedTransaction) => boolean) => transactions.filter(predicate).map((t) => t.id);

  const childBenefit = ids((t) => t.category === 'income.child_benefit');
  if (childBenefit.length > 0) evidence.push({ code: 'child_benefit', transactionIds: childBenefit, text: { nl: 'Er komt kinderbijslag binnen.', en: 'Child benefit is paid in.' } });
  // Kindgebonden budget and kinderopvangtoeslag are paid only for children; zorgtoeslag and huurtoeslag are not (allowance-kind.ts reads
  // the Belastingdienst's wording and abbreviations: KGB, KOT, ZT, HT).
  const childAllowance = ids((t) => {
    if (t.category !== 'income.allowance' || t.amountCents <= 0) return false;
    const kind = allowanceKindOf(t.remittanceUnstructured, t.remittanceStructured);
    return kind != null && CHILD_ALLOWANCE_KINDS.has(kind);
  });
  if (childAllowance.length > 0) evidence.push({ code: 'child_allowance', transactionIds: childAllowance, text: { nl: 'Er komt kindgebonden budget of kinderopvangtoeslag binnen.', en: 'A child-related allowance is paid in.' } });
  const childcare = ids((t) => t.category === 'expense.childcare');
  if (childcare.length > 0) evidence.push({ code: 'childcare', transactionIds: childcare, text: { nl: 'Er wordt betaald voor kinderopvang.', en: 'Childcare is paid for.' } });
  const jointName = accountHolderNames.find(isJointAccountName);
  if (jointName) evidence.push({ code: 'joint_account', transactionIds: [], text: { nl: `De rekening staat op twee namen (${jointName}).`, en: `The account is held jointly (${jointName}).` } });
  const aow = ids((t) => t.category === 'income.benefit_svb' && t.amountCents > 0);
  if (aow.length > 0) evidence.push({ code: 'aow', transactionIds: aow, text: { nl: 'Er komt AOW binnen.', en: 'AOW (state pension) is paid in.' } });

  const children = evidence.some((e) => e.code !== 'joint_account' && e.code !== 'aow');
  const partner = jointName != null;
  const inferred: HouseholdType = partner ? (children ? 'couple_with_children' : 'couple') : children ? 'single_parent' : 'single';
  return {
    composition: given?.composition ?? inferred,
    pensionAge: given?.pensionAge ?? aow.length > 0,
    source: {
      composition: given?.composition ? 'caller' : children || partner ? 'inferred' : 'default',
      pensionAge: given?.pensionAge != null ? 'caller' : aow.length > 0 ? 'inferred' : 'default',
    },
    evidence,
  };
}
