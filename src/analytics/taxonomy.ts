/**
 * The transaction taxonomy: every categorised transaction gets exactly one of these ids.
 *
 * Glossary
 * - income.*: money that a household can live on or that raises what it can pay.
 * - expense.*: money going out; `essential` marks what the affordability report protects first.
 * - transfer.own_account: money moving between the debtor's own accounts; neither income nor cost,
 *   counting it would double both sides of the budget.
 * - reversal.returned_debit: a direct debit that came back (R-transaction); it cancels an earlier
 *   debit, so it is not income, and it is a payment-problem signal by its reason code.
 * - transfer.loan_payout: money a lender (payday or consumer credit) pays out; it raises the balance
 *   but is borrowed, so counting it as income would make a household in trouble look richer.
 *
 * - expense.tax, expense.allowance_repayment, expense.fine, expense.student_loan: money owed to the
 *   state (income or vehicle tax, allowances paid back to Dienst Toeslagen, CJIB fines, DUO student
 *   loans). Priority creditors and early signals of trouble, so each has its own id rather than
 *   "other" (see PRIORITY_CREDITOR_CATEGORIES).
 * - income.allowance covers every toeslag; which one it is (zorgtoeslag, huurtoeslag, kindgebonden
 *   budget, kinderopvangtoeslag) is its `kind` (allowance-kind.ts): the household inference reads it.
 *
 * Ids are stable: rules, the simulator's ground truth, stored categorisations and reports all use them.
 */
