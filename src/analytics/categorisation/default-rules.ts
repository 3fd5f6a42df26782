/**
 * The default categorisation rules for Dutch household bank data: data, not code.
 *
 * Read top to bottom by priority band:
 *   1000–950  structural facts: a return reason code, a reversal flag, the debtor's own account
 *    900–700  institutions whose name settles the question (Belastingdienst Toeslagen, UWV, SVB, a gemeente)
 *    700–550  named companies: collectors, lenders, BNPL, gambling, utilities, insurers, shops
 *    450–300  words in the remittance ("salaris", "huur", "aflossing") and bank codes
 *    200–100  weak words ("abonnement", "verzekering")
 * and below all of them the fallback by the sign of the amount.
 *
 * A rule with a remittancePattern also names a word the pattern needs (remittance phrase): the
 * engine finds rules through their words, so a pattern-only rule would be tried on every transaction.
 *
 * Names are the trading names as they appear in Dutch statements (ING, Rabobank, ABN AMRO, ASN,
 * Knab, bunq exports, and PSD2 creditorName/debtorName). Short or ambiguous names are anchored
 * with "^" so that "Plus" the supermarket does not match "Zorg Plus". Names that tokenise like a
 * person's initials ("C&A" and "C.A. de Vries" are both "c a"; likewise H&M, a.s.r.) are only
 * matched in longer forms, or a household's own transfers would read as shopping. When a company is both a
 * cost and a refunder (an energy supplier pays back at the yearly settlement), the money-in side
 * has its own rule.
 */
import type { RuleSet } from './rule-set.schema.js';

const SUPERMARKETS = [
  '^albert heijn', '^ah', 'ah to go', '^jumbo', '^lidl', '^aldi', '^plus', '^dirk', 'dirk van den broek', 'dekamarkt', 'deka markt',
  '^vomar', 'hoogvliet', '^coop', '^spar', 'poiesz', '^boni', 'jan linders', 'nettorama', '^picnic', '^crisp', 'ekoplaza', '^marqt',
  '^deen', '^emte', 'boons markt', '^digros', '^mcd', '^agrimarkt', '^flink', 'supermarkt*', 'bakkerij*', 'slagerij*', 'groenteboer', '^toko',
];
const TRANSPORT = [
  '^ns', 'ns groep', 'ns reizigers', 'ns international', '^gvb', '^ret', '^htm', 'connexxion', '^arriva', '^qbuzz', '^keolis', '^ebs',
  'ov chipkaart', 'ovpay', 'translink', 'ov fiets', 'swapfiets', '^shell', '^bp', '^esso', '^tango', '^tinq', '^texaco', '^total',
  'totalenergies', '^gulf', '^argos', '^avia', '^tamoil', 'firezone', '^q8', 'q park', 'yellowbrick', 'parkmobile', 'easypark',
  'sms parking', 'tankstation*', 'parkeergarage*', '^greenwheels', '^mywheels', '^felyx', '^check', '^go sharing',
  'fietsenmaker*', 'fietsenwinkel*', 'rijwielhandel*', 'autobedrijf*', 'autogarage*', 'garagebedrijf*', 'autoservice*', 'bandenservice*',
];
const ENERGY = [
  'vattenfall', '^nuon', '^eneco', '^essent', 'greenchoice', 'budget energie', 'energiedirect', 'vandebron', '^oxxio', '^engie',
  'pure energie', 'frank energie', '^tibber', 'coolblue energie', '^nle', 'nederlandse energie maatschappij', 'delta energie', 'zonneplan',
  'energie vanons', 'mega energie', 'innova energie', 'united consumers', '^qurrent', 'energyzero', 'easyenergy', 'powerpeers',
  'gaslicht com', 'hollandsche energie maatschappij', '^stedin', '^liander', '^enexis', 'ennatuurlijk', 'stadsverwarming', 'warmtebedrijf*',
];
const WATER = [
  '^vitens', '^evides', '^waternet', '^pwn', 'brabant water', '^dunea', '^oasen', '^wmd', '^wml', 'waterbedrijf groningen',
  'waterleiding maatschappij limburg', 'waterleidingmaatschappij*', 'drinkwater*',
];
/** Insurers that sell both health and other insurance (FBTO, Interpolis, Univé, OHRA) are read by the remittance: see health.multi-line-insurer. */
const HEALTH_INSURERS = [
  'zilveren kruis', '^cz', 'cz groep', '^vgz', 'menzis', '^onvz', '^dsw', 'zekur', '^iza', '^izz', 'umc zorgverzekering',
  'anderzorg', 'ditzo', 'de friesland zorgverzekeraar', 'zorgverzekeraar*', 'stad holland', 'zorgdirect', 'pro life zorgverzekering',
  'ohra zorg*', 'hollandzorg', 'asr ziektekosten', 'a s r ziektekosten', 'bewuzt', '^eno', 'caresq', 'zorg en zekerheid', '^cak', 'interpolis zorg*',
  'unive zorg*', 'nn zorg*', 'fbto zorg*', 'salland zorgverzekeringen',
];
const MULTI_LINE_INSURERS = ['^fbto', '^interpolis', '^unive', '^ohra', '^centraal beheer', '^nationale nederlanden', '^asr', 'a s r verzekeringen', '^ditzo', '^anwb'];
const BANKS = ['^ing', 'ing bank', '^rabobank', '^abn amro', '^sns', '^asn bank', '^asn', '^regiobank', '^bunq', '^knab', '^triodos', '^volksbank', '^revolut', '^n26'];
const OTHER_INSURERS = [
  'centraal beheer', 'nationale nederlanden', '^nn schadeverzekering*', '^allianz', '^asr', 'a s r verzekeringen', 'a s r schadeverzekering*', '^aegon', '^reaal', 'inshared',
  'unigarant', 'anwb', '^dela', '^monuta', '^yarden', 'klaverblad', 'allsecur', 'promovendum', 'turien', '^interpolis', '^unive',
  '^ohra', '^fbto', '^achmea', 'nh1816', 'de goudse', 'loyalis', 'abn amro schadeverzekering*', 'ing verzekeren', 'verzekeraar*', 'verzekeringen',
];
const TELECOM = [
  '^kpn', '^odido', 't mobile', '^ziggo', 'vodafoneziggo', '^vodafone', '^tele2', '^simyo', '^lebara', 'lycamobile', 'ben nederland',
  'hollandsnieuwe', '^youfone', 'budget mobiel', 'simpel nl', 'delta fiber', '^caiway', '^telfort', '^xs4all', 'kabelnoord',
  'freedom internet', '50plusmobiel', 'robin mobile', 'canal digitaal', '^trined',
];
const HOUSING_PROVIDERS = [
  'ymere', 'eigen haard', 'stadgenoot', 'rochdale', 'de alliantie', '^vestia', 'havensteder', 'woonstad rotterdam', '^portaal', '^mitros',
  'bo ex', 'woonbron', 'staedion', 'haag wonen', 'vidomes', 'woonzorg nederland', '^parteon', '^lefier', '^elkien', '^talis',
  'wonen limburg', '^trudo', 'woonpunt', '^accolade', '^domesta', 'de key', 'com wonen', '^vivare', 'woonwaard', 'de woonplaats',
  '^tiwos', 'woonveste', '^wonion', 'area wonen', 'woonstede', '^lyaemer', 'patrimonium', 'woonlinie', '^vesteda', '^mvgm',
  'woonbedrijf*', 'woonstichting*', 'woningstichting*', 'wooncorporatie*', 'woningcorporatie*', 'woningbouwvereniging*',
  'woningbedrijf*', 'woonservice*', 'vastgoed*', 'vastgoedbeheer*', '^heimstaden', '^rebo', '^altera', 'verhuur*', '^obvion', '^florius', 'munt hypotheken', 'woonfonds', 'hypotrust', 'venn hypotheken',
  'tulp hypotheken', 'lot hypotheken', 'hypotheken*', 'hypotheek*',
];
const LOCAL_TAX_OFFICES = [
  'gemeentebelasting*', 'belastingen amsterdam', 'waterschap*', 'hoogheemraadschap*', '^bsgw', '^gblt', 'belastingsamenwerking*',
  '^svhw', '^bghu', 'cocensus', 'gbtwente', 'noordelijk belastingkantoor', 'hefpunt', '^wbl', 'belastingkantoor*', '^rbg',
  'regionale belastinggroep', 'west brabantse belastingsamenwerking', 'munitax', 'gemeentelijke belastingen',
];
const CHILDCARE = [
  'kinderopvang*', 'kinderdagverblijf*', '^bso', 'buitenschoolse opvang', 'gastouder*', '^partou', 'kinderrijk', 'smallsteps',
  'kids first', '^kanteel', 'humankind', 'spring kinderopvang', 'peuterspeelzaal*', 'kindercentr*', 'kindcentrum*',
];
const BNPL = ['^klarna', '^riverty', '^afterpay', '^in3', '^billink', '^spraypay', '^tinka', 'achteraf betalen'];
const CREDIT_PROVIDERS = [
  '^ferratum', 'santander consumer*', '^santander', '^freo', '^dnb', '^defam', 'lender spender', 'lender en spender', '^findio',
  'alpha credit', 'bnp paribas personal finance', '^cetelem', '^interbank', 'flitskrediet*', 'minilening*', '^vivus', '^lendex',
  'consumptief krediet', 'persoonlijke lening', 'doorlopend krediet', 'hollandsche disconto*', 'ing consumptief krediet', 'saldo bank',
];
const CREDIT_CARDS = ['international card services', '^ics', 'icscards', 'american express', '^amex', 'creditcard*'];
const COLLECTORS = [
  '^intrum', 'flanderijn', '^ggn', 'lindorff', 'cannock*', 'vesting finance',
  'deurwaarder*', 'gerechtsdeurwaarder*', 'incassobureau*', 'incasso bureau', 'incassokosten', '^hoist', '^ultimoo', '^straetus',
  '^coeo', '^eos', '^lowell', 'pra group', '^syncasso', '^lavg', 'van arkel', 'agin pike', 'iqcollect', 'invorderingskosten', 'aanmaningskosten',
  'dwangbevel*', 'beslaglegging', 'derdenbeslag',
];
const GAMBLING = [
  'holland casino', '^toto', 'nederlandse loterij', 'staatsloterij', '^lotto', 'eurojackpot', '^unibet', '^bet365', '^jacks', 'jack s casino',
  'jacks nl', '^tonybet', '^betcity', '^kansino', '^leovegas', '^888', 'circus nl', '^betmgm', '^bingoal', '^starcasino', 'fair play casino',
  '^comeon', '^vbet', '^711', '^hommerson', 'pokerstars', '^betnation', '^zebet', 'ggpoker', 'napoleon sports', 'casino*', 'postcode loterij',
  'vriendenloterij', 'bankgiro loterij', '^lottery',
];
const SUBSCRIPTIONS = [
  '^netflix', '^spotify', '^videoland', 'disney plus', 'disneyplus', 'hbo max', '^viaplay', '^nlziet', 'amazon prime', 'prime video',
  'apple com bill', '^itunes', 'google play', 'youtube premium', 'basic fit', '^sportcity', 'fit for free', 'anytime fitness',
  '^trainmore', 'volkskrant', '^nrc', 'telegraaf', '^trouw', 'het parool', 'dpg media', 'mediahuis', '^storytel', '^audible', 'npo start', 'npo plus', '^npo',
  '^dropbox', '^icloud', '^openai', '^patreon', 'sportschool*', '^adobe', '^microsoft',
];
const SHOPS = [
  'bol com', '^bol', 'coolblue', 'zalando', '^amazon', '^action', '^hema', 'kruidvat', '^etos', 'primark', '^ikea', 'mediamarkt',
  'media markt', 'mms online', 'wehkamp', 'blokker', '^praxis', '^gamma', '^karwei', 'hornbach', 'intratuin', 'hennes mauritz', 'h m hennes', 'c a mode', 'c a nederland', '^zeeman',
  '^wibra', 'bijenkorf', 'mcdonald*', 'mc donalds', 'burger king', '^kfc', 'starbucks', 'thuisbezorgd', 'uber eats', 'deliveroo',
  'dominos', 'new york pizza', '^febo', '^pathe', '^kinepolis', '^decathlon', '^intersport', 'hans anders', 'pets place', '^jysk',
  'leen bakker', '^xenos', 'flying tiger', '^trekpleister', '^douglas', 'ici paris', 'aliexpress', '^temu', '^shein', '^vinted',
  'marktplaats', '^steam', 'playstation', '^nintendo', '^mycom', '^dirck*', '^gall gall', '^mitra', 'tomte tummetot', '^prenatal',
  '^the sting', '^we fashion', '^jd sports', '^footlocker', 'restaurant*', 'snackbar*', 'cafetaria*', 'eetcafe*', '^cafe', 'hotel*',
  'winkel*', '^coffee company', 'koffie*', 'lunchroom*', 'boekhandel*', 'drogisterij*',
  'booking com', '^landal*', 'center parcs', '^corendon', '^tui', '^sunweb', '^transavia', '^ryanair', '^easyjet', '^vakantieparken', 'camping*', 'reisbureau*',
];

