/**
 * The consent screens: the request (who, what, why, until when, how to stop; yes and no side by
 * side and alike), the running consent with the bank-data steps, the summary of an uploaded file
 * before it is used, and the ended consent with the proof that the data is gone.
 */
import { monthsTouched, type StatementSummary } from '../bank-data/statement-summary.js';
import type { Consent } from '../consent/consent.service.js';
import { formatIban } from '../payment-links/caption.js';
import { html, type Html } from '../platform/html.js';
import type { IsoDate } from '../platform/dates.js';
import { BANK_INSTRUCTIONS } from './bank-instructions.js';
import type { StoredBankData } from './debtor-page.service.js';
import { accessWords, euro, longDate, monthsWords, purposeWords, shortDate, TEXT, type Lang } from './page-texts.js';

/** A form that posts one decision back to the page, with its CSRF field. */
export interface FormTarget {
  action: string;
  csrf: string;
}

export function postButton(target: FormTarget, label: string, style: 'choice' | 'quiet' | 'stop', hidden: Record<string, string> = {}): Html {
  return html`<form method="post" action="${target.action}">
<input type="hidden" name="csrf" value="${target.csrf}">
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" class="button-${style}">${label}</button>
</form>`;
}

function dateOfTimestamp(timestamp: string): IsoDate {
  return timestamp.slice(0, 10);
}

/** The tenant's banks the debtor can connect to, and the form that sends the debtor to the chosen one. */
export interface BankChoice {
  connections: { id: string; displayName: string }[];
  target: FormTarget;
}

/**
 * "Connect your bank": pick the bank, one button, off to the bank's own page (a 303 from our POST).
 * With a requested consent the approval at the bank is the grant, so the words say so.
 */
export function bankConnectSection(input: { bank: BankChoice; lang: Lang; mode: 'grant' | 'connect' }): Html {
  const t = TEXT[input.lang];
  const { bank } = input;
  return html`<section aria-labelledby="bank-title">
<h2 id="bank-title">${input.mode === 'grant' ? t.bankGrantTitle : t.bankTitle}</h2>
<p>${input.mode === 'grant' ? t.bankGrantIntro : t.bankIntro}</p>
<form method="post" action="${bank.target.action}">
<input type="hidden" name="csrf" value="${bank.target.csrf}">
<label for="bank-connection">${t.bankLabel}</label>
<select id="bank-connection" name="connectionId" required>
${bank.connections.map((c) => html`<option value="${c.id}">${c.displayName}</option>`)}
</select>
<div class="choices"><button type="submit" class="button-choice">${t.bankButton}</button></div>
</form>
</section>`;
}

/** After the return from the bank: what was read (or that it will be read later). */
export function bankConnectedView(input: { lang: Lang; accounts: number; accepted: number; readProblem: boolean; continueHref: string }): Html {
  const t = TEXT[input.lang];
  return html`<h1>${t.bankDoneTitle}</h1>
<div class="panel panel-done" role="status"><p>${input.readProblem ? t.bankReadProblem : input.accounts > 0 ? t.bankDoneBody(input.accounts, input.accepted) : t.bankDoneLater}</p></div>
<p><a href="${input.continueHref}">${t.bankContinue}</a></p>`;
}

export function consentRequestView(input: { consent: Consent; creditorName: string; lang: Lang; grant: FormTarget; decline: FormTarget; bank?: BankChoice }): Html {
  const { consent, creditorName, lang } = input;
  const t = TEXT[lang];
  return html`<h1>${t.consentTitle(creditorName)}</h1>
<p>${t.consentIntro(creditorName)}</p>
<dl class="facts">
  <dt>${t.whoAsks}</dt><dd>${creditorName}</dd>
  <dt>${t.whatData}</dt><dd><ul>${accessWords(consent.access, lang).map((w) => html`<li>${w}</li>`)}</ul></dd>
  <dt>${t.why}</dt><dd>${purposeWords(consent.purpose, lang)}</dd>
  <dt>${t.untilWhen}</dt><dd>${t.untilWhenBody(longDate(consent.validUntil, lang))}</dd>
  <dt>${t.stopAnyTime}</dt><dd>${t.stopAnyTimeBody}</dd>
  <dt>${t.noData}</dt><dd>${t.noDataBody}</dd>
</dl>
<p class="notice">${t.noHurry(longDate(dateOfTimestamp(consent.linkExpiresAt), lang))}</p>
<div class="choices">
${postButton(input.grant, t.grant, 'choice', { agreed: 'yes' })}
${postButton(input.decline, t.decline, 'choice')}
</div>
${input.bank && input.bank.connections.length > 0 ? bankConnectSection({ bank: input.bank, lang, mode: 'grant' }) : ''}`;
}

export function periodText(first: IsoDate, last: IsoDate, lang: Lang): string {
  return TEXT[lang].periodWords(shortDate(first, lang), shortDate(last, lang), monthsWords(monthsTouched(first, last), lang));
}


function accountName(account: { iban: string | null; otherId: string | null }): string {
  if (account.iban) return formatIban(account.iban);
  return account.otherId ?? '—';
}

export interface ActiveConsentInput {
  consent: Consent;
  creditorName: string;
  lang: Lang;
  stored: StoredBankData;
  demo: boolean;
  upload: FormTarget;
  demoAccount: FormTarget;
  planOptions: FormTarget;
  withdraw: FormTarget;
  /** The tenant's bank connections, when it has any enabled. */
  bank?: BankChoice;
  claimsToOffer: number;
  runningPlanHrefs: string[];
  /** A message about the last attempt (a file that could not be read). */
  problem?: string;
}