export const CATEGORIES = {
  'income.salary': { direction: 'in', group: 'stable_income', label: { en: 'Salary', nl: 'Salaris' } },
  'income.benefit_uwv': { direction: 'in', group: 'stable_income', label: { en: 'UWV benefit (WW, WIA, Wajong)', nl: 'Uitkering UWV' } },
  'income.benefit_svb': { direction: 'in', group: 'stable_income', label: { en: 'SVB benefit (AOW)', nl: 'Uitkering SVB (AOW)' } },
  'income.benefit_municipal': { direction: 'in', group: 'stable_income', label: { en: 'Municipal benefit (bijstand)', nl: 'Bijstandsuitkering' } },
  'income.allowance': { direction: 'in', group: 'stable_income', label: { en: 'Allowance (toeslag)', nl: 'Toeslag' } },
  'income.pension': { direction: 'in', group: 'stable_income', label: { en: 'Pension', nl: 'Pensioen' } },
  'income.child_benefit': { direction: 'in', group: 'stable_income', label: { en: 'Child benefit', nl: 'Kinderbijslag' } },
  'income.refund': { direction: 'in', group: 'irregular_income', label: { en: 'Refund', nl: 'Terugbetaling' } },
  'income.other': { direction: 'in', group: 'irregular_income', label: { en: 'Other income', nl: 'Overige inkomsten' } },
  'transfer.own_account': { direction: 'both', group: 'neutral', label: { en: 'Transfer between own accounts', nl: 'Overboeking eigen rekening' } },
  'transfer.loan_payout': { direction: 'in', group: 'neutral', label: { en: 'Loan paid out', nl: 'Uitbetaalde lening' } },
  'reversal.returned_debit': { direction: 'in', group: 'neutral', label: { en: 'Returned direct debit', nl: 'Gestorneerde incasso' } },
  'expense.housing': { direction: 'out', group: 'fixed_essential', label: { en: 'Rent or mortgage', nl: 'Huur of hypotheek' } },
  'expense.energy': { direction: 'out', group: 'fixed_essential', label: { en: 'Energy', nl: 'Energie' } },
  'expense.water': { direction: 'out', group: 'fixed_essential', label: { en: 'Water', nl: 'Water' } },
  'expense.health_insurance': { direction: 'out', group: 'fixed_essential', label: { en: 'Health insurance', nl: 'Zorgverzekering' } },
  'expense.insurance_other': { direction: 'out', group: 'fixed_essential', label: { en: 'Other insurance', nl: 'Overige verzekeringen' } },
  'expense.telecom': { direction: 'out', group: 'fixed_essential', label: { en: 'Telecom and internet', nl: 'Telefoon en internet' } },
  'expense.childcare': { direction: 'out', group: 'fixed_essential', label: { en: 'Childcare', nl: 'Kinderopvang' } },
  'expense.local_taxes': { direction: 'out', group: 'fixed_essential', label: { en: 'Municipal and water-board taxes', nl: 'Gemeentelijke belastingen' } },
  'expense.healthcare': { direction: 'out', group: 'variable_essential', label: { en: 'Healthcare costs (deductible, dentist, pharmacy)', nl: 'Zorgkosten (eigen risico, tandarts, apotheek)' } },
  'expense.education': { direction: 'out', group: 'fixed_essential', label: { en: 'Education and study costs', nl: 'Onderwijs en studie' } },
  'expense.tax': { direction: 'out', group: 'fixed_essential', label: { en: 'Income or vehicle tax', nl: 'Inkomsten- of motorrijtuigenbelasting' } },
  'expense.allowance_repayment': { direction: 'out', group: 'debt_service', label: { en: 'Allowance repayment', nl: 'Terugvordering toeslagen' } },
  'expense.fine': { direction: 'out', group: 'debt_service', label: { en: 'Fine (CJIB)', nl: 'Boete (CJIB)' } },
  'expense.student_loan': { direction: 'out', group: 'debt_service', label: { en: 'Student loan (DUO)', nl: 'Studieschuld (DUO)' } },
  'expense.groceries': { direction: 'out', group: 'variable_essential', label: { en: 'Groceries', nl: 'Boodschappen' } },
  'expense.transport': { direction: 'out', group: 'variable_essential', label: { en: 'Transport', nl: 'Vervoer' } },
  'expense.subscriptions': { direction: 'out', group: 'discretionary', label: { en: 'Subscriptions', nl: 'Abonnementen' } },
  'expense.debt_repayment': { direction: 'out', group: 'debt_service', label: { en: 'Debt repayment', nl: 'Aflossing schuld' } },
  'expense.collection': { direction: 'out', group: 'debt_service', label: { en: 'Collection agency or bailiff', nl: 'Incassobureau of deurwaarder' } },
  'expense.bnpl': { direction: 'out', group: 'debt_service', label: { en: 'Buy now, pay later', nl: 'Achteraf betalen' } },
  'expense.credit': { direction: 'out', group: 'debt_service', label: { en: 'Payday or consumer credit', nl: 'Flitskrediet of consumptief krediet' } },
  'expense.gambling': { direction: 'out', group: 'discretionary', label: { en: 'Gambling', nl: 'Gokken' } },
  'expense.cash': { direction: 'out', group: 'variable_essential', label: { en: 'Cash withdrawal', nl: 'Geldopname' } },
  'expense.savings': { direction: 'out', group: 'neutral', label: { en: 'Savings or investment', nl: 'Sparen of beleggen' } },
  'expense.bank_fees': { direction: 'out', group: 'fixed_essential', label: { en: 'Bank fees', nl: 'Bankkosten' } },
  'expense.shopping': { direction: 'out', group: 'discretionary', label: { en: 'Shopping and leisure', nl: 'Winkelen en vrije tijd' } },
  'expense.other': { direction: 'out', group: 'discretionary', label: { en: 'Other expenses', nl: 'Overige uitgaven' } },
  uncategorised: { direction: 'both', group: 'unknown', label: { en: 'Uncategorised', nl: 'Niet ingedeeld' } },
} as const satisfies Record<string, { direction: 'in' | 'out' | 'both'; group: string; label: { en: string; nl: string } }>;

export type CategoryId = keyof typeof CATEGORIES;
export type CategoryGroup = (typeof CATEGORIES)[CategoryId]['group'];
export const CATEGORY_IDS = Object.keys(CATEGORIES) as CategoryId[];

/** Creditors the state or a utility is: paid first, and arrears with them are an early signal. */
export const PRIORITY_CREDITOR_CATEGORIES: readonly CategoryId[] = [
  'expense.housing', 'expense.energy', 'expense.water', 'expense.health_insurance', 'expense.local_taxes',
  'expense.tax', 'expense.allowance_repayment', 'expense.fine', 'expense.student_loan',
];

export function isCategoryId(value: string): value is CategoryId {
  return Object.prototype.hasOwnProperty.call(CATEGORIES, value);
}
