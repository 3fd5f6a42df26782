/**
 * The draagkracht policy in the household simulator: what issue 12's humane creditor does when an
 * invoice is overdue, built from the product's own pure functions.
 *
 * 1. A few days past due the creditor opens a case: it assesses affordability from the bank data it
 *    can see (creditor-view.ts), segments the debtor (segmentDebtor) and picks the treatment and
 *    the contact window (the first working day after the predicted main income).
 * 2. On the window's first day it contacts the debtor with plan options (planOptions) for what is
 *    overdue, computed on the day's bank data; with no affordable option it follows the write-off
 *    recommendation (recommendForClaim): write off, or refer to debt help. Complex debt is referred
 *    at once. Without an answer it contacts again in the next window, up to `maxContacts` times,
 *    and then acts on the recommendation (write off, refer, or leave the claim to standard dunning).
 *    A temporary shock (a good payer whose income fell) is first offered a payment pause of
 *    `pauseDays`, after which the case opens again on bank data that shows the new income.
 * 3. A won't-pay debtor (the money is there, payment refused) gets the firm treatment's channels and
 *    tone, with the same affordable options. Where the recommendation says collecting still pays
 *    and no answer comes, the 14-day letter follows and then the agency with the WIK costs, told to
 *    agree no instalment above the affordable amount (written off instead when nothing is).
 * 4. A plan is followed: a missed instalment gets a reminder on the next predicted income day; not
 *    paid within `missedAfterDays` it moves to the end of the plan; `breachAfterMissed` misses break
 *    the plan, and the debtor gets one new plan on fresh data before the recommendation decides.
 * 5. This policy charges no collection costs: nothing to waive, so the costs-waived rewards of the
 *    plan policy stay at zero here (the pay-now and plan options carry them when costs exist).
 *
 * The creditor's decisions read only the creditor's view. The household's answers (household-
 * response.ts) are the household's own behaviour and read its true state, as in standard dunning.
 */
import { defaultClaimNorms } from '../claims/claim-norms.js';
import type { CategorisedTransaction } from '../analytics/categorisation/categorise.js';
import { upcomingDates } from '../analytics/income-days.js';
import type { AffordabilityReport } from '../affordability/report.types.js';
import { contactWindow, mainIncomeOf, segmentDebtor, treatmentFor, DEFAULT_COLLECTION_SEGMENT_THRESHOLDS, type CollectionSegmentThresholds, type SegmentResult, type Treatment } from '../collection-segments/index.js';
import type { ContactChannel, DataPointEvent } from '../data-points/data-point.schema.js';
import { deriveSignals } from '../data-points/derived-signals.js';
import { toDayNumber, type IsoDate } from '../platform/dates.js';
import { planInputsFromReport, planOptions, type PlanAffordability, type PlanOption, type PlanOptionsResult } from '../repayment-plans/plan-options.js';
import { DEFAULT_REPAYMENT_PLAN_POLICY, type RepaymentPlanPolicy } from '../repayment-plans/plan-policy.js';
import type { CreditorPolicy } from '../simulation/creditor-policy.js';
import { agencyReturnsUncollected, handOver, isOverdue, markArrearsMilestones, noticeDelay, plannedPayment } from '../simulation/creditor-process.js';
import { dayOfMonthOf, isoDateOf } from '../simulation/dutch-calendar.js';
import type { EngineContext } from '../simulation/household-engine.js';
import type { InvoiceState } from '../simulation/household-state.js';
import { defaultCollectionCostsConfig, type CollectionCostsConfig } from '../write-off/collection-costs.js';
import { recommendForClaim, type Recommendation } from '../write-off/recommend.js';
import { assessView, creditorViewOf } from './creditor-view.js';
import { householdAnswersContact, householdPaysInstalment, type ContactOffer } from './household-response.js';

export interface DraagkrachtSettings {
  plans: RepaymentPlanPolicy;
  segments: CollectionSegmentThresholds;
  costs: CollectionCostsConfig;
  /**
   * Days past due before a case opens. A manual payer's transfer or a household that noticed its
   * returned debit often settles within days; contacting them at once costs and annoys.
   */
  openCaseDaysPastDue: number;
  /** Contacts without an answer before the recommendation decides. */
  maxContacts: number;
  /**
   * A payment pause for a temporary shock (the treatment's offer_payment_pause), in days: long
   * enough for the new income to show in the bank data, so the plan after it is made on it.
   */
  pauseDays: number;
  /** New plans after a breach before the recommendation decides. */
  replansAfterBreach: number;
}

