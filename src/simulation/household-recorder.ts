/**
 * The camera on a household's actual life: turns what the engine does into bank entries (with
 * names, remittance texts, ids and true categories), the creditor's data points, and the truth.
 * Monte Carlo futures run without it. It draws from its own random streams (one for cosmetic
 * details, one for ids), so describing a life never changes how the life goes.
 */
import type { CategoryId } from '../analytics/taxonomy.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import {
  BANK_FEES,
  counterpartyNamed,
  DUTCH_MONTHS,
  GELDMAAT,
  SHOPS_BY_SPEND,
  TRAVEL_AGENCIES,
  SUPERMARKETS,
  type Counterparty,
} from './counterparties.js';
import { dayNumberOf, dayOfMonthOf, isoDateOf, monthOf, yearOf } from './dutch-calendar.js';
import { DUTCH_BANKS, randomDutchIban, type DutchBank } from './dutch-identifiers.js';
import {
  debtServiceMonthly,
  essentialFixedMonthly,
  stableMonthlyIncome,
} from './household-budget.js';
import type { HouseholdProfile, HouseholdState, IncomeStreamState, ObligationState } from './household-state.js';
import { deriveSeed, SeededRandom } from './seeded-random.js';
import type {
  MonthlyAffordability,
  SimulatedAccount,
  SimulatedBankTransaction,
  TrueIncomeStream,
  TrueShock,
} from './simulation.types.js';

