/**
 * # The synthetic world's assumptions
 *
 * Every rate and amount the simulator draws from, with the reason it has its value. Where a figure
 * comes from a publication it names it; where it is our derivation or a modelling choice it says
 * so. These are assumptions of a simulator, not norms the service applies to real debtors: the
 * service's norms (protected income, allowance days, collection costs) live in its own dated
 * configuration, and nothing outside src/simulation reads this file.
 *
 * ## Households
 * - Main income source: salary 62 %, pension (AOW, usually with an occupational pension) 25 %,
 *   benefits 13 % (bijstand 4.5 %, WIA 4.5 %, WW 2 %, Wajong 2 %). CBS "Huishoudens; inkomen
 *   naar voornaamste inkomensbron" gives roughly 60 % work (employees and self-employed), a quarter
 *   pension and a tenth to an eighth social benefits; the split of benefits follows UWV/CBS
 *   caseloads (≈ 420k bijstand, ≈ 400k WIA/WAO, ≈ 180k WW, ≈ 250k Wajong benefits, of which part
 *   are not the household's main income).
 * - Composition depends on the income source, so that the marginal shares come out at CBS 2024
 *   (one-person 39 %, couple without children 28 %, couple with children 25 %, single parent 8 %).
 *   Pensioner households have no children at home; benefit households are more often single.
 * - Children: 1 (42 %), 2 (42 %), 3 (16 %), ages uniform 0–17 (CBS family size distribution).
 *
 * ## Incomes and when they arrive (docs/domain.md, "Money arrival days")
 * - Salary: monthly for 82 %, four-weekly for 18 % (four-weekly pay is common in retail,
 *   hospitality and temp work under their CAOs). Monthly paydays spread over the 15th–28th with most
 *   on the 20th–25th; a payday on a closed day moves to the previous working day, since employers
 *   pay before it. Net salary of the main earner log-normal, median EUR 2,600 (CBS median net
 *   employee income), spread 0.33; a working partner (70 % of salaried couples) mostly part-time,
 *   median EUR 1,500. Holiday pay (vakantiegeld, 8 % of gross, roughly 0.65 of a net month) comes
 *   with the May salary. Flex workers (on-call, temp and zero-hours contracts; CBS counts about 1.9
 *   million of 9 million employees) are paid for the hours worked: half of four-weekly and 6 % of
 *   monthly payrolls vary per payment with a log-scale spread of 0.25 (income-streams.ts).
 * - UWV (WW, WIA, Wajong): monthly on a fixed day of the month per person between the 20th and the
 *   27th, previous working day when closed. UWV publishes a pay date per month; a fixed day is our
 *   simplification of "around the same working day each month". Holiday pay separately in May.
 * - SVB AOW: around the 23rd (previous working day when closed); single about EUR 1,450 net,
 *   couple EUR 2,000 net together (SVB 2025 gross amounts minus wage tax, a derivation).
 * - Occupational pension (85 % of pensioners): log-normal median EUR 650, paid by the fund on its own day.
 * - Bijstand: the 2025 norm (single EUR 1,345.45, couple EUR 1,922.07, both incl. holiday pay) paid
 *   monthly without the 5 % holiday reserve, which comes in June; on the last working day (60 %) or
 *   on the 1st, next working day (40 %), as municipalities differ.
 * - Allowances from "Belastingdienst Toeslagen" on the 20th, next working day when closed, one
 *   credit per allowance (belastingdienst.nl). Amounts are a derivation from 2025 tables, expressed
 *   on net monthly household income: zorgtoeslag up to EUR 131 single / 251 couple, tapering to nil
 *   between EUR 1,900–2,900 (single) and 2,600–3,800 (couple); huurtoeslag for renters with rent up to
 *   EUR 900, (rent − 250) tapering to nil between EUR 1,500–2,400 (single) and 2,000–3,200 (couple);
 *   kindgebonden budget EUR 200 per child plus EUR 280 for a single parent, reduced by 9 % of income
 *   above EUR 2,200. Changes in income reach the advance one month later, as the Belastingdienst
 *   adjusts advances after a reported change.
 * - Kinderbijslag (SVB) per quarter, paid early in the month after the quarter (the 3rd, next working
 *   day): EUR 281.46 (0–5 years), 341.78 (6–11), 401.96 (12–17) per child (SVB, 2025 Q1).
 *
 * ## Costs
 * - Housing on the 1st: owners (more likely with higher income; 55 % of pensioners) pay a mortgage of
 *   about 24 % of net income to their bank; renters pay a housing corporation (social rent, median
 *   EUR 700, at most the 2025 liberalisation limit EUR 900) or a private landlord (median EUR 1,250),
 *   by direct debit (60 %) or standing order (40 %). The shortage of social housing leaves a quarter of
 *   renters with a net income under EUR 3,000 in the private sector, where rent can exceed what they
 *   can afford: about one household in twenty is structurally short (affordable amount nil).
 * - Energy: the creditor we simulate (see below), a monthly advance of about EUR 120 (single) to
 *   EUR 200 (family), log-normal spread 0.25 (2025 averages of Dutch suppliers' advances); water (EUR 22–38), health insurance (EUR 158 per
 *   adult, the 2025 average basic premium plus a typical supplement; children are free), other
 *   insurance for 75 %, telecom (a home-internet package and a mobile subscription per adult), 0–4
 *   streaming or fitness subscriptions, municipal taxes in ten monthly instalments (EUR 450 a year
 *   for renters, EUR 1,000 for owners; waived for bijstand households as kwijtschelding), bank fees.
 * - Living costs: groceries at least the Nibud-like floor (EUR 260 single, +170 per extra adult, +130 per
 *   child), transport (a car for 60 % of multi-person and 40 % of one-person households), cash for 35 %.
 *   Whatever the household spends beyond its fixed costs is set by its spending propensity (below).
 *   Shopping follows the season (Black Friday and Sinterklaas in November ×1.2, Christmas ×1.5, a lean
 *   January ×0.8), and 70 % of households (35 % of benefit households) pay a summer holiday in June,
 *   July or August of a quarter to two thirds of a month's income, scaled by their spending propensity.
 * - Priorities when money is short: before paying an arrear or keeping a promise a household keeps back
 *   food and transport at its floor and the essential bills due before its next payday. A household
 *   that is short every month therefore falls behind on the energy bill rather than going hungry or
 *   missing rent, which is what makes arrears follow from the balance (household-engine.ts).
 *
 * ## Hidden traits
 * - Buffer: next to no savings (EUR 0–300) for 25 % of salaried, 8 % of pensioner and 60 % of benefit
 *   households (about 25 % overall: Nibud and DNB find about one in five households cannot absorb a
 *   EUR 1,000 setback, and far more among benefit recipients); the rest log-normal, median 2.5 months
 *   of income scaled by literacy and (square root of) income relative to the median wage.
 * - Financial literacy: 18 % low (2.5 million of about 14 million adults have trouble reading or
 *   doing sums, Stichting Lezen & Schrijven), the rest mostly high. Literacy decides whether a
 *   household keeps money aside for coming direct debits, chooses a collection day after payday,
 *   tells the creditor about a new bank account, and which channel it answers by.
 * - Willingness to pay: 7 % are "won't payers" (0.05–0.35), the rest high. A collection is refused
 *   (MS02, 60 %) or reclaimed within the refund right (MD06, 40 %) with probability (1 − willingness)² ×
 *   (0.08, or 0.5 on a disputed invoice, + 0.3 when paying would leave the household short): rare for
 *   ordinary payers, common for won't-payers. Low willingness also ignores reminders.
 * - Forgetfulness: 28 % keep no administration (docs/domain.md, "Approach"), forgetfulness 0.5–0.95;
 *   the rest 0–0.3. It delays noticing reminders, and makes manual payers miss due dates, promises
 *   and instalments.
 * - Spending propensity: share of the money left after fixed costs that the household spends, normal
 *   around 0.94 (spread 0.13): about a third live at or beyond their means and slowly eat their buffer;
 *   a household that notices a payment problem spends a little less afterwards.
 *   Spending follows income changes with a lag (a third of the gap closes each month), which is
 *   what turns an income shock into arrears.
 * - Gambling: 25 % play a lottery by subscription; 4 % gamble actively (casino, sports betting,
 *   online), of whom one in five compulsively (about 1 % of households; Trimbos and Kansspelautoriteit
 *   put problem gambling at 1–2 % of adults).
 * - Credit: 14 % have a personal loan at the start (BKR: about 1 in 7 households); 25 % use buy-now-
 *   pay-later; households short of money with a propensity to borrow take a small loan.
 *
 * ## Shocks (monthly hazards, checked on the 1st of each month)
 * - Job loss per employed earner 0.25 %: UWV registers some 20–25 thousand new WW benefits a month
 *   on about 9.5 million employees. The salary stops after a final payment, WW starts five to seven
 *   weeks later at 75 % of the last net wage for two months and 70 % after (capped), for 3–24 months;
 *   then bijstand if the household qualifies. Re-employment 9 % a month (half of WW spells end within
 *   about seven months), at 95 % of the old wage on a new payday.
 * - Divorce or separation for couples 0.12 % (≈ 1.4 % a year: CBS counts about 27 thousand divorces
 *   plus as many cohabitation splits on 4.4 million couples). The partner's income leaves; half
 *   move to a rented home (deposit and furnishing costs); contact details and often the bank
 *   account change; the children stay with the debtor in half the cases.
 * - Long-term illness per employed earner 0.15 % (about 2 % a year go on sick leave longer than six
 *   weeks); the employer pays 100 % (70 % of employers top up under their CAO) or 70 % in the first year,
 *   70 % in the second, then WIA. Recovery 8 % a month. Illness also brings the health-insurance
 *   deductible (eigen risico, EUR 385).
 * - Energy price rise 2 % (about a fifth of households renew at a higher tariff each year): the
 *   creditor's advance rises 15–40 %, which low-willingness households tend to dispute.
 * - Unexpected expense 7 % (repairs, appliances, dentist), log-normal median EUR 300.
 * - Moving house 0.8 % (about one in ten households moves each year, CBS), contact details change
 *   0.5 %, bank change 0.15 % (Overstapservice: about 1.5 % of current accounts a year), ten times as
 *   likely under lasting financial stress (a new bank where no garnishment or closed overdraft is known).
 *
 * ## The creditor (the tenant whose customers these households are)
 * An energy supplier that invoices a monthly advance fourteen days before its due date and collects
 * by SEPA direct debit from 85 % of its customers (fewer among won't-payers); the rest pay by bank
 * transfer. Once a year an annual settlement (jaarafrekening) adds an invoice or a refund. Due days
 * are one of four billing cycles (1st, 8th, 15th, 22nd), unless a literate household chose a day just
 * after its payday. Dunning: reminder 1 at 7 days past due, the 14-day letter at 21, a final notice
 * at 42; arrears events at 30, 60 and 90 days past due; at 90 days past due the overdue amount goes
 * to a collection agency, or is written off below EUR 50 (collection would cost more than it yields).
 * A next letter waits at least a week (fourteen days after the 14-day letter). A household notices a
 * reminder or a returned debit after a delay that grows with forgetfulness and lasting money stress,
 * answers with a probability that grows with willingness, literacy and the reminder's stage and
 * shrinks with stress (shame), pays at once when its money allows, else promises to pay after its
 * next payday or asks for an arrangement (six monthly instalments, at least EUR 25); an instalment
 * more than 14 days late breaks it. Nothing in this process looks at a risk score: arrears happen
 * when the mechanics say so.
 *
 * ## What this gives (measured on 1,000–3,000 households, seeds 1, 7, 13 and the test seed)
 * Arrears within 90 days of an as-of date on 6–8 % of (household, as-of date) pairs, with the
 * Monte Carlo probability agreeing with the realised share within half a percentage point; 15–18 %
 * of households in arrears at least once in 18 months; 2–3 % of collections returned, AM04 most of
 * them. test/simulation/world-statistics.test.ts checks these.
 */