/**
 * The policy's settings: the tenant policies' defaults (repayment_plans, collection_segments,
 * collection_costs), and three simulation choices documented in docs/policy-simulation.md.
 */
export function defaultDraagkrachtSettings(): DraagkrachtSettings {
  return {
    plans: DEFAULT_REPAYMENT_PLAN_POLICY,
    segments: DEFAULT_COLLECTION_SEGMENT_THRESHOLDS,
    costs: defaultCollectionCostsConfig(),
    openCaseDaysPastDue: 5,
    maxContacts: 3,
    pauseDays: 61,
    replansAfterBreach: 1,
  };
}

/** What the policy did, for the comparison; the measurement adds the hidden truth to it. */
export interface PolicyObserver {
  caseOpened?(day: number, segment: SegmentResult): void;
  offered?(day: number, offer: PlanOptionsResult): void;
  agreed?(day: number, option: PlanOption): void;
  kept?(day: number, option: PlanOption): void;
  broken?(day: number, option: PlanOption): void;
  referred?(day: number, reason: string): void;
  enteredDebtHelp?(day: number): void;
  paidNow?(day: number, cents: number): void;
  wroteOff?(day: number, cents: number, reason: string): void;
}

type CaseDecision =
  | { kind: 'offer'; offer: PlanOptionsResult }
  | { kind: 'pause' }
  | { kind: 'refer'; reason: string };

interface OpenCase {
  openedDay: number;
  segment: SegmentResult;
  treatment: Treatment;
  contactDay: number;
  contacts: number;
  /** What the latest contact put to the debtor, until the debtor answers or the next contact. */
  pending: CaseDecision | null;
  replansLeft: number;
  /** Refer to debt help at the next contact instead of offering a plan (a plan already broke). */
  referOnContact: boolean;
  /** A referral was made in this case (counted once). */
  referred: boolean;
}

interface ActivePlan {
  option: PlanOption;
  /** Due days of the instalments still to pay, in order; a missed one moves to the end. */
  dueDays: number[];
  amounts: number[];
  missed: number;
  /** Day of the reminder for the instalment now unpaid (-1 when none). */
  reminderDay: number;
  /** The instalment due on dueDays[0] was not paid on its day. */
  late: boolean;
  /** Income schedule the creditor predicts, for reminder days. */
  report: AffordabilityReport;
  replansLeft: number;
}

/**
 * A late instalment whose reminder is noticed this close to the next instalment's due date would
 * be paid from the same income as the next one: less than a month apart, as instalments follow
 * monthly paydays.
 */
const SAME_INCOME_PERIOD_DAYS = 28;

const CHANNELS_WE_SEND: ReadonlySet<ContactChannel> = new Set(['letter', 'email', 'sms', 'whatsapp', 'app', 'phone']);

/** The claims of a case as planOptions, segmentDebtor and recommendForClaim need them. */
function claimsOf(ctx: EngineContext, invoices: readonly InvoiceState[]): { claimId: string; reference: string; dueDate: IsoDate; totalDueCents: number; costsOutstandingCents: number }[] {
  return invoices.map((i) => {
    const id = ctx.rec ? ctx.rec.invoiceId(i.seq) : String(i.seq);
    return { claimId: id, reference: id, dueDate: isoDateOf(i.dueDay), totalDueCents: i.outstandingCents, costsOutstandingCents: 0 };
  });
}

export class DraagkrachtPolicy implements CreditorPolicy {
  readonly name = 'draagkracht';
  private case: OpenCase | null = null;
  private plan: ActivePlan | null = null;
  /** Day the 14-day letter's term has passed and the claim may go to the agency (-1 when none). */
  private handOverDay = -1;
  /** Invoices paused for a temporary shock, and the day the pause ends (-1 when none). */
  private paused: InvoiceState[] = [];
  private pauseEndDay = -1;
  /** One pause per household: a second shock gets a plan on the data as it stands. */
  private pauseUsed = false;
  /** What the household paid us in answer to a contact or in a plan, by calendar month (the creditor's own books). */
  private readonly collected = new Map<number, number>();

  constructor(
    private readonly settings: DraagkrachtSettings = defaultDraagkrachtSettings(),
    private readonly observer: PolicyObserver = {},
  ) {}

