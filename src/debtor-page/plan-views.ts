/**
 * The plan screens: the options in words and numbers (what, when, in total, what keeping it saves),
 * each due date tied to the day money arrives; then the chosen plan with every date and, per
 * instalment still to pay, an EPC QR code with the same details written out for paying by hand.
 */
import type { InstalmentPaymentLink, PlanOfferView, PlanView } from '../repayment-plans/repayment-plans.service.js';
import type { PlanOption, PlanReward } from '../repayment-plans/plan-options.js';
import { html, type Html } from '../platform/html.js';
import { postButton, type FormTarget } from './consent-views.js';
import { afterIncomeWords, euro, longDate, TEXT, type Lang } from './page-texts.js';

function rewardWords(reward: PlanReward, lang: Lang): string {
  const t = TEXT[lang];
  const amount = euro(reward.cents, lang);
  if (reward.kind === 'costs_waived_if_paid_now') return t.rewardCostsNow(amount);
  if (reward.kind === 'costs_waived_at_completion') return t.rewardCostsAtEnd(amount);
  return t.rewardLastDiscount(amount);
}

export function optionHeading(option: PlanOption, lang: Lang): string {
  return option.kind === 'pay_now' ? TEXT[lang].planOptionPayNow : TEXT[lang].planOptionMonths(option.months);
}

function optionView(option: PlanOption, lang: Lang, choose: FormTarget): Html {
  const t = TEXT[lang];
  const first = option.instalments[0]!;
  const heading = optionHeading(option, lang);
  const headingId = `option-${option.id}`;
  return html`<section class="option" aria-labelledby="${headingId}">
<h2 id="${headingId}">${heading}</h2>
<p class="amount">${option.kind === 'pay_now' ? t.planOnce(euro(first.amountCents, lang), longDate(first.dueDate, lang)) : t.planPerMonth(euro(first.amountCents, lang))}</p>
${option.kind === 'pay_now' ? '' : html`<p>${t.planFirstDue(longDate(first.dueDate, lang))}${first.incomeDate ? html`, ${afterIncomeWords(first.incomeDate, first.dueDate, lang)}` : ''}.</p>`}
<p>${t.planTotal(euro(option.totalCents, lang))}</p>
${option.rewards.length > 0
    ? html`<p>${option.rewards.map((r) => rewardWords(r, lang)).join(' ')}${option.kind !== 'pay_now' && option.totalIfKeptCents < option.totalCents ? ` ${t.planTotalIfKept(euro(option.totalIfKeptCents, lang))}` : ''}</p>`
    : ''}
${option.instalments.length > 1 ? scheduleTable(option, lang) : ''}
<div class="choices">${postButton(choose, `${t.planChoose}: ${heading.toLowerCase()}`, 'choice', { optionId: option.id })}</div>
</section>`;
}

function scheduleTable(option: PlanOption, lang: Lang): Html {
  const t = TEXT[lang];
  const discounted = option.instalments.some((i) => i.amountIfKeptCents !== i.amountCents);
  return html`<details>
<summary>${t.planSchedule}</summary>
<table>
<caption>${t.planScheduleCaption}</caption>
<thead><tr><th scope="col">${t.colNumber}</th><th scope="col">${t.colDate}</th><th scope="col" class="money">${t.colAmount}</th>${discounted ? html`<th scope="col" class="money">${t.colAmountIfKept}</th>` : ''}</tr></thead>
<tbody>
${option.instalments.map(
  (i) => html`<tr><td>${i.number}</td><td>${longDate(i.dueDate, lang)}</td><td class="money">${euro(i.amountCents, lang)}</td>${discounted ? html`<td class="money">${euro(i.amountIfKeptCents, lang)}</td>` : ''}</tr>`,
)}
</tbody>
</table>
</details>`;
}

export function offerView(input: { offer: PlanOfferView; creditorName: string; lang: Lang; choose: FormTarget }): Html {
  const { offer, lang } = input;
  const t = TEXT[lang];
  const head = html`<h1>${t.planTitle(input.creditorName)}</h1><p>${t.planOwed(euro(offer.totalDueCents, lang))}</p>`;
  if (offer.status === 'expired') return html`${head}<p class="notice">${t.offerExpired}</p>`;
  if (!offer.affordable || offer.options.length === 0) return html`${head}<h2>${t.noPlanTitle}</h2><p>${t.noPlanBody}</p>`;
  return html`${head}
<p>${t.planChooseIntro}</p>
${offer.dueDateBasis === 'income_days' ? html`<p>${t.planTiming}</p>` : ''}
<p class="notice">${t.noHurry(longDate(offer.expiresOn, lang))}</p>
${offer.options.map((option) => optionView(option, lang, input.choose))}`;
}

export interface InstalmentToPay {
  number: number;
  dueDate: string;
  paid: boolean;
  /** What the instalment asks now: zero for the last ones when keeping the plan earns them off. */
  expectedCents: number;
  link: InstalmentPaymentLink | null;
  qrHref: string;
}

export function chosenPlanView(input: { plan: PlanView; creditorName: string; lang: Lang; instalments: InstalmentToPay[] }): Html {
  const { plan, lang } = input;
  const t = TEXT[lang];
  const first = plan.state.instalments[0];
  const toPay = input.instalments.filter((i) => !i.paid && i.link !== null);
  // The next payment's code first; the later ones folded away, so a phone does not scroll past a wall of codes.
  const [next, ...later] = toPay;
  return html`<h1>${t.chosenTitle}</h1>
<div class="panel panel-done" role="status"><p>${t.chosenBody(plan.state.instalments.length, first ? longDate(first.dueDate, lang) : '')}</p></div>
<table>
<caption>${t.planScheduleCaption}</caption>
<thead><tr><th scope="col">${t.colNumber}</th><th scope="col">${t.colDate}</th><th scope="col" class="money">${t.colAmount}</th></tr></thead>
<tbody>
${input.instalments.map(
  (i) => html`<tr><td>${i.number}</td><td>${longDate(i.dueDate, lang)}</td><td class="money">${i.paid ? html`<span class="paid">${t.alreadyPaid}</span>` : euro(i.expectedCents, lang)}</td></tr>`,
)}
</tbody>
</table>
${input.instalments.some((i) => !i.paid && i.expectedCents === 0) ? html`<p>${t.nothingDueIfKept}</p>` : ''}
${next ? html`<h2>${t.howToPay}</h2><p>${t.howToPayBody}</p>${qrSection(next, lang)}` : ''}
${later.length > 0 ? html`<details><summary>${t.laterCodes(later.length)}</summary>${later.map((i) => qrSection(i, lang))}</details>` : ''}
<p class="notice">${t.missedHelp}</p>`;
}

function qrSection(i: InstalmentToPay, lang: Lang): Html {
  const t = TEXT[lang];
  const heading = t.payInstalment(i.number, longDate(i.dueDate, lang));
  const caption = i.link!.caption[lang];
  return html`<section class="qr" aria-label="${heading}">
<img src="${i.qrHref}" alt="${caption}" width="176" height="176" loading="lazy">
<div>
<h3>${heading}</h3>
<p class="amount"><strong>${euro(i.link!.amountCents, lang)}</strong></p>
<p>${caption}</p>
</div>
</section>`;
}