export function activeConsentView(input: ActiveConsentInput): Html {
  const { consent, lang, stored } = input;
  const t = TEXT[lang];
  const granted = consent.evidence?.grantedAt ? longDate(dateOfTimestamp(consent.evidence.grantedAt), lang) : longDate(dateOfTimestamp(consent.statusChangedAt), lang);
  const hasData = stored.transactions > 0 && stored.firstDate !== null && stored.lastDate !== null;
  return html`<h1>${t.granted}</h1>
<p>${t.grantedBody(granted, longDate(consent.validUntil, lang))}</p>
${input.problem ? html`<div class="notice" role="alert"><p>${input.problem}</p></div>` : ''}
${hasData ? html`<section class="panel panel-done" aria-labelledby="stored-title">
<h2 id="stored-title">${t.storedTitle}</h2>
<p>${t.storedBody(stored.accounts.length, stored.transactions, periodText(stored.firstDate!, stored.lastDate!, lang))}</p>
<ul>${stored.accounts.map((a) => html`<li>${accountName(a)}</li>`)}</ul>
</section>` : ''}
<section aria-labelledby="upload-title">
<h2 id="upload-title">${hasData ? t.uploadAnother : t.stepUpload}</h2>
<p>${t.uploadIntro}</p>
<form method="post" action="${input.upload.action}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${input.upload.csrf}">
<label for="statement-file">${t.uploadLabel}</label>
<input type="file" id="statement-file" name="statement" required accept=".xml,.csv,.txt,.sta,.940,.mt940,.tab">
<div class="choices"><button type="submit" class="button-choice">${t.uploadButton}</button></div>
</form>
<details>
<summary>${t.howToDownload}</summary>
${BANK_INSTRUCTIONS.map((b) => html`<h3>${b.bank}</h3><ol>${b.steps[lang].map((s) => html`<li>${s}</li>`)}</ol>`)}
<p>${t.otherBank}</p>
<p>${t.buttonsMayDiffer}</p>
</details>
${input.demo ? html`<div class="notice"><h3>${t.demoTitle}</h3><p>${t.demoBody}</p>${postButton(input.demoAccount, t.demoButton, 'quiet')}</div>` : ''}
</section>
${input.bank && input.bank.connections.length > 0 ? bankConnectSection({ bank: input.bank, lang, mode: 'connect' }) : ''}
${hasData || input.runningPlanHrefs.length > 0 ? planStep(input) : ''}
<section aria-labelledby="stop-title">
<h2 id="stop-title">${t.stopTitle}</h2>
<p>${t.stopBody}</p>
<div class="choices">${postButton(input.withdraw, t.stopButton, 'stop')}</div>
</section>`;
}

function planStep(input: ActiveConsentInput): Html {
  const t = TEXT[input.lang];
  return html`<section aria-labelledby="plan-step-title">
<h2 id="plan-step-title">${t.stepPlan}</h2>
${input.runningPlanHrefs.map((href) => html`<p><a href="${href}">${t.chosenTitle}</a></p>`)}
${input.claimsToOffer > 0
    ? html`<p>${t.planIntro}</p><div class="choices">${postButton(input.planOptions, t.planButton, 'choice')}</div>`
    : input.runningPlanHrefs.length === 0 ? html`<p>${t.nothingOpen}</p>` : ''}
</section>`;
}

export function declinedView(lang: Lang): Html {
  const t = TEXT[lang];
  return html`<h1>${t.declinedTitle}</h1><p>${t.declinedBody}</p>`;
}

export function endedView(input: { consent: Consent; lang: Lang; rowsLeft: number }): Html {
  const t = TEXT[input.lang];
  return html`<h1>${t.endedTitle}</h1>
<p>${t.endedBody(longDate(dateOfTimestamp(input.consent.statusChangedAt), input.lang))}</p>
<div class="panel panel-done" role="status"><p>${input.rowsLeft === 0 ? t.erasedConfirmed : t.erasedNotYet}</p></div>`;
}

export function draftSummaryView(input: { lang: Lang; fileName: string | null; summary: StatementSummary; use: FormTarget; discard: FormTarget }): Html {
  const { lang, summary } = input;
  const t = TEXT[lang];
  return html`<h1>${t.summaryTitle}</h1>
<p>${t.summaryIntro}</p>
${input.fileName ? html`<p>${t.summaryFile}: <strong>${input.fileName}</strong></p>` : ''}
${summary.accounts.map(
  (a) => html`<section class="panel" aria-label="${t.summaryAccount} ${accountName(a)}">
<dl class="facts">
<dt>${t.summaryAccount}</dt><dd>${accountName(a)}</dd>
${a.firstDate && a.lastDate ? html`<dt>${t.summaryPeriod}</dt><dd>${periodText(a.firstDate, a.lastDate, lang)}</dd>` : ''}
<dt>${t.summaryCount}</dt><dd>${a.transactions}</dd>
<dt>${t.summaryIn}</dt><dd>${euro(a.creditsCents, lang)}</dd>
<dt>${t.summaryOut}</dt><dd>${euro(a.debitsCents, lang)}</dd>
</dl>
</section>`,
)}
<div class="choices">
${postButton(input.use, t.useIt, 'choice')}
${postButton(input.discard, t.throwAway, 'choice')}
</div>`;
}

export function messageView(input: { title: string; body: string; backHref?: string; lang: Lang }): Html {
  return html`<h1>${input.title}</h1><p>${input.body}</p>${input.backHref ? html`<p><a href="${input.backHref}">${TEXT[input.lang].tryAgain}</a></p>` : ''}`;
}