  /** Whether a plan is running (for the comparison's count of plans still running at the end). */
  hasPlan(): boolean {
    return this.plan !== null;
  }

  arrearsDay(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    if (day === c.noticeDay) this.householdNotices(ctx, day);
    if (day === c.plannedPaymentDay) plannedPayment(ctx, day);
    if (this.plan) this.followPlan(ctx, day);
    if (day === this.pauseEndDay) this.endPause();
    const oldest = markArrearsMilestones(ctx, day);
    this.creditorStep(ctx, day, oldest);
    agencyReturnsUncollected(ctx, day);
  }

  // -------------------------------------------------------------------------------------------
  // The creditor

  private creditorStep(ctx: EngineContext, day: number, oldest: InvoiceState | null): void {
    const c = ctx.state.creditor;
    if (!oldest) {
      if (this.case) this.case = null;
      if (!this.plan) c.reminderStage = 0;
      if (c.caseOpen && !this.plan && !ctx.state.collectionCases.some((k) => k.fromOurCreditor) && !dueTodayUnpaid(c.invoices, day)) {
        c.caseOpen = false;
        ctx.rec?.event(day, { type: 'paid_in_full' });
      }
      return;
    }
    if (day === this.handOverDay) {
      this.handOverAffordably(ctx, day);
      return;
    }
    if (this.handOverDay > day) return;
    if (!this.case) {
      if (day - oldest.dueDay >= this.settings.openCaseDaysPastDue) this.openCase(ctx, day, this.plan?.replansLeft ?? this.settings.replansAfterBreach);
      return;
    }
    if (day === this.case.contactDay) this.contact(ctx, day);
  }

  /**
   * Collecting still pays (the recommendation says collect): the statutory 14-day letter, after
   * which the WIK costs may be charged, and the agency when its term has passed unpaid.
   */
  private escalate(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    this.case = null;
    c.caseOpen = true;
    c.reminderStage = 2;
    c.lastReminderDay = day;
    ctx.rec?.event(day, { type: 'reminder_sent', channel: 'letter', stage: 'fourteen_day_letter' });
    if (c.noticeDay < 0) c.noticeDay = day + noticeDelay(ctx);
    // The term runs from the day after the letter is deemed received (src/claims, wik-scale.json).
    const letter = defaultClaimNorms().letter;
    this.handOverDay = day + letter.deemedReceivedAfterDays + letter.termDays + 1;
  }

  /**
   * The agency gets the claim with the WIK costs, and the creditor's instruction to agree no
   * instalment above what the bank data shows is affordable: collection by the agency must not take
   * the household below its protected income either. Where nothing is affordable, handing over
   * would only add costs: the claim is written off.
   */
  private handOverAffordably(ctx: EngineContext, day: number): void {
    this.handOverDay = -1;
    const c = ctx.state.creditor;
    if (!c.invoices.some((i) => isOverdue(i, day))) return;
    const affordability = this.affordabilityLeft(ctx, day, this.assess(ctx, day).report);
    const ceiling = Math.max(0, Math.min(affordability.lowCents, affordability.highCents, affordability.incomeCents - affordability.protectedCents));
    if (ceiling < this.settings.plans.minimumInstalmentCents) {
      this.writeOffOverdue(ctx, day, 'collecting would take the household below its protected income: written off instead of handed over');
      return;
    }
    const casesBefore = ctx.state.collectionCases.length;
    handOver(ctx, day);
    for (let i = casesBefore; i < ctx.state.collectionCases.length; i++) {
      const k = ctx.state.collectionCases[i]!;
      if (k.fromOurCreditor) k.monthlyCents = Math.min(k.monthlyCents, ceiling);
    }
  }

  private assess(ctx: EngineContext, day: number): { report: AffordabilityReport; categorised: CategorisedTransaction[]; events: DataPointEvent[] } {
    const view = creditorViewOf(ctx.rec!, isoDateOf(day));
    const { report, categorised } = assessView(view);
    return { report, categorised, events: view.events };
  }