export const WORLD = {
  incomeSource: [
    ['salary', 0.62],
    ['pension', 0.25],
    ['bijstand', 0.045],
    ['wia', 0.045],
    ['ww', 0.02],
    ['wajong', 0.02],
  ] as const,
  compositionBySource: {
    salary: [['single', 0.32], ['couple', 0.23], ['single_parent', 0.08], ['couple_with_children', 0.37]],
    pension: [['single', 0.5], ['couple', 0.5], ['single_parent', 0], ['couple_with_children', 0]],
    benefit: [['single', 0.5], ['couple', 0.15], ['single_parent', 0.2], ['couple_with_children', 0.15]],
  } as const,
  childrenCount: [[1, 0.42], [2, 0.42], [3, 0.16]] as const,

  salary: {
    fourWeeklyShare: 0.18,
    /** Day of month → weight; most salaries arrive on the 20th–25th. */
    monthlyPaydayWeights: [
      [15, 3], [16, 1], [17, 1], [18, 2], [19, 2], [20, 9], [21, 7], [22, 7], [23, 8], [24, 9], [25, 14], [26, 5], [27, 4], [28, 5],
    ] as const,
    mainNetMedianCents: 260_000,
    mainNetSigma: 0.33,
    mainNetFloorCents: 150_000,
    partnerWorksShare: 0.7,
    partnerNetMedianCents: 150_000,
    partnerNetSigma: 0.4,
    partnerNetFloorCents: 50_000,
    holidayPayMonthFactor: 0.65,
    holidayPayMonth: 5,
  },
  benefits: {
    uwvDayRange: [20, 27] as const,
    wiaNetMedianCents: 145_000,
    wajongNetCents: 125_000,
    bijstandMonthlyCents: { single: 128_138, couple: 183_054 },
    bijstandHolidayReserveShare: 0.05,
    bijstandHolidayPayMonth: 6,
    bijstandLastWorkingDayShare: 0.6,
    aowNetCents: { single: 145_000, couple: 200_000 },
    aowDayOfMonth: 23,
    occupationalPensionShare: 0.85,
    occupationalPensionMedianCents: 65_000,
    occupationalPensionSigma: 0.7,
    uwvHolidayPayMonthFactor: 0.5,
    aowHolidayPayMonthFactor: 0.55,
    ww: { firstMonthsShare: 0.75, laterShare: 0.7, firstMonths: 2, maxNetCents: 310_000, minMonths: 3, maxMonths: 24, startDelayDays: [35, 49] as const },
  },
  allowances: {
    dayOfMonth: 20,
    zorgtoeslag: { single: { maxCents: 13_100, fullBelowCents: 190_000, zeroAtCents: 290_000 }, couple: { maxCents: 25_100, fullBelowCents: 260_000, zeroAtCents: 380_000 } },
    huurtoeslag: { maxRentCents: 90_000, baseRentCents: 25_000, single: { fullBelowCents: 150_000, zeroAtCents: 240_000 }, couple: { fullBelowCents: 200_000, zeroAtCents: 320_000 } },
    kindgebondenBudget: { perChildCents: 20_000, singleParentCents: 28_000, taperFromCents: 220_000, taperRate: 0.09 },
    kinderbijslagPerQuarterCents: [[5, 28_146], [11, 34_178], [17, 40_196]] as const,
    kinderbijslagMonths: [1, 4, 7, 10] as const,
    kinderbijslagDayOfMonth: 3,
  },
  housing: {
    pensionerOwnerShare: 0.55,
    ownerIncomeMidpointCents: 320_000,
    ownerIncomeScaleCents: 70_000,
    benefitOwnerShare: 0.08,
    mortgageIncomeShare: 0.24,
    socialRentMedianCents: 70_000,
    socialRentMaxCents: 90_000,
    privateRentMedianCents: 125_000,
    rentDirectDebitShare: 0.6,
  },
  costs: {
    energyAdvanceCents: { single: 12_000, couple: 16_000, single_parent: 16_000, couple_with_children: 20_000 },
    energyAdvanceSigma: 0.25,
    waterCents: { single: 2_200, couple: 3_000, single_parent: 3_000, couple_with_children: 3_800 },
    healthPremiumPerAdultCents: 15_800,
    healthDeductibleCents: 38_500,
    otherInsuranceShare: 0.75,
    localTaxesYearCents: { renter: 45_000, owner: 100_000 },
    groceriesFloorCents: { firstAdult: 26_000, extraAdult: 17_000, child: 13_000 },
    carShare: { single: 0.4, multi: 0.6 },
    cashUserShare: 0.35,
  },
  traits: {
    noBufferShareBySource: { salary: 0.25, pension: 0.08, benefit: 0.6 },
    bufferMedianMonths: 2.5,
    lowLiteracyShare: 0.18,
    wontPayShare: 0.07,
    noAdministrationShare: 0.28,
    spendingPropensityMean: 0.94,
    spendingPropensitySd: 0.13,
    spendingAdaptPerMonth: 1 / 3,
    lotteryShare: 0.25,
    activeGamblerShare: 0.04,
    compulsiveShareOfGamblers: 0.2,
    personalLoanShare: 0.14,
    bnplUserShare: 0.25,
    borrowsWhenShortShare: 0.3,
  },
  /** Monthly hazards. */
  hazards: {
    jobLossPerEarner: 0.0025,
    reemploymentWhileUnemployed: 0.09,
    separationPerCouple: 0.0012,
    illnessPerEarner: 0.0015,
    recoveryFromIllness: 0.08,
    energyPriceRise: 0.02,
    unexpectedExpense: 0.07,
    moveHouse: 0.008,
    contactDetailsChange: 0.005,
    bankChange: 0.0015,
    bankChangeUnderStressFactor: 10,
  },
  creditor: {
    directDebitShare: 0.85,
    directDebitShareWontPay: 0.6,
    billingDueDays: [1, 8, 15, 22] as const,
    invoiceLeadDays: 14,
    reminderDaysPastDue: [7, 21, 42] as const,
    arrearsDaysPastDue: [30, 60, 90] as const,
    handOverDaysPastDue: 90,
    writeOffBelowCents: 5_000,
    arrangementMonths: 6,
    arrangementMinimumCents: 2_500,
    arrangementGraceDays: 14,
    collectionCostsShare: 0.15,
    collectionCostsMinimumCents: 4_000,
  },
} as const;

export type MainIncomeSource = (typeof WORLD.incomeSource)[number][0];
