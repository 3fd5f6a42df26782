/**
 * The frame every screen of the debtor's page shares: language, a skip link, one heading per screen,
 * the debt-help block (always on the page; first when debt help is the better road), and a stylesheet
 * served by the service itself. No script: everything works with JavaScript off, and a strict
 * Content-Security-Policy forbids scripts, frames and any request to another origin.
 */
import { html, type Html } from '../platform/html.js';
import { TEXT, type Lang } from './page-texts.js';

export const STYLESHEET_PATH = '/debtor-assets/page.css';
export const ICON_PATH = '/debtor-assets/icon.svg';

/** A plain mark for the browser tab; naming it stops browsers asking for /favicon.ico on every screen. */
export const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b4f8a"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

/** No scripts, no framing, nothing from elsewhere; forms only post back to this service. */
export const DEBTOR_PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface DebtHelpContact {
  url: string;
  phone: string;
}

export interface PageFrame {
  lang: Lang;
  title: string;
  /** The same screen in the other language. */
  otherLanguageHref: string;
  debtHelp: DebtHelpContact;
  /** Debt help before the content: for complex debt, or when no plan can be kept. */
  debtHelpFirst?: boolean;
  creditorName?: string;
}

export function debtHelpBlock(lang: Lang, contact: DebtHelpContact): Html {
  const t = TEXT[lang];
  return html`<aside class="debt-help" aria-labelledby="debt-help-title">
  <h2 id="debt-help-title">${t.debtHelpTitle}</h2>
  <p>${t.debtHelpBody}</p>
  <p><a href="${contact.url}" rel="noopener noreferrer">${t.debtHelpLink}</a>. ${t.debtHelpCall(contact.phone)}</p>
</aside>`;
}

export function renderPage(frame: PageFrame, content: Html): string {
  const t = TEXT[frame.lang];
  const other: Lang = frame.lang === 'nl' ? 'en' : 'nl';
  const help = debtHelpBlock(frame.lang, frame.debtHelp);
  return `<!doctype html>${html`<html lang="${frame.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<title>${frame.title} – ${t.serviceName}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="icon" href="${ICON_PATH}" type="image/svg+xml">
</head>
<body>
<a class="skip-link" href="#content">${t.skipToContent}</a>
<header class="site-header">
  <p class="service-name">${frame.creditorName ? `${frame.creditorName} · ` : ''}${t.serviceName}</p>
  <p class="language"><a href="${frame.otherLanguageHref}" hreflang="${other}" lang="${other}">${TEXT[other].languageName}</a></p>
</header>
<main id="content" tabindex="-1">
${frame.debtHelpFirst ? help : ''}
${content}
${frame.debtHelpFirst ? '' : help}
</main>
<footer class="site-footer"><p>${t.footerPrivacy}</p></footer>
</body>
</html>`.value}`;
}

/**
 * Large type, generous spacing and colours that pass WCAG AA (text 4.5:1, controls 3:1) with a
 * focus ring that is visible on every background. Declining and granting look the same: the page
 * never nudges.
 */
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:112.5%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.55;color:#1b1b1b;background:#fff}
.skip-link{position:absolute;left:-999px;top:0;padding:.5rem 1rem;background:#ffdd00;color:#0b0c0c;z-index:10}
.skip-link:focus{left:0}
.site-header,.site-footer,main{max-width:42rem;margin:0 auto;padding:1rem}
.site-header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;border-bottom:4px solid #0b4f8a}
.service-name{margin:0;font-weight:700}
.language{margin:0}
.site-footer{border-top:1px solid #6f6f6f;margin-top:2rem;color:#3d3d3d;font-size:.9rem}
h1{font-size:1.6rem;line-height:1.25;margin:1rem 0}
h2{font-size:1.25rem;line-height:1.3;margin:1.5rem 0 .5rem}
h3{font-size:1.1rem;margin:1rem 0 .25rem}
p,li,dd{max-width:38rem}
a{color:#0b4f8a;text-decoration:underline;text-underline-offset:.15em}
a:hover{color:#062f52}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible,main:focus-visible{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
main:focus{outline:none}
dl.facts{margin:0}
dl.facts dt{font-weight:700;margin-top:1rem}
dl.facts dd{margin:0}
.choices{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0}
.choices form{margin:0}
button,.button{display:inline-block;min-height:2.75rem;min-width:12rem;padding:.6rem 1.2rem;font:inherit;font-weight:700;border-radius:.25rem;cursor:pointer;text-align:center;text-decoration:none}
.button-choice{background:#0b4f8a;color:#fff;border:2px solid #0b4f8a}
.button-choice:hover{background:#062f52}
.button-quiet{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}
.button-quiet:hover{background:#eef4fa}
.button-stop{background:#fff;color:#8a1c1c;border:2px solid #8a1c1c}
.panel{border:2px solid #0b4f8a;border-radius:.25rem;padding:1rem;margin:1.5rem 0}
.panel-done{border-color:#1d6b32}
.notice{border-left:6px solid #0b4f8a;background:#eef4fa;padding:.75rem 1rem;margin:1rem 0}
.debt-help{border-left:6px solid #1d6b32;background:#eef7f0;padding:.75rem 1rem;margin:1.5rem 0}
.debt-help h2{margin-top:0}
label{display:block;font-weight:700;margin:.5rem 0}
input[type=file]{font:inherit;max-width:100%;padding:.5rem;border:2px solid #1b1b1b;border-radius:.25rem;background:#fff}
details{margin:1rem 0;border:1px solid #6f6f6f;border-radius:.25rem;padding:.5rem 1rem}
summary{cursor:pointer;font-weight:700;color:#0b4f8a}
.option{border:2px solid #6f6f6f;border-radius:.25rem;padding:1rem;margin:1rem 0}
.option h2{margin-top:0}
.option .amount{font-size:1.35rem;font-weight:700;margin:.25rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #6f6f6f;vertical-align:top}
td.money,th.money{text-align:right;white-space:nowrap}
.qr{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;border-top:1px solid #6f6f6f;padding:1rem 0}
.qr img{width:11rem;height:11rem;background:#fff}
.qr p{margin:.25rem 0}
.paid{color:#1d6b32;font-weight:700}
@media (max-width:30rem){button,.button{width:100%}.choices{flex-direction:column}.qr img{width:100%;max-width:14rem;height:auto}}
@media print{.skip-link,.language,.choices,form{display:none}}
`;