  private segmentOn(ctx: EngineContext, day: number, assessed: ReturnType<DraagkrachtPolicy['assess']>): SegmentResult {
    const overdue = ctx.state.creditor.invoices.filter((i) => isOverdue(i, day));
    return segmentDebtor({
      asOf: isoDateOf(day),
      events: assessed.events,
      affordability: assessed.report,
      claims: claimsOf(ctx, overdue),
      model: { kind: 'no_model', reason: 'the simulated creditor has no champion model: decided on affordability and signals alone' },
      bankTransactions: assessed.categorised.map((t) => ({ id: t.id, bookingDate: t.bookingDate, amountCents: t.amountCents, counterpartyName: t.counterpartyName, category: t.category })),
      thresholds: this.settings.segments,
    });
  }

  private openCase(ctx: EngineContext, day: number, replansLeft: number): void {
    const assessed = this.assess(ctx, day);
    const segment = this.segmentOn(ctx, day, assessed);
    this.observer.caseOpened?.(day, segment);
    const answered = assessed.events.flatMap((e) => (e.type === 'contact_answered' ? [e.channel] : []));
    const treatment = treatmentFor(segment.segment, { answeredChannels: answered, stopCollection: segment.stopCollection !== null });
    if (treatment.action === 'stop_collection') {
      this.writeOffOverdue(ctx, day, 'deceased debtor (MD07)');
      return;
    }
    this.case = { openedDay: day, segment, treatment, contactDay: this.nextContactDay(assessed.report, day), contacts: 0, pending: null, replansLeft, referOnContact: false, referred: false };
  }

  /**
   * What the creditor may still ask for in a month: the product's own plan ceiling
   * (planInputsFromReport: stable income only, bounded by the recent income after a drop, with the
   * tenant policy's margin on the protected amount), less what the creditor itself already takes
   * from the household, which the API cannot know from one report and the simulation can:
   * what the agency already collects each month for an earlier claim of ours, and what the
   * household already paid us this month, come off every amount.
   */
  private affordabilityLeft(ctx: EngineContext, day: number, report: AffordabilityReport): PlanAffordability {
    let committed = this.collectedInMonth(day);
    for (const k of ctx.state.collectionCases) if (k.fromOurCreditor && k.outstandingCents > 0) committed += Math.min(k.monthlyCents, k.outstandingCents);
    const { affordability } = planInputsFromReport(report, this.settings.plans);
    return {
      lowCents: Math.max(0, affordability.lowCents - committed),
      highCents: Math.max(0, affordability.highCents - committed),
      incomeCents: Math.max(0, affordability.incomeCents - committed),
      protectedCents: affordability.protectedCents,
    };
  }

  private collectedInMonth(day: number): number {
    return this.collected.get(day - dayOfMonthOf(day)) ?? 0;
  }

  private bookCollected(day: number, cents: number): void {
    this.collected.set(day - dayOfMonthOf(day), this.collectedInMonth(day) + cents);
  }

  /** The first day of the next contact window: after the predicted main income, never just before it. */
  private nextContactDay(report: AffordabilityReport, day: number): number {
    const window = contactWindow({
      asOf: isoDateOf(day),
      incomeDays: report.incomeDays,
      windowWorkingDays: this.settings.segments.contactWindowWorkingDays,
      quietDaysBeforeIncome: this.settings.segments.quietDaysBeforeIncome,
    });
    return Math.max(day, toDayNumber(window.from));
  }

  private contact(ctx: EngineContext, day: number): void {
    const k = this.case!;
    const c = ctx.state.creditor;
    const assessed = this.assess(ctx, day);
    const overdue = c.invoices.filter((i) => isOverdue(i, day));
    if (k.contacts >= this.settings.maxContacts) {
      this.afterLastContact(ctx, day, assessed, overdue);
      return;
    }
    // A debtor in a plan who falls behind on a new invoice gets one plan for everything.
    const inPlan = this.plan ? c.invoices.filter((i) => i.inArrangement && i.outstandingCents > 0) : [];
    const claims = claimsOf(ctx, [...inPlan, ...overdue]);
    let decision: CaseDecision;
    if (k.treatment.action === 'offer_payment_pause' && !this.pauseUsed && !this.plan) {
      decision = { kind: 'pause' };
    } else if (k.segment.segment === 'complex_debt' || k.referOnContact) {
      decision = { kind: 'refer', reason: k.referOnContact ? 'plan broken; referral recommended' : 'complex debt: several collectors, payday credit or many creditors' };
    } else {
      const { income } = planInputsFromReport(assessed.report, this.settings.plans);
      const offer = planOptions({ asOf: isoDateOf(day), claims, affordability: this.affordabilityLeft(ctx, day, assessed.report), income, policy: this.settings.plans });
      this.observer.offered?.(day, offer);
      if (offer.affordable) decision = { kind: 'offer', offer };
      else {
        const advice = this.recommend(ctx, day, assessed, overdue);
        if (advice.action === 'write_off') {
          this.writeOffOverdue(ctx, day, `no affordable plan; write-off recommended (${advice.reason})`);
          return;
        }
        decision = { kind: 'refer', reason: `no affordable plan; ${offer.recommendation?.reason.en ?? 'refer to debt help'}` };
      }
    }
    this.send(ctx, day, decision, claims[claims.length - 1]?.reference);
    k.contactDay = this.nextContactDay(assessed.report, day + 7);
  }

