/**
 * The sandbox bank's SCA page for the redirect approach: the PSU sees who asks and for what, says who
 * they are (a choice of the world's households, or a PSU-ID typed in) and approves or denies. No
 * script, no password: strong customer authentication is what a real bank adds here; the sandbox keeps
 * the decision, which is what the TPP's flow depends on. Plain HTML forms, so a test posts the form
 * with fetch exactly as a browser would.
 */
import { html, type Html } from '../platform/html.js';
import type { SandboxConsent } from './sandbox-consents.js';

/** Above this many households the page offers only the PSU-ID field (a select of thousands helps no one). */
const MAX_SELECT_OPTIONS = 1000;

export interface ScaPageInput {
  consent: SandboxConsent;
  psuChoices: { psuId: string; label: string }[];
  formAction: string;
  message?: string;
}

function accessLines(consent: SandboxConsent): Html[] {
  const a = consent.access;
  const lines: Html[] = [];
  const owner = (value: string | undefined) => (value === 'allAccountsWithOwnerName' ? ', with the account holder’s name' : '');
  if (a.allPsd2) lines.push(html`<li>All your payment accounts: list, balances and transactions${owner(a.allPsd2)}</li>`);
  if (a.availableAccounts) lines.push(html`<li>The list of your payment accounts${owner(a.availableAccounts)}</li>`);
  if (a.availableAccountsWithBalance) lines.push(html`<li>The list of your payment accounts with their balances${owner(a.availableAccountsWithBalance)}</li>`);
  const ibans = (refs: { iban: string }[] | undefined) => (refs && refs.length > 0 ? refs.map((r) => r.iban).join(', ') : 'the accounts you choose (all your accounts in this sandbox)');
  if (a.accounts) lines.push(html`<li>Account details of ${ibans(a.accounts)}</li>`);
  if (a.balances) lines.push(html`<li>Balances of ${ibans(a.balances)}</li>`);
  if (a.transactions) lines.push(html`<li>Transactions of ${ibans(a.transactions)}</li>`);
  return lines;
}

export function renderScaPage(input: ScaPageInput): string {
  const { consent } = input;
  const who = consent.tppBrand ?? 'A third party (the sandbox checks no eIDAS certificate, so its name is not verified)';
  const select =
    input.psuChoices.length <= MAX_SELECT_OPTIONS
      ? html`<p><label for="psuId">Log in as</label><br><select id="psuId" name="psuId">${input.psuChoices.map(
          (c) => html`<option value="${c.psuId}"${consent.psuIdHint === c.psuId ? html` selected` : ''}>${c.label}</option>`,
        )}</select></p>`
      : '';
  const page = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sandbox bank: approve access to your accounts</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem;margin-right:1rem}.message{border-left:4px solid #b00;padding-left:.5rem}</style></head>
<body>
<h1>Sandbox bank</h1>
<p>This is a test bank serving a simulated world. No real accounts or money.</p>
${input.message ? html`<p class="message" role="alert">${input.message}</p>` : ''}
<h2>${who} asks to read your accounts</h2>
<ul>${accessLines(consent)}</ul>
<p>Until ${consent.validUntil}, ${consent.recurringIndicator ? `up to ${consent.frequencyPerDay} times a day without you` : 'once'}.</p>
<form method="post" action="${input.formAction}">
${select}
<p><label for="psuIdText">${select ? 'or type your PSU-ID' : 'Your PSU-ID'}</label><br><input id="psuIdText" name="psuIdText" autocomplete="off" value="${input.psuChoices.length > MAX_SELECT_OPTIONS ? (consent.psuIdHint ?? '') : ''}"></p>
<p><button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny">Deny</button></p>
</form>
</body>
</html>
`;
  return page.value;
}

export function renderScaNotice(title: string, text: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox bank: ${title}</title></head>
<body><h1>Sandbox bank</h1><h2>${title}</h2><p>${text}</p></body></html>
`.value;
}