export const DEFAULT_RULE_SET: RuleSet = {
  version: '2026.2',
  validFrom: '2025-01-01',
  source: [
    'ISO 20022 ExternalReturnReason1Code and bank transaction codes (PMNT-CCRD-CWDL cash withdrawal; PMNT-RDDT-UPDD/RRTN/PRDD returned debits; PMNT-RCDT-SALA payroll).',
    'Belastingdienst, "Hoe krijg ik mijn toeslag uitbetaald?": allowances come from Belastingdienst Toeslagen, the remittance names the allowance.',
    'Dutch bank export conventions: ING CSV code GM (geldautomaat) and PK (opname kantoor); Rabobank CSV codes ga/gb (geldautomaat), sb (salaris), tb (eigen rekening).',
    'Trading names of Dutch supermarkets, utilities, water companies, health insurers (Zorgverzekeraars Nederland members), telecom providers, housing corporations (Aedes members), pension funds, BNPL and credit providers (AFM register), collectors and bailiffs, and licensed gambling operators (Kansspelautoriteit register), as written in statements.',
  ],
  fallback: {
    in: { category: 'income.other', confidence: 0.2, ruleId: 'fallback.money-in' },
    out: { category: 'expense.other', confidence: 0.2, ruleId: 'fallback.money-out' },
    zero: { category: 'uncategorised', confidence: 0, ruleId: 'fallback.zero-amount' },
  },
  // The learned fallback (text-classifier.ts, model.json) speaks only where no rule did, and only when
  // it is at least this sure; below it the fallback by sign stays (see test/analytics/plain-language-accuracy.test.ts).
  learnedFallback: { ruleId: 'model', minConfidence: 0.6, minKnownShare: 0.7 },
  recurringIncome: {
    ruleId: 'salary.recurring-employer',
    category: 'income.salary',
    confidence: 0.6,
    minOccurrences: 2,
    maxAmountVariation: 0.25,
    minIntervalDays: 6,
    maxIntervalDays: 35,
    appliesToRuleIds: ['fallback.money-in', 'groceries.refund', 'shopping.refund', 'utility.refund'],
    requireCompanyName: true,
  },
  rules: [
    // Returns and reversals: a returned direct debit cancels an earlier debit; it is neither income nor a refund.
    { id: 'return.reason-code', category: 'reversal.returned_debit', confidence: 0.99, priority: 1000, when: { returnReasonCode: true } },
    { id: 'return.reversal-flag', category: 'reversal.returned_debit', confidence: 0.95, priority: 990, when: { reversal: true } },
    { id: 'return.bank-code', category: 'reversal.returned_debit', confidence: 0.95, priority: 980, when: { bankTransactionCode: ['PMNT-RDDT-UPDD', 'PMNT-RDDT-RRTN', 'PMNT-RDDT-PRDD'] } },
    { id: 'return.reason-in-text', category: 'reversal.returned_debit', confidence: 0.85, priority: 960, when: { direction: 'in', remittance: ['am04', 'md06', 'ms02', 'ms03', 'md01', 'ac04', 'ac06', 'md07', 'am05', 'sl01', 'rr04'], remittancePattern: '\\b(?:AM04|MD06|MS02|MS03|MD01|AC04|AC06|MD07|AM05|SL01|RR04)\\b' } },
    { id: 'return.words', category: 'reversal.returned_debit', confidence: 0.8, priority: 720, when: { text: ['storno*', 'stornering*', 'gestorneerd', 'terugboeking', 'retour incasso', 'incasso retour', 'retourincasso', 'terugboeking incasso'] } },

    // The debtor's own accounts: moving money between them is neither income nor cost.
    // Below named companies: a shop or employer that shares the debtor's surname ("Van der Valk Hotel") is still that company.
    { id: 'own-account.iban-or-name', category: 'transfer.own_account', confidence: 0.95, priority: 540, when: { ownAccount: true } },
    { id: 'own-account.savings-words', category: 'transfer.own_account', confidence: 0.85, priority: 900, when: { text: ['spaarrekening*', 'eigen rekening', 'spaardeposito', 'bonusrente*', 'direct sparen', 'naar spaar*', 'van spaar*', 'rabo spaar*', 'internet sparen', 'oranje spaar*', 'spaarpot*', 'interne overboeking', 'gezamenlijke rekening', 'en of rekening', 'compte commun', 'joint account', 'own account'] } },

    // Allowances: Belastingdienst Toeslagen pays each allowance as its own credit, named in the remittance.
    { id: 'allowance.belastingdienst-named', category: 'income.allowance', confidence: 0.98, priority: 850, when: { direction: 'in', counterparty: ['belastingdienst*', 'dienst toeslagen', 'toeslagen'], text: ['zorgtoeslag', 'huurtoeslag', 'kinderopvangtoeslag', 'kindgebonden budget', 'kind gebonden budget', 'kindgebonden*', 'toeslag*', 'voorschot', 'nabetaling', 'zt', 'ht', 'kgb', 'kot'] } },
    { id: 'allowance.toeslagen', category: 'income.allowance', confidence: 0.95, priority: 840, when: { direction: 'in', counterparty: ['belastingdienst toeslagen', 'dienst toeslagen', '^toeslagen'] } },
    { id: 'allowance.words', category: 'income.allowance', confidence: 0.9, priority: 760, when: { direction: 'in', text: ['zorgtoeslag', 'huurtoeslag', 'kinderopvangtoeslag', 'kindgebonden budget', 'voorschot toeslag*'] } },
    { id: 'tax.refund', category: 'income.refund', confidence: 0.85, priority: 700, when: { direction: 'in', counterparty: ['belastingdienst*', 'rijksbelastingen'] } },
    { id: 'tax.allowance-repayment', category: 'expense.allowance_repayment', confidence: 0.9, priority: 760, when: { direction: 'out', counterparty: ['belastingdienst*', 'dienst toeslagen', 'toeslagen'], text: ['terugvordering', 'betalingsregeling', 'terugbetaling toeslag*', 'terugbetalen', 'invordering'] } },
    { id: 'tax.national', category: 'expense.tax', confidence: 0.8, priority: 700, when: { direction: 'out', counterparty: ['belastingdienst*', 'rijksbelastingen'] } },

    // Benefits and pensions.
    { id: 'benefit.svb-child', category: 'income.child_benefit', confidence: 0.98, priority: 820, when: { direction: 'in', counterparty: ['^svb', 'sociale verzekeringsbank'], text: ['kinderbijslag', 'kb'] } },
    { id: 'benefit.child-words', category: 'income.child_benefit', confidence: 0.85, priority: 750, when: { direction: 'in', text: ['kinderbijslag'] } },
    { id: 'benefit.svb', category: 'income.benefit_svb', confidence: 0.95, priority: 800, when: { direction: 'in', counterparty: ['^svb', 'sociale verzekeringsbank'] } },
    { id: 'benefit.aow-words', category: 'income.benefit_svb', confidence: 0.85, priority: 450, when: { direction: 'in', remittance: ['aow', 'aow uitkering', 'anw uitkering', 'ouderdomsuitkering'] } },
    { id: 'benefit.uwv', category: 'income.benefit_uwv', confidence: 0.95, priority: 800, when: { direction: 'in', counterparty: ['^uwv', 'uitvoeringsinstituut werknemersverzekeringen'] } },
    { id: 'benefit.uwv-words', category: 'income.benefit_uwv', confidence: 0.8, priority: 450, when: { direction: 'in', remittance: ['ww uitkering', 'wia uitkering', 'wajong*', 'ziektewet*', 'wga uitkering', 'iva uitkering', 'werkloosheidsuitkering'] } },
    { id: 'benefit.uwv-repayment', category: 'expense.debt_repayment', confidence: 0.85, priority: 760, when: { direction: 'out', counterparty: ['^uwv', '^svb', 'sociale verzekeringsbank'] } },
    { id: 'municipal.refund', category: 'income.refund', confidence: 0.85, priority: 790, when: { direction: 'in', counterparty: ['^gemeente', 'gemeentebelasting*', 'belastingsamenwerking*'], remittance: ['teruggaaf', 'restitutie', 'terugbetaling', 'kwijtschelding', 'teruggave', 'belastingen', 'ozb'] } },
    { id: 'benefit.municipal', category: 'income.benefit_municipal', confidence: 0.9, priority: 780, when: { direction: 'in', counterparty: ['^gemeente', 'sociale dienst*', 'werk en inkomen', '^dwi', 'werkplein*', '^isd', 'intergemeentelijke sociale dienst', 'sociale zaken'] } },
    { id: 'benefit.municipal-words', category: 'income.benefit_municipal', confidence: 0.85, priority: 460, when: { direction: 'in', text: ['bijstand*', 'participatiewet', 'levensonderhoud', 'ioaw', 'ioaz', 'tozo', 'bbz uitkering', 'pw uitkering'] } },
    { id: 'pension.fund', category: 'income.pension', confidence: 0.95, priority: 780, when: { direction: 'in', counterparty: ['^abp', 'pensioenfonds*', '^pfzw', '^pmt', '^pme', 'bpfbouw', 'bpf bouw', '^pggm', '^apg', 'mn services', 'pensioenuitvoering*', 'pensioen*'] } },
    { id: 'pension.words', category: 'income.pension', confidence: 0.8, priority: 440, when: { direction: 'in', remittance: ['pensioen*', 'ouderdomspensioen'] } },
    { id: 'student-finance.duo', category: 'income.other', confidence: 0.85, priority: 700, when: { direction: 'in', counterparty: ['^duo', 'dienst uitvoering onderwijs'] } },
    { id: 'student-debt.duo', category: 'expense.student_loan', confidence: 0.9, priority: 700, when: { direction: 'out', counterparty: ['^duo', 'dienst uitvoering onderwijs'] } },

    // Salary: words in the remittance, payroll bureaus and temp agencies; unnamed employers by their rhythm (recurringIncome).
    // "Salaris" in the remittance beats the payer's name: municipalities and supermarkets are employers too.
    { id: 'salary.explicit', category: 'income.salary', confidence: 0.93, priority: 795, when: { direction: 'in', remittance: ['salaris*', 'salary', 'loon', 'nettoloon', 'netto loon', 'loonbetaling*', 'salarisbetaling*'] } },
    { id: 'salary.payroll-code', category: 'income.salary', confidence: 0.95, priority: 760, when: { direction: 'in', bankTransactionCode: ['PMNT-RCDT-SALA'] } },
    { id: 'salary.rabobank-code', category: 'income.salary', confidence: 0.9, priority: 740, when: { direction: 'in', proprietaryCode: ['sb'] } },
    { id: 'salary.agency', category: 'income.salary', confidence: 0.85, priority: 600, when: { direction: 'in', counterparty: ['^randstad', 'tempo team', '^manpower', 'start people', '^olympia', '^adecco', 'youngcapital', '^unique', 'timing uitzendteam', '^luba', '^adp', '^raet', '^nmbrs', 'loket nl', 'payroll*', 'uitzendbureau*', 'uitzendorganisatie*', 'salarisadministratie*'] } },
    { id: 'salary.words', category: 'income.salary', confidence: 0.9, priority: 450, when: { direction: 'in', text: ['salaris*', 'salary', 'loon', 'nettoloon', 'netto loon', 'loonbetaling*', 'loonstrook', 'vakantiegeld', 'vakantietoeslag', 'eindejaarsuitkering', '13e maand', 'dertiende maand', 'loon periode', 'wages', 'payroll'] } },

    // Collectors and bailiffs before creditors: a collector's remittance often names the original creditor.
    { id: 'collection.named', category: 'expense.collection', confidence: 0.95, priority: 690, when: { direction: 'out', counterparty: COLLECTORS } },
    { id: 'collection.name-word', category: 'expense.collection', confidence: 0.85, priority: 680, when: { direction: 'out', name: ['incasso*', 'invordering*'] } },
    { id: 'collection.words', category: 'expense.collection', confidence: 0.85, priority: 670, when: { direction: 'out', text: ['deurwaarder*', 'gerechtsdeurwaarder*', 'incassobureau*', 'incassokosten', 'dwangbevel*', 'beslaglegging', 'derdenbeslag'] } },

    // Debt: payday and consumer credit, BNPL, credit cards, debt arrangements.
    { id: 'debt.arrangement', category: 'expense.debt_repayment', confidence: 0.9, priority: 700, when: { direction: 'out', counterparty: ['kredietbank*', 'stadsbank*', 'schuldhulp*', 'schuldregeling*', 'budgetbeheer*'] } },
    { id: 'credit.payout', category: 'transfer.loan_payout', confidence: 0.9, priority: 660, when: { direction: 'in', counterparty: CREDIT_PROVIDERS } },
    { id: 'credit.repayment', category: 'expense.credit', confidence: 0.9, priority: 660, when: { direction: 'out', counterparty: CREDIT_PROVIDERS } },
    { id: 'credit.words', category: 'expense.credit', confidence: 0.8, priority: 430, when: { direction: 'out', text: ['flitskrediet*', 'minilening*', 'persoonlijke lening', 'doorlopend krediet', 'consumptief krediet'] } },
    { id: 'bnpl.payment', category: 'expense.bnpl', confidence: 0.92, priority: 650, when: { direction: 'out', counterparty: BNPL } },
    { id: 'bnpl.refund', category: 'income.refund', confidence: 0.8, priority: 640, when: { direction: 'in', counterparty: BNPL } },
    { id: 'credit-card.settlement', category: 'expense.debt_repayment', confidence: 0.85, priority: 640, when: { direction: 'out', counterparty: CREDIT_CARDS } },
    { id: 'debt.words', category: 'expense.debt_repayment', confidence: 0.75, priority: 420, when: { direction: 'out', text: ['aflossing*', 'betalingsregeling*', 'schuldregeling*', 'afbetaling*', 'termijnbetaling*', 'lening*'] } },

    // Gambling: stakes out are a cost; payouts in are not earned income.
    { id: 'gambling.stake', category: 'expense.gambling', confidence: 0.92, priority: 650, when: { direction: 'out', counterparty: GAMBLING } },
    { id: 'gambling.payout', category: 'income.other', confidence: 0.8, priority: 640, when: { direction: 'in', counterparty: GAMBLING } },

    // Housing, utilities and insurance: the fixed essentials.
    { id: 'housing.provider', category: 'expense.housing', confidence: 0.92, priority: 620, when: { direction: 'out', counterparty: HOUSING_PROVIDERS } },
    { id: 'housing.words', category: 'expense.housing', confidence: 0.85, priority: 440, when: { direction: 'out', text: ['huur', 'huurpenningen', 'kale huur', 'servicekosten', 'hypotheek*', 'maandhuur', 'huur woning', 'woonlasten', 'vve bijdrage', 'vve'] } },
    { id: 'energy.supplier', category: 'expense.energy', confidence: 0.93, priority: 620, when: { direction: 'out', counterparty: ENERGY } },
    { id: 'energy.words', category: 'expense.energy', confidence: 0.75, priority: 400, when: { direction: 'out', text: ['energie*', 'stroom', 'gas en licht', 'elektriciteit', 'termijnbedrag energie', 'gas bill', 'electricity', 'energy bill'] } },
    { id: 'water.company', category: 'expense.water', confidence: 0.93, priority: 620, when: { direction: 'out', counterparty: WATER } },
    { id: 'health.insurer', category: 'expense.health_insurance', confidence: 0.93, priority: 625, when: { direction: 'out', counterparty: HEALTH_INSURERS } },
    { id: 'health.words', category: 'expense.health_insurance', confidence: 0.85, priority: 450, when: { direction: 'out', text: ['zorgverz*', 'basisverzekering', 'zorgpremie', 'premie zorg*', 'ziektekostenverzekering*', 'premie ziektekosten', 'aanvullende verzekering', 'aanvullend verzekerd', 'aanvullende zorg*', 'tandartsverzekering', 'aanvullende tandarts*', 'zorgpolis'] } },
    { id: 'health.multi-line-insurer', category: 'expense.health_insurance', confidence: 0.85, priority: 630, when: { direction: 'out', counterparty: MULTI_LINE_INSURERS, text: ['zorgverzekering*', 'basisverzekering', 'zorgpremie', 'zorg', 'aanvullende verzekering'] } },
    // The deductible pays for care already had: healthcare, though the insurer collects it.
    { id: 'health.deductible', category: 'expense.healthcare', confidence: 0.88, priority: 632, when: { direction: 'out', counterparty: [...HEALTH_INSURERS, ...MULTI_LINE_INSURERS], text: ['eigen risico', 'eigenrisico', 'verplicht eigen risico', 'vrijwillig eigen risico'] } },
    { id: 'insurance.other', category: 'expense.insurance_other', confidence: 0.85, priority: 600, when: { direction: 'out', counterparty: OTHER_INSURERS } },
    { id: 'insurance.words', category: 'expense.insurance_other', confidence: 0.6, priority: 200, when: { direction: 'out', text: ['verzekering*', 'polis*', 'inboedelverzekering', 'aansprakelijkheidsverzekering', 'uitvaartverzekering'] } },
    { id: 'utility.refund', category: 'income.refund', confidence: 0.8, priority: 610, when: { direction: 'in', counterparty: [...ENERGY, ...WATER, ...HEALTH_INSURERS, ...OTHER_INSURERS, ...TELECOM, ...HOUSING_PROVIDERS] } },
    { id: 'telecom.provider', category: 'expense.telecom', confidence: 0.93, priority: 620, when: { direction: 'out', counterparty: TELECOM } },
    { id: 'telecom.name-word', category: 'expense.telecom', confidence: 0.8, priority: 500, when: { direction: 'out', name: ['telecom*', 'mobiel*', 'telefonie'] } },
    { id: 'telecom.words', category: 'expense.telecom', confidence: 0.7, priority: 380, when: { direction: 'out', text: ['mobiel abonnement', 'internet en tv', 'glasvezel', 'telefoonabonnement', 'sim only'] } },
    { id: 'childcare.provider', category: 'expense.childcare', confidence: 0.92, priority: 620, when: { direction: 'out', counterparty: CHILDCARE } },
    { id: 'childcare.words', category: 'expense.childcare', confidence: 0.85, priority: 440, when: { direction: 'out', text: ['kinderopvang*', 'kinderdagverblijf*', 'buitenschoolse opvang', 'gastouderopvang', 'bso'] } },
    { id: 'local-tax.office', category: 'expense.local_taxes', confidence: 0.93, priority: 720, when: { direction: 'out', counterparty: LOCAL_TAX_OFFICES } },
    { id: 'transport.parking-municipal', category: 'expense.transport', confidence: 0.85, priority: 730, when: { direction: 'out', text: ['parkeren', 'parkeer*', 'parkeervergunning'] } },
    { id: 'local-tax.municipality', category: 'expense.local_taxes', confidence: 0.85, priority: 710, when: { direction: 'out', counterparty: ['^gemeente'] } },
    { id: 'local-tax.words', category: 'expense.local_taxes', confidence: 0.85, priority: 450, when: { direction: 'out', text: ['afvalstoffenheffing', 'rioolheffing', 'ozb', 'onroerendezaakbelasting*', 'zuiveringsheffing', 'watersysteemheffing', 'gemeentelijke belastingen', 'aanslag gemeente*'] } },

    // Bank fees and overdraft interest (the latter also feeds the overdraft flag by its rule id).
    { id: 'bank-fees.overdraft-interest', category: 'expense.bank_fees', confidence: 0.92, priority: 730, when: { direction: 'out', text: ['debetrente', 'rente roodstand', 'rente rood staan', 'rente debetstand', 'rente debet saldo', 'rente debetsaldo', 'roodstandrente', 'kredietrente'] } },
    { id: 'bank-fees.package', category: 'expense.bank_fees', confidence: 0.9, priority: 630, when: { direction: 'out', text: ['kosten oranjepakket*', 'oranjepakket*', 'kosten gebruik betaalrekening', 'kosten betaalrekening', 'kosten rekening', 'rabo directpakket', 'rabo basispakket', 'kosten rabo*', 'basic package', 'betaalpakket*', 'pakketkosten', 'kosten betalingsverkeer', 'kosten bankrekening', 'kosten betaalpas', 'bankkosten', 'rekeningkosten', 'kosten pas*', 'kosten gebruik*'] } },
    { id: 'bank-fees.named', category: 'expense.bank_fees', confidence: 0.85, priority: 560, when: { direction: 'out', name: ['^kosten'] } },
    { id: 'bank-fees.iso-code', category: 'expense.bank_fees', confidence: 0.9, priority: 640, when: { direction: 'out', bankTransactionCode: ['ACMT-MDOP-CHRG', 'ACMT-MCOP-CHRG', 'PMNT-MDOP-CHRG'] } },
    { id: 'bank-fees.bank-package', category: 'expense.bank_fees', confidence: 0.88, priority: 635, when: { direction: 'out', counterparty: BANKS, remittance: ['kosten*', 'abonnement*', 'pakket*', 'betaalpakket*', 'premium', 'maandbijdrage'] } },
    { id: 'bank-fees.statement', category: 'expense.bank_fees', confidence: 0.85, priority: 550, when: { direction: 'out', text: ['afrekening betalingsverkeer', 'bank charges', 'account fee'] } },
    { id: 'bank-fees.period', category: 'expense.bank_fees', confidence: 0.7, priority: 380, when: { direction: 'out', remittance: ['kosten'], remittancePattern: '\\bkosten\\b.*\\b(?:tot en met|t/m)\\b' } },
    { id: 'bank-fees.waiver', category: 'income.refund', confidence: 0.8, priority: 560, when: { direction: 'in', name: ['^kwijtschelding', '^kosten'] } },

    // Cash: by the ISO code, the bank's own codes, or the words banks write.
    { id: 'cash.iso-code', category: 'expense.cash', confidence: 0.97, priority: 700, when: { direction: 'out', bankTransactionCode: ['PMNT-CCRD-CWDL', 'PMNT-CNTR-CWDL', 'PMNT-CNTR-BCWD', 'PMNT-DCRD-CWDL'] } },
    { id: 'cash.bank-code', category: 'expense.cash', confidence: 0.9, priority: 690, when: { direction: 'out', proprietaryCode: ['GM', 'PK', 'ga', 'gb'] } },
    { id: 'cash.ing-atm', category: 'expense.cash', confidence: 0.85, priority: 670, when: { direction: 'out', remittance: ['bank', 'geldmaat', 'geldautomaat'], remittancePattern: '\\b(?:BANK|GELDMAAT|GELDAUTOMAAT)>\\S' } },
    { id: 'cash.words', category: 'expense.cash', confidence: 0.92, priority: 680, when: { direction: 'out', text: ['geldautomaat', 'geldopname', '^geldmaat', 'opname geldautomaat', 'cash withdrawal', 'atm', 'opname kantoor', 'chipknip', 'geldopname*'] } },

    // Savings and investments that leave the household's accounts.
    { id: 'savings.investment', category: 'expense.savings', confidence: 0.85, priority: 590, when: { direction: 'out', counterparty: ['optimaalbeleggen', 'beleggen*', 'belegging*', '^meesman', 'brand new day', '^degiro', '^peaks', '^bux', '^flatex', 'asn beleggingsfondsen', 'asn optimaal*', 'centraal beheer beleggen', '^semmie', '^bitvavo'] } },
    { id: 'savings.words', category: 'expense.savings', confidence: 0.7, priority: 380, when: { direction: 'out', remittance: ['sparen', 'spaargeld', 'beleggen', 'inleg*'] } },

    // Everyday spending.
    { id: 'groceries.supermarket', category: 'expense.groceries', confidence: 0.93, priority: 580, when: { direction: 'out', counterparty: SUPERMARKETS } },
    { id: 'groceries.refund', category: 'income.refund', confidence: 0.75, priority: 570, when: { direction: 'in', counterparty: SUPERMARKETS } },
    { id: 'transport.named', category: 'expense.transport', confidence: 0.9, priority: 580, when: { direction: 'out', counterparty: TRANSPORT } },
    { id: 'transport.words', category: 'expense.transport', confidence: 0.7, priority: 350, when: { direction: 'out', text: ['ov chipkaart', 'treinkaartje', 'benzine', 'brandstof', 'tanken', 'parkeerkosten', 'apk'] } },
    { id: 'subscriptions.named', category: 'expense.subscriptions', confidence: 0.88, priority: 570, when: { direction: 'out', counterparty: SUBSCRIPTIONS } },
    { id: 'subscriptions.words', category: 'expense.subscriptions', confidence: 0.55, priority: 150, when: { direction: 'out', remittance: ['abonnement*', 'abonnr', 'contributie', 'lidmaatschap*'] } },
    { id: 'shopping.named', category: 'expense.shopping', confidence: 0.85, priority: 550, when: { direction: 'out', counterparty: SHOPS } },
    { id: 'shopping.refund', category: 'income.refund', confidence: 0.75, priority: 545, when: { direction: 'in', counterparty: SHOPS } },
    { id: 'shopping.holiday-words', category: 'expense.shopping', confidence: 0.6, priority: 250, when: { direction: 'out', remittance: ['vakantie*', 'boeking*', 'reservering*', 'hotel*'] } },
    { id: 'shopping.paypal', category: 'expense.shopping', confidence: 0.6, priority: 300, when: { direction: 'out', counterparty: ['^paypal'] } },

    // Plain-language vocabulary: what people and institutions write when no name settles it ("Huur mei",
    // "Gas en licht", "Aflossing studieschuld"). Named institutions above still win; among these words
    // the more specific kind wins (a "tandartsverzekering" is insurance, a "tandarts" healthcare).
    // Everyday words are read in the remittance only: in a name they mislead ("Fietsclub" is no bike
    // shop, "Zorg Plus Thuiszorg" no pharmacy); words that only an institution writes read both.
    { id: 'vocab.fine', category: 'expense.fine', confidence: 0.9, priority: 735, when: { direction: 'out', text: ['cjib', 'centraal justitieel incassobureau', 'verkeersboete*', 'boete*', 'bekeuring*', 'strafbeschikking*', 'wahv', 'flitspaal', 'snelheidsovertreding', 'parkeerboete*', 'transactievoorstel', 'boetebedrag', 'verkeersovertreding*', 'justitieel incasso*'] } },
    { id: 'vocab.allowance-repayment', category: 'expense.allowance_repayment', confidence: 0.88, priority: 765, when: { direction: 'out', text: ['zorgtoeslag', 'huurtoeslag', 'kinderopvangtoeslag', 'kindgebonden budget', 'kind gebonden budget', 'toeslag*', 'toeslagen', 'dienst toeslagen', 'toeslagnummer', 'terugvordering toeslag*'] } },
    { id: 'vocab.allowance-repayment-abbreviation', category: 'expense.allowance_repayment', confidence: 0.8, priority: 764, when: { direction: 'out', remittance: ['zt', 'ht', 'kgb', 'kot'], remittancePattern: '\\b(?:terug\\w*|regeling|termijn|toeslag\\w*|vordering)\\b' } },
    { id: 'vocab.allowance', category: 'income.allowance', confidence: 0.9, priority: 770, when: { direction: 'in', text: ['zorgtoesl*', 'huurtoesl*', 'kinderopvangtoesl*', 'kinderopvang toeslag', 'kindgebonden*', 'kind gebonden budget', 'toeslagnummer'] } },
    { id: 'vocab.allowance-abbreviation', category: 'income.allowance', confidence: 0.85, priority: 769, when: { direction: 'in', remittance: ['zt', 'ht', 'kgb', 'kot'], remittancePattern: '\\b(?:voorschot|nabetaling|toeslag\\w*|20\\d\\d)\\b' } },
    { id: 'vocab.tax', category: 'expense.tax', confidence: 0.88, priority: 705, when: { direction: 'out', text: ['inkomstenbelasting', 'motorrijtuigenbelasting', 'wegenbelasting', 'voorlopige aanslag*', 'navordering*', 'naheffing*', 'zvw bijdrage', 'inkomensafhankelijke bijdrage*', 'rijksbelasting*', 'belastingdienst', 'aanslag inkomsten*', 'erfbelasting', 'schenkbelasting'] } },
    // Abbreviations only in the remittance: as name words they are someone's initials.
    { id: 'vocab.tax-abbreviation', category: 'expense.tax', confidence: 0.82, priority: 704, when: { direction: 'out', remittance: ['aanslag ib', 'ib', 'mrb', 'bpm', 'box 3'] } },
    { id: 'vocab.student-loan', category: 'expense.student_loan', confidence: 0.88, priority: 706, when: { direction: 'out', text: ['studieschuld*', 'studielening*', 'studiefinanciering*', 'studie lening', 'studie schuld', 'duo', 'dienst uitvoering onderwijs', 'terugbetaling studie*'] } },
    { id: 'vocab.student-finance', category: 'income.other', confidence: 0.8, priority: 700, when: { direction: 'in', text: ['studiefinanciering*', 'duo', 'studiebeurs', 'aanvullende beurs', 'basisbeurs', 'studievoorschot'] } },
    { id: 'vocab.education', category: 'expense.education', confidence: 0.8, priority: 445, when: { direction: 'out', remittance: ['ouderbijdrage*', 'schoolboek*', 'boekenpakket*', 'collegegeld*', 'lesgeld*', 'schoolreis*', 'schoolkamp*', 'cursusgeld*', 'cursus*', 'bijles*', 'huiswerkbegeleiding*', 'studieboek*', 'schoolkosten', 'schoolgeld', 'examengeld*', 'opleiding*', 'basisschool', 'schoolspullen', 'leermiddelen', 'excursie school', 'tentamen*', 'scholing*', 'studiekosten'] } },
    { id: 'vocab.healthcare', category: 'expense.healthcare', confidence: 0.82, priority: 446, when: { direction: 'out', remittance: ['eigen risico', 'tandarts*', 'apotheek*', 'apotheker', 'fysiotherap*', 'fysio', 'medicijn*', 'medicatie', 'huisarts*', 'opticien*', 'brillenglazen', 'bril', 'contactlenzen', 'lenzen', 'mondhygien*', 'orthodont*', 'logopedie', 'psycholoog', 'podotherap*', 'eigen bijdrage wmo', 'wmo', 'eigen bijdrage zorg', 'eigen bijdrage medicijnen', 'hoortoestel*', 'ziekenvervoer', 'zorgkosten', 'ziektekosten'] } },
    { id: 'vocab.healthcare-provider', category: 'expense.healthcare', confidence: 0.85, priority: 446, when: { direction: 'out', name: ['tandarts*', 'tandartspraktijk*', 'apotheek*', 'huisarts*', 'huisartsenpraktijk*', 'fysiotherap*', 'opticien*', 'mondzorg*', 'orthodont*', 'mondhygien*', 'podotherap*', 'logopedi*', 'psycholo*', 'kliniek*'] } },
    { id: 'vocab.health-insurance-before-care', category: 'expense.health_insurance', confidence: 0.85, priority: 447, when: { direction: 'out', remittance: ['tandartsverzekering', 'aanvullende tandarts*', 'aanvullende verzekering', 'premie ziektekosten', 'zorgverz*'] } },
    { id: 'vocab.insurance', category: 'expense.insurance_other', confidence: 0.8, priority: 420, when: { direction: 'out', remittance: ['aansprakelijkheid*', 'avp', 'inboedel*', 'opstal*', 'autoverzekering', 'allrisk*', 'all risk', 'casco', 'wa verzekering', 'wa casco', 'uitvaart*', 'rechtsbijstand*', 'reisverzekering*', 'doorlopende reis*', 'brommerverzekering', 'scooterverzekering', 'motorverzekering', 'fietsverzekering', 'woonverzekering', 'woonhuisverzekering', 'overlijdensrisico*', 'levensverzekering', 'ongevallenverzekering', 'pakketpolis', 'caravanverzekering', 'bootverzekering', 'dierenverzekering', 'huisdierverzekering', 'arbeidsongeschiktheid*', 'aov', 'glasverzekering', 'schadeverzekering*', 'verzekeringspremie', 'premie verzekering*', 'verzekering*', 'verz'] } },
    { id: 'vocab.housing', category: 'expense.housing', confidence: 0.8, priority: 440, when: { direction: 'out', remittance: ['huur*', 'kamerhuur', 'hypotheek*', 'hypotheeklasten', 'hypotheekrente', 'woonlasten', 'servicekosten', 'vve*', 'huurtermijn', 'huurpenningen', 'erfpacht*'] } },
    { id: 'vocab.transport-hire', category: 'expense.transport', confidence: 0.75, priority: 448, when: { direction: 'out', remittance: ['deelauto', 'huurauto', 'autohuur', 'auto huur', 'huurfiets', 'leasefiets', 'leaseauto', 'private lease', 'fietshuur'] } },
    { id: 'vocab.debt-arrears', category: 'expense.debt_repayment', confidence: 0.75, priority: 449, when: { direction: 'out', remittance: ['achterstand*', 'regeling achterstand', 'schuldhulp*', 'budgetbeheer*', 'schuldsanering', 'wsnp', 'boedelrekening', 'afdracht schuld*', 'maandafdracht', 'lening familie', 'lening oom', 'lening tante', 'lening vader', 'lening moeder', 'geleend geld'] } },
    { id: 'vocab.collection', category: 'expense.collection', confidence: 0.75, priority: 425, when: { direction: 'out', remittance: ['dossier*', 'incasso dossier*', 'incasso termijn', 'termijn incasso', 'vonnis', 'aanmaning*', 'deurwaarderskosten'] } },
    { id: 'vocab.bnpl', category: 'expense.bnpl', confidence: 0.8, priority: 432, when: { direction: 'out', remittance: ['in 3 termijnen', 'in drie termijnen', 'gespreid betalen', 'later betalen', 'pay later', 'achteraf betaal*', 'buy now pay later', 'in3', 'afterpay', 'riverty', 'klarna', 'billink'] } },
    { id: 'vocab.credit', category: 'expense.credit', confidence: 0.78, priority: 431, when: { direction: 'out', remittance: ['autofinanciering', 'financiering*', 'krediet*', 'persoonlijke lening', 'doorlopend krediet', 'kredietlimiet', 'flitslening', 'kredietcard'] } },
    { id: 'vocab.gambling', category: 'expense.gambling', confidence: 0.8, priority: 430, when: { direction: 'out', remittance: ['loten', 'lot', 'loterij*', 'maandlot', 'weddenschap*', 'sportweddenschap*', 'poker*', 'gok*', 'casino*', 'inzet', 'kansspel*', 'bingo', 'kraslot*', 'krasloot', 'lotto'] } },
    { id: 'vocab.energy', category: 'expense.energy', confidence: 0.78, priority: 405, when: { direction: 'out', remittance: ['gas', 'licht', 'elektra', 'stroom*', 'energie*', 'elektriciteit*', 'warmte*', 'stadsverwarming', 'netbeheer*', 'blokverwarming', 'gasrekening', 'energierekening'] } },
    { id: 'vocab.water', category: 'expense.water', confidence: 0.8, priority: 410, when: { direction: 'out', remittance: ['water*', 'drinkwater*'] } },
    { id: 'vocab.local-taxes', category: 'expense.local_taxes', confidence: 0.82, priority: 452, when: { direction: 'out', remittance: ['afvalheffing', 'afvalstof*', 'hondenbelasting', 'gemeentelijke heffingen', 'gemeentelijke belasting*', 'gemeentebelasting*', 'onroerende zaakbelasting', 'onroerende zaak belasting', 'belastingaanslag gemeente', 'aanslagbiljet gemeente*', 'gemeentelijke*', 'riool*', 'precariobelasting', 'toeristenbelasting', 'waterschap*', 'zuiveringsheffing', 'watersysteemheffing', 'reinigingsheffing', 'heffingen'] } },
    { id: 'vocab.telecom', category: 'expense.telecom', confidence: 0.78, priority: 385, when: { direction: 'out', remittance: ['telefoon*', 'telefonie', 'gsm', 'beltegoed', 'opwaarder*', 'prepaid', 'internet*', 'kabelabonnement', 'kabel tv', 'tv abonnement', 'televisie*', 'mobiele data', 'databundel', 'mobiel*', 'sim*', 'bellen', 'glasvezel', 'wifi', 'vaste lijn', 'telefoonlijn'] } },
    { id: 'vocab.childcare', category: 'expense.childcare', confidence: 0.8, priority: 441, when: { direction: 'out', remittance: ['kinderopvang*', 'gastouder*', 'dagopvang', 'peuteropvang', 'voorschoolse opvang', 'naschoolse opvang', 'opvang*', 'kinderdagverblijf*', 'bso', 'tso', 'oppas*', 'peuterspeelzaal*', 'kdv'] } },
    { id: 'vocab.subscriptions', category: 'expense.subscriptions', confidence: 0.7, priority: 360, when: { direction: 'out', remittance: ['contributie*', 'jaarcontributie', 'lidmaatschap*', 'krant*', 'dagblad*', 'tijdschrift*', 'streaming*', 'muziekstreaming', 'fitness*', 'sportschool*', 'vakbond*', 'bibliotheek', 'vereniging*', 'abonnement*', 'tennisclub', 'voetbalclub'] } },
    { id: 'vocab.transport', category: 'expense.transport', confidence: 0.72, priority: 386, when: { direction: 'out', remittance: ['ov', 'ov abonnement', 'treinabonnement', 'trein*', 'buskaart*', 'tram', 'metro', 'fiets*', 'auto', 'garage*', 'grote beurt', 'onderhoudsbeurt', 'banden', 'winterbanden', 'autoonderhoud', 'autoreparatie', 'tanken', 'benzine', 'diesel', 'brandstof', 'laadpaal*', 'laadpas', 'taxi*', 'parkeren', 'parkeerkosten', 'tol', 'kilometerheffing', 'wegenwacht', 'ritprijs'] } },
    { id: 'vocab.groceries', category: 'expense.groceries', confidence: 0.75, priority: 340, when: { direction: 'out', remittance: ['boodschappen*', 'weekboodschappen', 'boodsch', 'bakker*', 'slager*', 'groente*', 'groenteboer', 'fruit', 'markt', 'visboer', 'kaas*', 'brood', 'luiers', 'supermarkt*', 'eten en drinken', 'levensmiddelen', 'dagboodschappen', 'toko'] } },
    { id: 'vocab.shopping', category: 'expense.shopping', confidence: 0.65, priority: 300, when: { direction: 'out', remittance: ['kleding*', 'kleren', 'schoenen', 'kapper*', 'wasmachine', 'koelkast', 'stofzuiger', 'meubel*', 'cadeau*', 'kado*', 'verjaardagscadeau', 'tuin*', 'potgrond', 'planten', 'verf', 'behang', 'bioscoop*', 'kringloop*', 'witgoed', 'restaurant*', 'uit eten', 'huisje', 'speelgoed', 'elektronica', 'laptop', 'tafel*', 'matras', 'dagje uit', 'pretpark', 'museum*', 'concert*'] } },
    { id: 'vocab.cash', category: 'expense.cash', confidence: 0.85, priority: 681, when: { direction: 'out', remittance: ['contant*', 'geld opname', 'geld opnemen', 'opname balie', 'opgenomen', 'kasopname'] } },
    { id: 'vocab.savings', category: 'expense.savings', confidence: 0.7, priority: 381, when: { direction: 'out', remittance: ['sparen', 'spaargeld', 'buffer', 'opzij', 'beleggingsrekening', 'inleg*', 'spaarplan'] } },
    { id: 'vocab.uwv', category: 'income.benefit_uwv', confidence: 0.85, priority: 455, when: { direction: 'in', text: ['uwv', 'wajong*', 'ziektewet*', 'toeslagenwet', 'werkloosheid*', 'werkloosheidsuitkering', 'uitkering werkloosheid'] } },
    { id: 'vocab.uwv-abbreviation', category: 'income.benefit_uwv', confidence: 0.82, priority: 454, when: { direction: 'in', remittance: ['ww', 'ww uitk*', 'wia', 'wga', 'iva', 'iva uitkering', 'wao', 'waz'] } },
    { id: 'vocab.svb', category: 'income.benefit_svb', confidence: 0.88, priority: 785, when: { direction: 'in', remittance: ['aow', 'aow uitkering', 'aowuitkering', 'anw', 'anw uitkering', 'anwuitkering', 'nabestaandenuitkering', 'ouderdomsuitkering', 'nabestaandenwet'] } },
    { id: 'vocab.pension', category: 'income.pension', confidence: 0.8, priority: 441, when: { direction: 'in', remittance: ['nabestaandenpensioen', 'partnerpensioen', 'ouderdomspensioen', 'wezenpensioen', 'pensioenuitkering', 'pensioen*', 'lijfrente*'] } },
    { id: 'vocab.municipal', category: 'income.benefit_municipal', confidence: 0.85, priority: 461, when: { direction: 'in', remittance: ['gemeentelijke uitkering', 'uitkering gemeente', 'inkomenstoeslag', 'individuele inkomenstoeslag', 'meedoenregeling', 'minimaregeling', 'bijzondere bijstand', 'bijstand*', 'participatiewet', 'pw uitkering', 'pw uitk*', 'sociale dienst', 'ioaw', 'ioaz', 'levensonderhoud', 'gemeente uitkering', 'energietoeslag', 'kindpakket'] } },
    { id: 'vocab.salary-hours', category: 'income.salary', confidence: 0.75, priority: 445, when: { direction: 'in', remittance: ['uitbetaling uren', 'gewerkte uren', 'uurloon', 'loonstrook', 'weekloon', 'maandloon'] } },
    { id: 'vocab.refund', category: 'income.refund', confidence: 0.7, priority: 301, when: { direction: 'in', remittance: ['declaratie*', 'vergoeding*', 'terugbetaald', 'retour', 'borg', 'teruggestort', 'restitutie*', 'teruggaaf*', 'teruggave*', 'schadevergoeding'] } },
    { id: 'vocab.interest-on-savings', category: 'income.other', confidence: 0.8, priority: 905, when: { direction: 'in', remittance: ['rente spaar*', 'spaarrente', 'rente op spaar*', 'rentebijschrijving'] } },

    // Money in that is neither pay nor a benefit.
    // Found on an independently written set of plain-language lines (its development half; the other half
    // was measured only before and after): explicit words outrank a weak name guess ("… Vastgoed BV" is not
    // always a landlord), and card-payment descriptions name the shop when the bank gives no counterparty.
    { id: 'vocab.salary-explicit', category: 'income.salary', confidence: 0.9, priority: 615, when: { direction: 'in', remittance: ['weekloon', 'maandloon', 'salaris*', 'loon week', 'loon wk', 'nettoloon', 'netto loon', 'loonbetaling*', 'loon periode'] } },
    { id: 'vocab.childcare-explicit', category: 'expense.childcare', confidence: 0.85, priority: 626, when: { direction: 'out', remittance: ['kinderopvang*', 'kinderdagverblijf*', 'kdv', 'bso', 'buitenschoolse opvang', 'gastouder*', 'peuteropvang'] } },
    { id: 'vocab.arrangement-at-provider', category: 'expense.debt_repayment', confidence: 0.8, priority: 640, when: { direction: 'out', remittance: ['regeling achterstand', 'achterstandsregeling', 'betalingsregeling achterstand', 'afbetaling achterstand', 'aflossing achterstand'] } },
    { id: 'vocab.loan-payout', category: 'transfer.loan_payout', confidence: 0.8, priority: 665, when: { direction: 'in', remittance: ['saneringskrediet', 'leningsbedrag', 'uitbetaling lening', 'lening uitbetaald', 'uitbetaling krediet', 'krediet uitbetaald', 'kredietbedrag', 'uitbetaling persoonlijke lening'] } },
    { id: 'vocab.cak-own-contribution', category: 'expense.healthcare', confidence: 0.88, priority: 634, when: { direction: 'out', counterparty: ['^cak'], text: ['eigen bijdrage*', 'wmo', 'wlz'] } },
    { id: 'vocab.health-insurance-zvw', category: 'expense.health_insurance', confidence: 0.85, priority: 452, when: { direction: 'out', remittance: ['bestuursrechtelijke premie', 'zvw', 'premie zvw', 'zvw premie'] } },
    { id: 'vocab.child-savings', category: 'expense.savings', confidence: 0.85, priority: 905, when: { direction: 'out', remittance: ['kinderspaarrekening', 'kinderrekening', 'jeugdspaarrekening'] } },
    { id: 'vocab.maintenance-paid', category: 'expense.other', confidence: 0.8, priority: 445, when: { direction: 'out', remittance: ['alimentatie', 'kinderalimentatie', 'partneralimentatie'] } },
    { id: 'vocab.maintenance-received', category: 'income.other', confidence: 0.8, priority: 445, when: { direction: 'in', remittance: ['alimentatie', 'kinderalimentatie', 'partneralimentatie'] } },
    { id: 'local-tax.municipal-office-name', category: 'expense.local_taxes', confidence: 0.88, priority: 715, when: { direction: 'out', counterparty: ['^belastingen', 'gemeentebelastingen*', 'gemeentelijke belastingen*'] } },
    { id: 'cash.card-atm-description', category: 'expense.cash', confidence: 0.85, priority: 682, when: { direction: 'out', remittance: ['gea'], remittancePattern: '(?:^|\\s)GEA(?:[,\\s]|$)' } },
    { id: 'groceries.card-payment-description', category: 'expense.groceries', confidence: 0.85, priority: 560, when: { direction: 'out', remittance: SUPERMARKETS.filter((name) => !name.endsWith('*')).map((name) => name.replace(/^\^/, '')), remittancePattern: '(?:^|\\s)(?:BEA|BETAALPAS|APPLE PAY|GOOGLE PAY|PAS\\d{3})\\b' } },
    { id: 'transport.card-payment-description', category: 'expense.transport', confidence: 0.8, priority: 555, when: { direction: 'out', remittance: TRANSPORT.filter((name) => !name.endsWith('*')).map((name) => name.replace(/^\^/, '')), remittancePattern: '(?:^|\\s)(?:BEA|BETAALPAS|APPLE PAY|GOOGLE PAY|PAS\\d{3})\\b' } },
    { id: 'refund.words', category: 'income.refund', confidence: 0.75, priority: 300, when: { direction: 'in', text: ['terugbetaling', 'restitutie', 'refund', 'retour*', 'creditnota', 'terugstorting', 'teruggaaf', 'teruggave', 'kwijtschelding', 'cashback', 'schadevergoeding', 'schade uitkering'] } },
    { id: 'income.interest-dividend', category: 'income.other', confidence: 0.8, priority: 300, when: { direction: 'in', text: ['rente', 'dividend', 'creditrente', 'rentebijschrijving', 'credit interest', 'interest'] } },
  ],
};