  /** Puts a decision to the debtor: a contact in the treatment's first channel, noticed after a while. */
  private send(ctx: EngineContext, day: number, decision: CaseDecision, invoiceReference: string | undefined): void {
    const k = this.case!;
    const c = ctx.state.creditor;
    if (decision.kind === 'refer' && !k.referred) {
      k.referred = true;
      this.observer.referred?.(day, decision.reason);
    }
    k.pending = decision;
    k.contacts += 1;
    c.caseOpen = true;
    c.reminderStage = Math.min(3, k.contacts);
    c.lastReminderDay = day;
    const channel = k.treatment.channels.find((ch) => CHANNELS_WE_SEND.has(ch)) ?? 'letter';
    ctx.rec?.event(day, { type: 'reminder_sent', channel, ...(invoiceReference ? { invoiceId: invoiceReference } : {}), stage: 'reminder' });
    if (c.noticeDay < 0) c.noticeDay = day + noticeDelay(ctx);
  }

  /**
   * The last contact went unanswered until the next window: the write-off recommendation decides
   * between writing off, a last letter with the way to debt help, and today's ladder (collecting
   * still pays).
   */
  private afterLastContact(ctx: EngineContext, day: number, assessed: ReturnType<DraagkrachtPolicy['assess']>, overdue: InvoiceState[]): void {
    const k = this.case!;
    const advice = this.recommend(ctx, day, assessed, overdue);
    k.contactDay = -1;
    if (advice.action === 'write_off') this.writeOffOverdue(ctx, day, `no answer to ${k.contacts} contacts; write-off recommended`);
    else if (advice.action === 'refer_to_debt_help') this.send(ctx, day, { kind: 'refer', reason: 'no answer; referral recommended' }, undefined);
    else this.escalate(ctx, day);
  }

  private recommend(ctx: EngineContext, day: number, assessed: ReturnType<DraagkrachtPolicy['assess']>, overdue: InvoiceState[]): Recommendation {
    const asOf = isoDateOf(day);
    const signals = deriveSignals(assessed.events, asOf);
    const yearAgo = toDayNumber(asOf) - 365;
    const collectors = new Set<string>();
    const payday: string[] = [];
    const ids: string[] = [];
    for (const t of assessed.categorised) {
      if (toDayNumber(t.bookingDate) < yearAgo) continue;
      if (t.category === 'expense.collection' && t.counterpartyName) {
        collectors.add(t.counterpartyName);
        ids.push(t.id);
      } else if (t.category === 'transfer.loan_payout') {
        payday.push(t.id);
        ids.push(t.id);
      }
    }
    const returns = signals.returnedDirectDebits.last365Days;
    const total = overdue.reduce((s, i) => s + i.outstandingCents, 0);
    return recommendForClaim({
      claim: { claimId: null, reference: claimsOf(ctx, overdue)[0]?.reference ?? 'overdue', debtorId: ctx.profile.debtorRef, totalDueCents: total },
      riskModel: null,
      affordability: { lowCents: assessed.report.affordableInstalment.lowCents, highCents: assessed.report.affordableInstalment.highCents, asOf },
      history: {
        paidInvoices: signals.paidInvoices.length,
        sharePaidLate: signals.sharePaidLate,
        cannotOrWontPayReturnsLast365Days: returns.byClass.insufficient_funds + returns.byClass.dispute_or_refusal,
      },
      deceasedReturnEventIds: assessed.events.flatMap((e) => (e.type === 'direct_debit_returned' && e.reasonCode === 'MD07' ? [e.eventId] : [])),
      otherDebts: { collectors: [...collectors], paydayCreditTransactionIds: payday, creditorsWithReturns: [], transactionIds: ids },
      config: this.settings.costs,
    });
  }