/** A data point as the engine states it; the recorder adds eventId, debtorRef and occurredOn. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type DataPointBody = DistributiveOmit<DataPointEvent, 'eventId' | 'debtorRef' | 'occurredOn'>;

const RETURN_REASON_TEXT: Record<string, string> = {
  AM04: 'Saldo ontoereikend',
  MS02: 'Geweigerd door rekeninghouder',
  MD06: 'Terugboeking op verzoek rekeninghouder',
  AC04: 'Rekening opgeheven',
};

interface StreamRecord {
  truth: TrueIncomeStream;
  reference: string;
}

export class HouseholdRecorder {
  readonly accounts: SimulatedAccount[] = [];
  readonly events: DataPointEvent[] = [];
  readonly shocks: TrueShock[] = [];
  readonly affordability: MonthlyAffordability[] = [];
  private readonly streams: StreamRecord[] = [];
  private readonly cosmetic: SeededRandom;
  private readonly ids: SeededRandom;
  private readonly currentAccounts: SimulatedAccount[] = [];
  private readonly savings: SimulatedAccount;
  private readonly transactionSeq = new Map<SimulatedAccount, number>();
  private readonly branchNumbers = new Map<string, string>();
  private readonly cardNumber: string;
  private lastReminderEventId: string | null = null;
  private readonly contractNumber: string;

  /** Starts recording a household as it stands now (after its burn-in): its streams and balances. */
  constructor(
    private readonly profile: HouseholdProfile,
    initial: HouseholdState,
  ) {
    this.cosmetic = new SeededRandom(deriveSeed(profile.seed, 'cosmetic'));
    this.ids = new SeededRandom(deriveSeed(profile.seed, 'ids'));
    this.cardNumber = String(this.cosmetic.int(100, 999));
    this.contractNumber = String(this.cosmetic.int(1_000_000, 9_999_999));
    const bank = DUTCH_BANKS.find(([b]) => b.code === profile.bankCode)![0];
    const current = this.openAccount(bank, 'current', profile.startDay, initial.currentBalanceCents);
    this.currentAccounts.push(current);
    this.savings = this.openAccount(bank, 'savings', profile.startDay, initial.savingsBalanceCents);
    for (const stream of initial.streams) this.registerStream(stream);
  }

  private openAccount(bank: DutchBank, kind: 'current' | 'savings', day: number, openingBalanceCents: number): SimulatedAccount {
    const account: SimulatedAccount = {
      iban: randomDutchIban(this.cosmetic, bank.code),
      bic: bank.bic,
      bankName: bank.name,
      ownerName: this.profile.partnerName ? `${this.profile.debtorName} en/of ${this.profile.partnerName}` : this.profile.debtorName,
      kind,
      openedOn: isoDateOf(day),
      closedOn: null,
      statementFrom: isoDateOf(day),
      statementTo: isoDateOf(this.profile.endDay - 1),
      openingBalanceCents,
      closingBookedBalanceCents: openingBalanceCents,
      transactions: [],
    };
    this.accounts.push(account);
    return account;
  }

  private get current(): SimulatedAccount {
    return this.currentAccounts[this.currentAccounts.length - 1]!;
  }

  // -------------------------------------------------------------------------------------------
  // Ids and references

  invoiceId(seq: number): string {
    return `${this.profile.debtorRef}-F${String(seq).padStart(3, '0')}`;
  }

  mandateId(seq: number): string {
    return `${this.profile.debtorRef}-M${seq}`;
  }

  arrangementId(seq: number): string {
    return `${this.profile.debtorRef}-R${seq}`;
  }

  // -------------------------------------------------------------------------------------------
  // Bank entries

  private book(
    account: SimulatedAccount,
    day: number,
    amountCents: number,
    category: CategoryId,
    counterparty: { name: string; iban: string | null },
    remittance: string,
    bankTransactionCode: string,
    extra: Partial<Pick<SimulatedBankTransaction, 'creditorId' | 'mandateId' | 'endToEndId' | 'returnReasonCode'>> = {},
  ): void {
    const seq = (this.transactionSeq.get(account) ?? 0) + 1;
    this.transactionSeq.set(account, seq);
    const date = isoDateOf(day);
    account.transactions.push({
      transactionId: `${account.iban.slice(-6)}${date.slice(0, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${String(seq).padStart(5, '0')}`,
      status: 'booked',
      bookingDate: date,
      valueDate: date,
      amountCents,
      counterpartyName: counterparty.name,
      counterpartyIban: counterparty.iban,
      // Unstructured remittance is at most 140 characters in SEPA, camt and Berlin Group alike.
      remittance: remittance.length > 140 ? remittance.slice(0, 140).trimEnd() : remittance,
      bankTransactionCode,
      creditorId: extra.creditorId ?? null,
      mandateId: extra.mandateId ?? null,
      endToEndId: extra.endToEndId ?? null,
      returnReasonCode: extra.returnReasonCode ?? null,
      category,
    });
    account.closingBookedBalanceCents += amountCents;
  }

  private monthYear(day: number): string {
    return `${DUTCH_MONTHS[monthOf(day) - 1]} ${yearOf(day)}`;
  }

  registerStream(stream: IncomeStreamState): void {
    const reference = String(this.cosmetic.int(100_000, 9_999_999));
    this.streams[stream.id] = {
      reference,
      truth: {
        kind: stream.kind,
        category: stream.category,
        payerName: stream.payer.name,
        payerIban: stream.payer.iban,
        earner: stream.earner === 0 ? 'debtor' : stream.earner === 1 ? 'partner' : 'household',
        schedule: stream.schedule,
        regularAmountCents: stream.amountCents,
        firstPaidOn: null,
        lastPaidOn: null,
        payments: 0,
        activeAtEnd: true,
      },
    };
  }

  private incomeText(stream: IncomeStreamState, day: number, reference: string): string {
    const month = this.monthYear(day).toUpperCase();
    const year = yearOf(day);
    switch (stream.kind) {
      case 'salary':
        return stream.schedule.rule === 'four_weekly'
          ? `LOON PERIODE ${String(Math.min(13, Math.floor((day - dayNumberOf(year, 1, 1)) / 28) + 1)).padStart(2, '0')} ${year} PERSNR ${reference}`
          : `SALARIS ${month} PERSNR ${reference}`;
      case 'ww':
        return `UITKERING WW ${month} KENMERK ${reference}`;
      case 'wia':
        return `UITKERING WIA ${month} KENMERK ${reference}`;
      case 'wajong':
        return `UITKERING WAJONG ${month} KENMERK ${reference}`;
      case 'aow':
        return `AOW ${String(monthOf(day)).padStart(2, '0')}-${year} SVB ${reference}`;
      case 'occupational_pension':
        return `PENSIOEN ${month} DEELNEMERNR ${reference}`;
      case 'bijstand':
        return `PARTICIPATIEWET ${month} DOSSIER ${reference}`;
      case 'kinderbijslag': {
        const quarter = Math.floor((monthOf(day) - 1) / 3) || 4;
        return `KINDERBIJSLAG ${quarter}E KWARTAAL ${quarter === 4 ? year - 1 : year} SVB ${reference}`;
      }
      case 'zorgtoeslag':
      case 'huurtoeslag':
      case 'kindgebonden_budget': {
        // Paid on the 20th of the month before the month it covers: December pays next year's January.
        const coveredYear = monthOf(day) === 12 ? year + 1 : year;
        const name = stream.kind === 'kindgebonden_budget' ? 'KINDGEBONDEN BUDGET' : stream.kind.toUpperCase();
        return `VOORSCHOT ${name} ${coveredYear} ${reference}`;
      }
    }
  }

  incomeCredit(day: number, stream: IncomeStreamState, amountCents: number, includesHolidayPay: boolean): void {
    const record = this.streams[stream.id]!;
    const text = this.incomeText(stream, day, record.reference) + (includesHolidayPay ? ' INCL VAKANTIEGELD' : '');
    this.book(this.current, day, amountCents, stream.category, stream.payer, text, 'PMNT-RCDT-ESCT');
    const truth = record.truth;
    const date = isoDateOf(day);
    truth.firstPaidOn ??= date;
    truth.lastPaidOn = date;
    truth.payments++;
    truth.regularAmountCents = stream.amountCents;
  }

  holidayPayCredit(day: number, stream: IncomeStreamState, amountCents: number): void {
    const record = this.streams[stream.id]!;
    this.book(this.current, day, amountCents, stream.category, stream.payer, `VAKANTIEGELD ${yearOf(day)} KENMERK ${record.reference}`, 'PMNT-RCDT-ESCT');
  }

  private obligationText(o: ObligationState, day: number): string {
    const when = this.monthYear(day);
    switch (o.kind) {
      case 'housing':
        return o.category === 'expense.housing' && /Hypothe|Obvion|Florius/.test(o.payee.name)
          ? `Hypotheek ${o.reference} termijn ${when}`
          : `Huur ${when} contractnr ${o.reference}`;
      case 'water':
        return `Voorschot drinkwater ${when} klantnr ${o.reference}`;
      case 'health_insurance':
        return `Premie zorgverzekering ${when} polisnr ${o.reference}`;
      case 'health_deductible':
        return `Eigen risico ${yearOf(day)} termijn polisnr ${o.reference}`;
      case 'other_insurance':
        return `Premie verzekeringen ${when} polisnr ${o.reference}`;
      case 'internet':
        return `Factuur ${when} klantnr ${o.reference} internet en tv`;
      case 'mobile':
        return `Abonnement mobiel ${when} klantnr ${o.reference}`;
      case 'subscription':
        return `${o.payee.name} abonnement ${when}`;
      case 'local_taxes':
        return `Aanslag gemeentelijke belastingen ${yearOf(day)} aanslagnr ${o.reference} termijn ${monthOf(day) - 2} van 10`;
      case 'bank_fees':
        return `${BANK_FEES[this.profile.bankCode]?.packageName ?? 'Kosten betaalrekening'} ${when}`;
      case 'loan':
      case 'payday_loan':
        return `Termijn lening ${o.reference} ${when}`;
      case 'lottery':
        return `Lotenabonnement ${when} deelnemer ${o.reference}`;
    }
  }

  obligationDebit(day: number, o: ObligationState, amountCents: number): void {
    const text = this.obligationText(o, day);
    if (o.method === 'direct_debit') {
      this.book(this.current, day, -amountCents, o.category, o.payee, text, 'PMNT-RDDT-ESDD', { creditorId: o.payee.creditorId, mandateId: o.mandateId });
    } else if (o.method === 'standing_order') {
      this.book(this.current, day, -amountCents, o.category, o.payee, text, 'PMNT-ICDT-STDO');
    } else if (o.method === 'bank_charge') {
      this.book(this.current, day, -amountCents, o.category, { name: o.payee.name, iban: null }, text, 'ACMT-MDOP-CHRG');
    } else {
      this.book(this.current, day, -amountCents, o.category, { name: o.payee.name, iban: null }, this.cardText(o.payee.name, day), 'PMNT-CCRD-POSD');
    }
  }

  obligationReturned(day: number, o: ObligationState, amountCents: number, reasonCode: string): void {
    this.book(
      this.current,
      day,
      amountCents,
      'reversal.returned_debit',
      o.payee,
      `Storno incasso ${this.obligationText(o, day)} reden ${reasonCode} ${RETURN_REASON_TEXT[reasonCode] ?? ''}`.trim(),
      'PMNT-RDDT-UPDD',
      { creditorId: o.payee.creditorId, mandateId: o.mandateId, returnReasonCode: reasonCode },
    );
  }

  transferOut(day: number, payee: Counterparty, amountCents: number, category: CategoryId, remittance: string): void {
    this.book(this.current, day, -amountCents, category, payee, remittance, 'PMNT-ICDT-ESCT');
  }

  transferIn(day: number, payer: Counterparty, amountCents: number, category: CategoryId, remittance: string): void {
    this.book(this.current, day, amountCents, category, payer, remittance, 'PMNT-RCDT-ESCT');
  }

  taxRefund(day: number, amountCents: number): void {
    this.book(this.current, day, amountCents, 'income.refund', counterpartyNamed('Belastingdienst'), `TERUGGAAF INKOMSTENBELASTING ${yearOf(day) - 1} AANSLAGNR ${this.cosmetic.int(100_000_000, 999_999_999)}H`, 'PMNT-RCDT-ESCT');
  }

  private branch(store: string): string {
    let found = this.branchNumbers.get(store);
    if (!found) {
      found = store === 'Albert Heijn' ? `Albert Heijn ${this.cosmetic.int(1000, 2999)}` : `${store} ${this.profile.city}`;
      this.branchNumbers.set(store, found);
    }
    return found;
  }

  supermarket(favourite: string): string {
    return this.branch(this.cosmetic.chance(0.75) ? favourite : this.cosmetic.pickWeighted(SUPERMARKETS));
  }

  travelAgency(): string {
    return this.cosmetic.pick(TRAVEL_AGENCIES);
  }

  shop(amountCents: number): string {
    return this.cosmetic.pick(amountCents < 6_000 ? SHOPS_BY_SPEND.small : amountCents < 25_000 ? SHOPS_BY_SPEND.medium : SHOPS_BY_SPEND.large);
  }

  private cardText(merchant: string, day: number): string {
    const d = dayOfMonthOf(day);
    const time = `${String(this.cosmetic.int(8, 21)).padStart(2, '0')}.${String(this.cosmetic.int(0, 59)).padStart(2, '0')}`;
    const terminal = `${String.fromCharCode(65 + this.cosmetic.int(0, 25))}${this.cosmetic.int(10000, 99999)}`;
    return `BEA, Betaalpas ${merchant},PAS${this.cardNumber} NR:${terminal}, ${String(d).padStart(2, '0')}.${String(monthOf(day)).padStart(2, '0')}.${String(yearOf(day) % 100).padStart(2, '0')}/${time} ${this.profile.city.toUpperCase()}`;
  }

  cardPayment(day: number, merchant: string, amountCents: number, category: CategoryId): void {
    this.book(this.current, day, -amountCents, category, { name: merchant, iban: null }, this.cardText(merchant, day), 'PMNT-CCRD-POSD');
  }

  cashWithdrawal(day: number, amountCents: number): void {
    const name = `${GELDMAAT} ${this.profile.city}`;
    this.book(this.current, day, -amountCents, 'expense.cash', { name, iban: null }, this.cardText(name, day).replace('BEA,', 'GEA,'), 'PMNT-CCRD-CWDL');
  }

  ownTransfer(day: number, direction: 'to_savings' | 'from_savings', amountCents: number): void {
    const owner = this.current.ownerName;
    if (direction === 'to_savings') {
      this.book(this.current, day, -amountCents, 'transfer.own_account', { name: owner, iban: this.savings.iban }, 'Naar spaarrekening', 'PMNT-ICDT-BOOK');
      this.book(this.savings, day, amountCents, 'transfer.own_account', { name: owner, iban: this.current.iban }, 'Van betaalrekening', 'PMNT-RCDT-BOOK');
    } else {
      this.book(this.savings, day, -amountCents, 'transfer.own_account', { name: owner, iban: this.current.iban }, 'Naar betaalrekening', 'PMNT-ICDT-BOOK');
      this.book(this.current, day, amountCents, 'transfer.own_account', { name: owner, iban: this.savings.iban }, 'Van spaarrekening', 'PMNT-RCDT-BOOK');
    }
  }

  overdraftInterest(day: number, amountCents: number): void {
    const bank = BANK_FEES[this.profile.bankCode]?.name ?? 'Bank';
    this.book(this.current, day, -amountCents, 'expense.bank_fees', { name: bank, iban: null }, `Debetrente ${this.monthYear(day - 1)}`, 'ACMT-MDOP-INTR');
  }

  savingsInterest(day: number, amountCents: number): void {
    const bank = BANK_FEES[this.profile.bankCode]?.name ?? 'Bank';
    this.book(this.savings, day, amountCents, 'income.other', { name: bank, iban: null }, `Rente ${yearOf(day) - 1}`, 'ACMT-MCOP-INTR');
  }

  // The creditor on the bank statement

  private creditorText(invoiceSeq: number, day: number): string {
    return `Voorschot energie ${this.monthYear(day)} factuur ${this.invoiceId(invoiceSeq)} klantnr ${this.profile.debtorRef}`;
  }

  creditorDebit(day: number, invoiceSeq: number, amountCents: number, mandateSeq: number): void {
    const creditor = this.profile.creditor;
    this.book(this.current, day, -amountCents, 'expense.energy', creditor, this.creditorText(invoiceSeq, day), 'PMNT-RDDT-ESDD', {
      creditorId: creditor.creditorId,
      mandateId: this.mandateId(mandateSeq),
      endToEndId: this.invoiceId(invoiceSeq),
    });
  }

  creditorReturn(day: number, invoiceSeq: number, amountCents: number, reasonCode: string, mandateSeq: number): void {
    const creditor = this.profile.creditor;
    this.book(
      this.current,
      day,
      amountCents,
      'reversal.returned_debit',
      creditor,
      `Storno incasso factuur ${this.invoiceId(invoiceSeq)} reden ${reasonCode} ${RETURN_REASON_TEXT[reasonCode] ?? ''}`.trim(),
      'PMNT-RDDT-UPDD',
      { creditorId: creditor.creditorId, mandateId: this.mandateId(mandateSeq), endToEndId: this.invoiceId(invoiceSeq), returnReasonCode: reasonCode },
    );
  }

  creditorTransfer(day: number, invoiceSeq: number, amountCents: number, viaIdeal: boolean): void {
    const creditor = this.profile.creditor;
    const text = viaIdeal ? `iDEAL betaling factuur ${this.invoiceId(invoiceSeq)} ${creditor.name}` : `Betaling factuur ${this.invoiceId(invoiceSeq)}`;
    this.book(this.current, day, -amountCents, 'expense.energy', creditor, text, 'PMNT-ICDT-ESCT', { endToEndId: this.invoiceId(invoiceSeq) });
  }

  creditorRefund(day: number, amountCents: number): void {
    this.book(this.current, day, amountCents, 'income.refund', this.profile.creditor, `Restitutie jaarafrekening ${yearOf(day)} klantnr ${this.profile.debtorRef}`, 'PMNT-RCDT-ESCT');
  }

  /** A new current account at another bank; the balance moves over and the old account closes. */
  bankChange(day: number, balanceCents: number): void {
    const old = this.current;
    const candidates = DUTCH_BANKS.filter(([b]) => b.name !== old.bankName);
    const bank = this.cosmetic.pickWeighted(candidates);
    const fresh = this.openAccount(bank, 'current', day, 0);
    this.currentAccounts.push(fresh);
    const owner = this.profile.debtorName;
    fresh.ownerName = owner;
    if (balanceCents !== 0) {
      this.book(old, day, -balanceCents, 'transfer.own_account', { name: owner, iban: fresh.iban }, 'Overboeking saldo naar nieuwe rekening (Overstapservice)', 'PMNT-ICDT-BOOK');
      this.book(fresh, day, balanceCents, 'transfer.own_account', { name: owner, iban: old.iban }, 'Saldo oude rekening (Overstapservice)', 'PMNT-RCDT-BOOK');
    }
    old.closedOn = isoDateOf(day);
    old.statementTo = isoDateOf(day);
  }

  // -------------------------------------------------------------------------------------------
  // Data points and truth

  event(day: number, body: DataPointBody): void {
    const eventId = this.ids.uuid();
    const { type, ...fields } = body;
    const event = { eventId, debtorRef: this.profile.debtorRef, type, occurredOn: isoDateOf(day), ...fields } as DataPointEvent;
    if (body.type === 'reminder_sent') this.lastReminderEventId = eventId;
    if (body.type === 'contact_answered' && this.lastReminderEventId) (event as { inResponseToEventId?: string }).inResponseToEventId = this.lastReminderEventId;
    this.events.push(event);
  }

  shock(day: number, shock: Omit<TrueShock, 'occurredOn'>): void {
    this.shocks.push({ kind: shock.kind, occurredOn: isoDateOf(day), ...(shock.earner ? { earner: shock.earner } : {}), ...(shock.amountCents !== undefined ? { amountCents: shock.amountCents } : {}) });
  }

  monthStart(day: number, state: HouseholdState): void {
    const stableIncomeCents = stableMonthlyIncome(state);
    const essentialCostsCents = essentialFixedMonthly(state) + state.groceriesFloorCents + state.transportFloorCents;
    const debtServiceCents = debtServiceMonthly(state);
    this.affordability.push({
      month: isoDateOf(day),
      stableIncomeCents,
      essentialCostsCents,
      debtServiceCents,
      affordableCents: Math.max(0, stableIncomeCents - essentialCostsCents - debtServiceCents),
    });
  }

  /** Closes the books: marks the last two days' card payments pending and reports the streams. */
  finish(state: HouseholdState): TrueIncomeStream[] {
    const lastDays = new Set([isoDateOf(this.profile.endDay - 1), isoDateOf(this.profile.endDay - 2)]);
    for (const account of this.accounts) {
      for (const t of account.transactions) {
        if (t.bankTransactionCode === 'PMNT-CCRD-POSD' && lastDays.has(t.bookingDate)) {
          t.status = 'pending';
          account.closingBookedBalanceCents -= t.amountCents;
        }
      }
    }
    for (const stream of state.streams) {
      const record = this.streams[stream.id];
      if (record) record.truth.activeAtEnd = stream.active;
    }
    // Streams that ended during the burn-in never paid in the recorded period: not part of the truth.
    return this.streams.filter((s) => s !== undefined && (s.truth.payments > 0 || s.truth.activeAtEnd)).map((s) => s.truth);
  }
}
