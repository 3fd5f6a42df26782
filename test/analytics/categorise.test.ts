import { describe, expect, it } from 'vitest';
import { categorise, compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { parseRuleSet, parseRules, RuleSetError, type CategorisationRule } from '../../src/analytics/categorisation/rule-set.schema.js';
import { normaliseCounterpartyName, samePersonName } from '../../src/analytics/counterparty-name.js';
import type { CategoryId } from '../../src/analytics/taxonomy.js';
import { DEBTOR_IBAN, tx } from './transaction-builder.js';

const rules = DEFAULT_RULE_SET;
const one = (fields: Parameters<typeof tx>[0], options: { ownIbans?: string[]; accountHolderNames?: string[] } = {}) =>
  categorise([tx(fields)], { rules, ownIbans: options.ownIbans ?? [DEBTOR_IBAN], accountHolderNames: options.accountHolderNames })[0]!;

describe('counterparty names', () => {
  it.each([
    ['ALBERT HEIJN 1234 AMSTERDAM', 'albert heijn'],
    ['Albert Heijn 5678 UTRECHT', 'albert heijn'],
    ['CCV*Bakkerij de Zon', 'bakkerij de zon'],
    ['Philips Nederland B.V.', 'philips nederland'],
    ['Café \u2019t Hoekje', 'cafe t hoekje'],
    ['2 Brothers Kebab', '2 brothers kebab'],
  ])('normalises %s to %s', (raw, key) => {
    expect(normaliseCounterpartyName(raw)).toBe(key);
  });

  it.each([
    ['JANSSEN G J L M', 'Gert Janssen', true],
    ['G J L M Janssen', 'M JANSSEN', true],
    ['Gert Janssen', 'P Janssen', false],
    ['Z Z Z Z XXXXXXXXX', 'M XXXXXXXXX ET MME YYYYYYYYY', true],
    ['G J L M Paulissen', 'hr gjlm paulissen', true],
    ['J de Vries', 'Albert Heijn', false],
  ])('"%s" and "%s" name the same person: %s', (a, b, same) => {
    expect(samePersonName(a, b)).toBe(same);
  });
});

describe('categorise: Dutch household reality', () => {
  const cases: [string, Parameters<typeof tx>[0], CategoryId][] = [
    ['zorgtoeslag', { bookingDate: '2025-01-20', amountCents: 12_300, counterpartyName: 'Belastingdienst', remittanceUnstructured: 'VOORSCHOT ZORGTOESLAG 2025' }, 'income.allowance'],
    ['huurtoeslag by Toeslagen', { bookingDate: '2025-01-20', amountCents: 41_000, counterpartyName: 'Belastingdienst Toeslagen', remittanceUnstructured: '1234.56.789 HUURTOESLAG' }, 'income.allowance'],
    ['kindgebonden budget', { bookingDate: '2025-01-20', amountCents: 21_000, counterpartyName: 'Belastingdienst Toeslagen', remittanceUnstructured: 'KINDGEBONDEN BUDGET' }, 'income.allowance'],
    ['kinderopvangtoeslag', { bookingDate: '2025-01-20', amountCents: 80_000, counterpartyName: 'Belastingdienst', remittanceUnstructured: 'KINDEROPVANGTOESLAG 2025' }, 'income.allowance'],
    ['tax refund', { bookingDate: '2025-05-01', amountCents: 35_000, counterpartyName: 'Belastingdienst', remittanceUnstructured: 'TERUGGAAF IB 2024' }, 'income.refund'],
    ['UWV WW', { bookingDate: '2025-01-23', amountCents: 150_000, counterpartyName: 'UWV', remittanceUnstructured: 'WW uitkering januari' }, 'income.benefit_uwv'],
    ['SVB AOW', { bookingDate: '2025-01-22', amountCents: 140_000, counterpartyName: 'Sociale Verzekeringsbank', remittanceUnstructured: 'AOW januari 2025' }, 'income.benefit_svb'],
    ['SVB kinderbijslag', { bookingDate: '2025-01-02', amountCents: 29_000, counterpartyName: 'SVB', remittanceUnstructured: 'Kinderbijslag 4e kwartaal' }, 'income.child_benefit'],
    ['bijstand', { bookingDate: '2025-01-28', amountCents: 120_000, counterpartyName: 'Gemeente Rotterdam', remittanceUnstructured: 'Uitkering Participatiewet jan' }, 'income.benefit_municipal'],
    ['salary from a municipality as employer', { bookingDate: '2025-01-24', amountCents: 320_000, counterpartyName: 'Gemeente Utrecht', remittanceUnstructured: 'Salaris januari 2025' }, 'income.salary'],
    ['salary from a supermarket as employer', { bookingDate: '2025-01-24', amountCents: 160_000, counterpartyName: 'Albert Heijn B.V.', remittanceUnstructured: 'Loon periode 1' }, 'income.salary'],
    ['payroll code', { bookingDate: '2025-01-24', amountCents: 250_000, counterpartyName: 'Acme', bankTransactionCode: 'PMNT-RCDT-SALA' }, 'income.salary'],
    ['pension ABP', { bookingDate: '2025-01-23', amountCents: 90_000, counterpartyName: 'Stichting Pensioenfonds ABP' }, 'income.pension'],
    ['pension PFZW', { bookingDate: '2025-01-24', amountCents: 40_000, counterpartyName: 'PFZW' }, 'income.pension'],
    ['housing corporation', { bookingDate: '2025-01-01', amountCents: -75_000, counterpartyName: 'Woonstad Rotterdam' }, 'expense.housing'],
    ['mortgage', { bookingDate: '2025-01-01', amountCents: -110_000, counterpartyName: 'Obvion N.V.' }, 'expense.housing'],
    ['energy', { bookingDate: '2025-01-05', amountCents: -15_000, counterpartyName: 'Vattenfall Klantenservice N.V.' }, 'expense.energy'],
    ['energy Budget Energie', { bookingDate: '2025-01-05', amountCents: -12_000, counterpartyName: 'Budget Energie' }, 'expense.energy'],
    ['energy settlement refund', { bookingDate: '2025-03-05', amountCents: 23_000, counterpartyName: 'Eneco', remittanceUnstructured: 'Jaarafrekening' }, 'income.refund'],
    ['water', { bookingDate: '2025-01-05', amountCents: -2_100, counterpartyName: 'Brabant Water N.V.' }, 'expense.water'],
    ['health insurer CZ', { bookingDate: '2025-01-01', amountCents: -14_900, counterpartyName: 'CZ Groep Zorgverzekeraar' }, 'expense.health_insurance'],
    ['health insurer DSW', { bookingDate: '2025-01-26', amountCents: -13_900, counterpartyName: 'DSW Zorgverzekeraar' }, 'expense.health_insurance'],
    ['telecom Odido', { bookingDate: '2025-01-10', amountCents: -2_200, counterpartyName: 'Odido Netherlands B.V.' }, 'expense.telecom'],
    ['telecom VodafoneZiggo', { bookingDate: '2025-01-10', amountCents: -6_500, counterpartyName: 'VodafoneZiggo' }, 'expense.telecom'],
    ['supermarket by card', { bookingDate: '2025-01-10', amountCents: -2_345, counterpartyName: 'ALBERT HEIJN 1234 AMSTERDAM' }, 'expense.groceries'],
    ['supermarket AH short', { bookingDate: '2025-01-10', amountCents: -845, counterpartyName: 'AH 8541 UTRECHT' }, 'expense.groceries'],
    ['supermarket in the remittance (ABN AMRO card)', { bookingDate: '2025-01-10', amountCents: -1_245, remittanceUnstructured: 'BEA, Betaalpas Albert Heijn 1234,PAS123 NR:A1B2C3' }, 'expense.groceries'],
    ['Dekamarkt', { bookingDate: '2025-01-10', amountCents: -3_100, counterpartyName: 'DEKAMARKT 12 HEILOO' }, 'expense.groceries'],
    ['Plus is not Zorg Plus', { bookingDate: '2025-01-10', amountCents: -3_100, counterpartyName: 'Zorg Plus Thuiszorg' }, 'expense.other'],
    ['fuel', { bookingDate: '2025-01-10', amountCents: -6_000, counterpartyName: 'TINQ Amsterdam' }, 'expense.transport'],
    ['train', { bookingDate: '2025-01-10', amountCents: -620, counterpartyName: 'NS-Utrecht C. 117 UTRECHT' }, 'expense.transport'],
    ['BNPL Klarna', { bookingDate: '2025-01-10', amountCents: -4_999, counterpartyName: 'Klarna Bank AB' }, 'expense.bnpl'],
    ['BNPL Riverty', { bookingDate: '2025-01-10', amountCents: -2_500, counterpartyName: 'Riverty' }, 'expense.bnpl'],
    ['payday credit repayment', { bookingDate: '2025-01-10', amountCents: -15_000, counterpartyName: 'Ferratum Bank' }, 'expense.credit'],
    ['payday credit payout', { bookingDate: '2025-01-10', amountCents: 50_000, counterpartyName: 'Ferratum Bank' }, 'transfer.loan_payout'],
    ['consumer credit', { bookingDate: '2025-01-10', amountCents: -20_000, counterpartyName: 'Santander Consumer Finance' }, 'expense.credit'],
    ['gambling', { bookingDate: '2025-01-10', amountCents: -2_000, counterpartyName: 'Holland Casino Online' }, 'expense.gambling'],
    ['gambling Jacks', { bookingDate: '2025-01-10', amountCents: -2_000, counterpartyName: 'Jacks.nl' }, 'expense.gambling'],
    ['gambling payout', { bookingDate: '2025-01-10', amountCents: 5_000, counterpartyName: 'Unibet' }, 'income.other'],
    ['collector', { bookingDate: '2025-01-10', amountCents: -5_000, counterpartyName: 'Intrum Nederland B.V.', remittanceUnstructured: 'inzake Eneco dossier 123' }, 'expense.collection'],
    ['bailiff by word', { bookingDate: '2025-01-10', amountCents: -8_000, counterpartyName: 'Van der Berg', remittanceUnstructured: 'Gerechtsdeurwaarder dossier 88' }, 'expense.collection'],
    ['CJIB fine', { bookingDate: '2025-01-10', amountCents: -9_000, counterpartyName: 'CJIB' }, 'expense.fine'],
    ['initials are no tax abbreviation', { bookingDate: '2025-01-10', amountCents: -4_000, counterpartyName: 'IB Jansen', remittanceUnstructured: 'bedankt' }, 'expense.other'],
    ['a name starting like a benefit is no benefit (Ivan)', { bookingDate: '2025-01-10', amountCents: 4_000, counterpartyName: 'Ivan Petrov', remittanceUnstructured: 'voor jou' }, 'income.other'],
    ['ANWB money back is no SVB benefit', { bookingDate: '2025-01-10', amountCents: 4_000, counterpartyName: 'ANWB', remittanceUnstructured: 'restitutie' }, 'income.refund'],
    ['Fietsclub by its remittance, not its name', { bookingDate: '2025-01-10', amountCents: -2_500, counterpartyName: 'Fietsclub', remittanceUnstructured: 'contributie 2025' }, 'expense.subscriptions'],
    ['dentist invoice is healthcare', { bookingDate: '2025-01-10', amountCents: -9_000, counterpartyName: 'Tandartspraktijk Centrum', remittanceUnstructured: 'Factuur 2025-113' }, 'expense.healthcare'],
    ['deductible collected by the insurer is healthcare', { bookingDate: '2025-01-10', amountCents: -12_833, counterpartyName: 'Menzis', remittanceUnstructured: 'Eigen risico 2025 termijn polisnr 123' }, 'expense.healthcare'],
    ['allowance repaid to Toeslagen', { bookingDate: '2025-01-10', amountCents: -5_000, counterpartyName: 'Belastingdienst', remittanceUnstructured: 'Terugvordering zorgtoeslag 2023 betalingskenmerk 6012445512093381' }, 'expense.allowance_repayment'],
    ['income tax assessment', { bookingDate: '2025-01-10', amountCents: -30_000, counterpartyName: 'Belastingdienst', remittanceUnstructured: 'Aanslag inkomstenbelasting 2023' }, 'expense.tax'],
    ['student loan to DUO', { bookingDate: '2025-01-10', amountCents: -4_500, counterpartyName: 'DUO', remittanceUnstructured: 'Aflossing studieschuld' }, 'expense.student_loan'],
    ['a normal direct debit is not a collector', { bookingDate: '2025-01-10', amountCents: -5_000, counterpartyName: 'Fietsclub', remittanceUnstructured: 'SEPA Incasso algemeen doorlopend Incassant: NL12ZZZ' }, 'expense.other'],
    ['childcare', { bookingDate: '2025-01-10', amountCents: -90_000, counterpartyName: 'Partou Kinderopvang' }, 'expense.childcare'],
    ['municipal taxes', { bookingDate: '2025-03-01', amountCents: -4_500, counterpartyName: 'Gemeente Utrecht', remittanceUnstructured: 'Aanslag gemeentelijke belastingen' }, 'expense.local_taxes'],
    ['water board', { bookingDate: '2025-03-01', amountCents: -3_000, counterpartyName: 'Waterschap Aa en Maas' }, 'expense.local_taxes'],
    ['BSGW', { bookingDate: '2025-03-01', amountCents: -3_000, counterpartyName: 'BSGW' }, 'expense.local_taxes'],
    ['bank fee', { bookingDate: '2025-01-31', amountCents: -345, remittanceUnstructured: 'Kosten OranjePakket met korting 1 jan t/m 31 jan 2025 ING BANK N.V.' }, 'expense.bank_fees'],
    ['overdraft interest', { bookingDate: '2025-01-31', amountCents: -412, counterpartyName: 'ING Bank N.V.', remittanceUnstructured: 'Debetrente januari' }, 'expense.bank_fees'],
    ['cash by ISO code', { bookingDate: '2025-01-10', amountCents: -5_000, bankTransactionCode: 'PMNT-CCRD-CWDL' }, 'expense.cash'],
    ['cash by word', { bookingDate: '2025-01-10', amountCents: -5_000, counterpartyName: 'Geldmaat Utrecht Centraal', remittanceUnstructured: 'Geldopname' }, 'expense.cash'],
    ['cash by ING code', { bookingDate: '2025-01-10', amountCents: -5_000, proprietaryCode: 'GM' }, 'expense.cash'],
    ['savings account', { bookingDate: '2025-01-10', amountCents: -10_000, counterpartyName: 'J Jansen', remittanceUnstructured: 'Naar Oranje Spaarrekening V123' }, 'transfer.own_account'],
    ['returned debit by reason', { bookingDate: '2025-01-12', amountCents: 4_425, counterpartyName: 'Energie Noord B.V.', returnReasonCode: 'AM04' }, 'reversal.returned_debit'],
    ['returned debit by reversal flag', { bookingDate: '2025-01-12', amountCents: 4_425, reversal: true }, 'reversal.returned_debit'],
    ['returned debit by bank code', { bookingDate: '2025-01-12', amountCents: 4_425, bankTransactionCode: 'PMNT-RDDT-UPDD' }, 'reversal.returned_debit'],
    ['subscription', { bookingDate: '2025-01-12', amountCents: -1_399, counterpartyName: 'Netflix International B.V.' }, 'expense.subscriptions'],
    ['unknown money in', { bookingDate: '2025-01-12', amountCents: 2_000, counterpartyName: 'P de Wit' }, 'income.other'],
    ['unknown money out', { bookingDate: '2025-01-12', amountCents: -2_000, counterpartyName: 'P de Wit' }, 'expense.other'],
  ];
  it.each(cases)('%s', (_name, fields, expected) => {
    expect(one(fields).category).toBe(expected);
  });

  it('records the rule and its confidence; the fallback is the least sure', () => {
    const known = one({ bookingDate: '2025-01-10', amountCents: -2_345, counterpartyName: 'ALBERT HEIJN 1234 AMSTERDAM' });
    expect(known).toMatchObject({ ruleId: 'groceries.supermarket', confidence: 0.93 });
    const unknown = one({ bookingDate: '2025-01-10', amountCents: -2_345, counterpartyName: 'Zomaar Iets' });
    expect(unknown).toMatchObject({ ruleId: 'fallback.money-out', category: 'expense.other', confidence: 0.2 });
  });
});

describe('own-account transfers', () => {
  it('recognises the debtor’s own IBAN', () => {
    const result = one({ bookingDate: '2025-01-10', amountCents: -50_000, counterpartyIban: 'NL18RABO0123459876', counterpartyName: 'Spaar' }, { ownIbans: [DEBTOR_IBAN, 'NL18RABO0123459876'] });
    expect(result).toMatchObject({ category: 'transfer.own_account', ruleId: 'own-account.iban-or-name' });
  });

  it('recognises the account holder’s own name', () => {
    const result = one({ bookingDate: '2025-01-10', amountCents: 100_000, counterpartyName: 'JANSSEN G J L M' }, { accountHolderNames: ['Gert Janssen'] });
    expect(result.category).toBe('transfer.own_account');
  });

  it('learns the holder’s name from transfers the bank calls internal', () => {
    const result = categorise(
      [
        tx({ id: 'internal', bookingDate: '2020-01-05', amountCents: 100_000, counterpartyName: 'paulissen g j l m', remittanceUnstructured: 'INTERNE OVERBOEKING VIA MOBIEL' }),
        tx({ id: 'other', bookingDate: '2020-01-01', amountCents: -6_500, counterpartyName: 'hr gjlm paulissen', remittanceUnstructured: 'Betaling sieraden' }),
        tx({ id: 'stranger', bookingDate: '2020-01-01', amountCents: -6_500, counterpartyName: 'P de Wit', remittanceUnstructured: 'Betaling' }),
      ],
      { rules, ownIbans: [] },
    );
    expect(result.map((r) => [r.id, r.category])).toEqual([
      ['internal', 'transfer.own_account'],
      ['other', 'transfer.own_account'],
      ['stranger', 'expense.other'],
    ]);
  });
});

describe('tenant overrides and recurring employers', () => {
  it('lets a tenant rule win over every default rule', () => {
    const overrides: CategorisationRule[] = parseRules([
      { id: 'tenant.albert-heijn-is-shopping', category: 'expense.shopping', confidence: 0.5, priority: 1, when: { counterparty: ['albert heijn'] } },
    ]);
    const [result] = categorise([tx({ bookingDate: '2025-01-10', amountCents: -2_000, counterpartyName: 'Albert Heijn 12' })], { rules, ownIbans: [], tenantOverrides: overrides });
    expect(result).toMatchObject({ category: 'expense.shopping', ruleId: 'tenant.albert-heijn-is-shopping' });
  });

  it('takes steady monthly credits from one company for salary', () => {
    const employer = { counterpartyName: 'Bakkerij Van Dam B.V.', counterpartyIban: 'NL44RABO0123456789', remittanceUnstructured: 'periode 1' };
    const result = categorise(
      [
        tx({ bookingDate: '2025-01-24', amountCents: 210_000, ...employer }),
        tx({ bookingDate: '2025-02-25', amountCents: 212_500, ...employer }),
        tx({ bookingDate: '2025-03-25', amountCents: 210_000, ...employer }),
      ],
      { rules, ownIbans: [] },
    );
    expect(result.map((r) => r.category)).toEqual(['income.salary', 'income.salary', 'income.salary']);
    expect(result[0]!.ruleId).toBe('salary.recurring-employer');
  });
});

describe('rule validation', () => {
  it('accepts the default rule set', () => {
    expect(() => parseRuleSet(DEFAULT_RULE_SET)).not.toThrow();
    expect(() => compileRuleSet(DEFAULT_RULE_SET)).not.toThrow();
  });

  it.each([
    [{ id: 'x', category: 'expense.nonsense', confidence: 0.5, priority: 1, when: { counterparty: ['a b'] } }, /unknown category/],
    [{ id: 'x', category: 'expense.other', confidence: 0.5, priority: 1, when: { remittancePattern: '(' } }, /does not compile/],
    [{ id: 'x', category: 'expense.other', confidence: 0.5, priority: 1, when: {} }, /at least one condition/],
    [{ id: 'x', category: 'expense.other', confidence: 2, priority: 1, when: { counterparty: ['a'] } }, /confidence/],
  ])('rejects a bad tenant rule with its place', (rule, message) => {
    expect(() => parseRules([rule], 'tenant rules')).toThrow(RuleSetError);
    expect(() => parseRules([rule], 'tenant rules')).toThrow(message);
  });

  it('rejects a prefix phrase too short to index', () => {
    expect(() => compileRuleSet({ ...DEFAULT_RULE_SET, rules: [{ id: 'short', category: 'expense.other', confidence: 1, priority: 1, when: { text: ['ab*'] } }] })).toThrow(/at least 3 letters/);
  });
});