  private writeOffOverdue(ctx: EngineContext, day: number, reason: string): void {
    const c = ctx.state.creditor;
    let total = 0;
    for (const i of c.invoices) {
      if (!isOverdue(i, day)) continue;
      total += i.outstandingCents;
      i.outstandingCents = 0;
    }
    this.case = null;
    c.reminderStage = 0;
    if (total <= 0) return;
    ctx.rec?.event(day, { type: 'written_off', amountCents: total });
    this.observer.wroteOff?.(day, total, reason);
  }

  // -------------------------------------------------------------------------------------------
  // The household's answers and the plan

  private householdNotices(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    c.noticeDay = -1;
    if (this.plan?.late) this.tryInstalment(ctx, day, true);
    const pending = this.case?.pending ?? null;
    if (!pending) return;
    const offer: ContactOffer = pending.kind === 'offer' ? { kind: 'offer', options: pending.offer.options } : { kind: pending.kind };
    const answer = householdAnswersContact(ctx, day, offer);
    if (answer.kind === 'none') return;
    this.case!.pending = null;
    if (answer.kind === 'pause_accepted') {
      // Nothing is asked until the pause ends; then the case opens again on the new income.
      this.paused = c.invoices.filter((i) => isOverdue(i, day));
      for (const i of this.paused) i.inArrangement = true;
      this.pauseUsed = true;
      this.pauseEndDay = day + this.settings.pauseDays;
      this.case = null;
      c.reminderStage = 0;
      return;
    }
    if (answer.kind === 'entered_debt_help') {
      this.observer.enteredDebtHelp?.(day);
      // Debt help takes the arrears over (a moratorium while a settlement is sought): the creditor
      // stops collecting them; new invoices are the household's to pay again.
      for (const i of c.invoices) if (isOverdue(i, day)) i.inArrangement = true;
      this.case = null;
      c.reminderStage = 0;
      return;
    }
    if (answer.kind === 'paid_now') {
      this.bookCollected(day, answer.cents);
      this.observer.paidNow?.(day, answer.cents);
      this.case = null;
      if (this.plan && !c.invoices.some((i) => i.inArrangement && i.outstandingCents > 0)) this.completePlan(ctx, day);
      return;
    }
    if (answer.kind === 'plan') this.startPlan(ctx, day, answer.option);
  }

  private endPause(): void {
    for (const i of this.paused) i.inArrangement = false;
    this.paused = [];
    this.pauseEndDay = -1;
  }

  private startPlan(ctx: EngineContext, day: number, option: PlanOption): void {
    const c = ctx.state.creditor;
    if (this.plan) {
      // Replaced by one plan for everything: neither kept nor broken.
      c.arrangement = null;
      this.plan = null;
    }
    for (const i of c.invoices) if (i.outstandingCents > 0 && (isOverdue(i, day) || i.inArrangement)) i.inArrangement = true;
    const dueDays = option.instalments.map((i) => toDayNumber(i.dueDate));
    const amounts = option.instalments.map((i) => i.amountIfKeptCents);
    c.arrangementSeq += 1;
    // The household's own planning reserves the instalment after payday, as for any arrangement.
    c.arrangement = { seq: c.arrangementSeq, monthlyCents: option.largestInstalmentCents, remainingCents: option.totalIfKeptCents, nextInstalmentDay: dueDays[0]!, instalmentsLeft: dueDays.length, forgotThisTerm: false };
    ctx.rec?.event(day, { type: 'arrangement_started', arrangementId: ctx.rec.arrangementId(c.arrangementSeq), monthlyCents: option.largestInstalmentCents, months: dueDays.length });
    const assessed = this.assess(ctx, day);
    this.plan = { option, dueDays, amounts, missed: 0, reminderDay: -1, late: false, report: assessed.report, replansLeft: this.case?.replansLeft ?? this.settings.replansAfterBreach };
    this.case = null;
    this.observer.agreed?.(day, option);
  }

  private followPlan(ctx: EngineContext, day: number): void {
    const p = this.plan!;
    const due = p.dueDays[0]!;
    if (day === due && !p.late) this.tryInstalment(ctx, day, false);
    if (!this.plan) return;
    if (p.late && day === p.reminderDay) {
      const c = ctx.state.creditor;
      ctx.rec?.event(day, { type: 'reminder_sent', channel: ctx.profile.hasEmailOnFile ? 'email' : 'sms', stage: 'reminder' });
      if (c.noticeDay < 0) c.noticeDay = day + noticeDelay(ctx);
    }
    if (p.late && day > due + this.settings.plans.missedAfterDays) this.missInstalment(ctx, day);
  }

  /** The household pays today's (or a late) instalment if it can; otherwise a reminder follows on the next income day. */
  private tryInstalment(ctx: EngineContext, day: number, afterReminder: boolean): void {
    const p = this.plan!;
    const c = ctx.state.creditor;
    if (afterReminder && p.dueDays.length > 1 && p.dueDays[1]! - day < SAME_INCOME_PERIOD_DAYS) {
      // Paying the late instalment now would ask two from one income: it moves to the end instead.
      this.missInstalment(ctx, day);
      return;
    }
    if (householdPaysInstalment(ctx, day, p.amounts[0]!, afterReminder)) {
      this.bookCollected(day, p.amounts[0]!);
      p.dueDays.shift();
      p.amounts.shift();
      p.late = false;
      p.reminderDay = -1;
      if (c.arrangement) {
        c.arrangement.instalmentsLeft = p.dueDays.length;
        c.arrangement.remainingCents = p.amounts.reduce((s, a) => s + a, 0);
        c.arrangement.nextInstalmentDay = p.dueDays[0] ?? -1;
      }
      if (p.dueDays.length === 0 || !c.invoices.some((i) => i.inArrangement && i.outstandingCents > 0)) this.completePlan(ctx, day);
      return;
    }
    if (!p.late) {
      p.late = true;
      const next = upcomingDates(mainIncomeSchedule(p.report) ?? { kind: 'day-of-month', dayOfMonth: 25, shift: 'previous', months: null }, isoDateOf(day + 1), 1)[0]!;
      p.reminderDay = toDayNumber(next);
    }
  }

  private missInstalment(ctx: EngineContext, day: number): void {
    const p = this.plan!;
    p.missed += 1;
    p.late = false;
    p.reminderDay = -1;
    if (p.missed >= this.settings.plans.breachAfterMissed) {
      this.breakPlan(ctx, day);
      return;
    }
    // The missed instalment moves to a month after the last, so no month asks for two.
    const last = p.dueDays[p.dueDays.length - 1]!;
    p.dueDays.push(last + 30);
    p.amounts.push(p.amounts.shift()!);
    p.dueDays.shift();
    const c = ctx.state.creditor;
    if (c.arrangement) c.arrangement.nextInstalmentDay = p.dueDays[0]!;
  }

  private completePlan(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    const option = this.plan!.option;
    for (const i of c.invoices) i.inArrangement = false;
    c.arrangement = null;
    this.plan = null;
    this.observer.kept?.(day, option);
  }

  private breakPlan(ctx: EngineContext, day: number): void {
    const c = ctx.state.creditor;
    const p = this.plan!;
    ctx.rec?.event(day, { type: 'arrangement_broken', arrangementId: ctx.rec.arrangementId(c.arrangementSeq) });
    for (const i of c.invoices) i.inArrangement = false;
    c.arrangement = null;
    c.lastArrangementBrokenDay = day;
    this.plan = null;
    this.observer.broken?.(day, p.option);
    if (p.replansLeft > 0) {
      // One more plan on fresh bank data: a shock may have changed what is affordable.
      this.openCase(ctx, day, p.replansLeft - 1);
      return;
    }
    const assessed = this.assess(ctx, day);
    const overdue = c.invoices.filter((i) => isOverdue(i, day));
    const advice = this.recommend(ctx, day, assessed, overdue);
    if (advice.action === 'write_off') this.writeOffOverdue(ctx, day, 'plan broken again; write-off recommended');
    else if (advice.action === 'collect') this.escalate(ctx, day);
    else {
      this.openCase(ctx, day, 0);
      if (this.case) this.case.referOnContact = true;
    }
  }
}

function mainIncomeSchedule(report: AffordabilityReport) {
  return mainIncomeOf(report.incomeDays)?.schedule ?? null;
}

/** An invoice due today whose collection came back: not overdue yet, not paid either. */
function dueTodayUnpaid(invoices: readonly InvoiceState[], day: number): boolean {
  return invoices.some((i) => i.dueDay === day && i.outstandingCents > 0 && !i.collectionPending);
}
