/**
 * The debtor's page: server-rendered HTML reached through the signed link a creditor sends. No login,
 * no script, no third-party request. Every screen works with JavaScript off (plain links and forms,
 * Post/Redirect/Get after each decision), in Dutch by default and in English with ?lang=en.
 *
 * Screens: /consent/:token (the request, then the running consent with the bank-data steps, or the
 * ended consent with proof the data is gone), /consent/:token/statements/:draftId (what was read
 * from an uploaded file, before it is used), /plan/:token (the options, then the chosen plan with an
 * EPC QR code per instalment).
 *
 * Safety: a bad, expired or foreign link gets a friendly page and never data (same answer whatever
 * was wrong); forms carry a CSRF token bound to a cookie and the link (form-guard.ts); a strict CSP.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sharedAffordabilityEngine } from '../affordability/affordability.service.js';
import { bankFileProblem } from '../bank-data/bank-data.routes.js';
import { BankFileError } from '../bank-data/canonical.js';
import { ingestStatement } from '../bank-data/ingestion.service.js';
import type { BankFileParser } from '../bank-data/parse-pool.js';
import { summariseStatement } from '../bank-data/statement-summary.js';
import { discardUploadDraft, getUploadDraft, stageUploadDraft, takeUploadDraft } from '../bank-data/upload-drafts.service.js';
import { grantConsent, rejectConsent, revokeConsentByDebtor, CURRENT_CONSENT_TEXT_VERSION, viewConsentByToken, type Consent } from '../consent/consent.service.js';
import { verifyLinkToken, verifyScopedLinkToken, type LinkTokenPayload, type ScopedLinkTokenPayload } from '../consent/link-token.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import { toDayNumber } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { toAppError } from '../platform/http/error-handler.js';
import type { AppDeps, AppInstance } from '../platform/http/types.js';
import { renderEpcQrSvg } from '../payment-links/qr-image.js';
import {
  acceptPlanOfferAudited,
  createPlanOffer,
  getPlanOfferByToken,
  getPlanView,
  instalmentPaymentLink,
  paymentLinkOf,
  repaymentPlanPolicy,
  type PlanOfferView,
  type PlanView,
} from '../repayment-plans/repayment-plans.service.js';
import { activeConsentView, bankConnectedView, consentRequestView, declinedView, draftSummaryView, endedView, messageView, type BankChoice, type FormTarget } from './consent-views.js';
import { completeBankAuthorisation, revokeEndedAuthorisations, startBankAuthorisation, type BankFlowDeps } from '../bank-connections/bank-authorisation.service.js';
import { listBankConnections } from '../bank-connections/bank-connections.service.js';
import { bankRowsUnderConsent, debtHelpComesFirst, demoStatement, planSituation, storedBankData } from './debtor-page.service.js';
import { FormBodyError, parseFormBody, type FormFile } from './form-body.js';
import { FORM_COOKIE, formCookieHeader, formToken, isSameOrigin, isValidFormToken, newFormCookieValue, readCookie } from './form-guard.js';
import { DEBTOR_PAGE_CSP, ICON_PATH, ICON_SVG, renderPage, STYLESHEET, STYLESHEET_PATH, type PageFrame } from './page-layout.js';
import { LANGUAGES, TEXT, type Lang } from './page-texts.js';
import { chosenPlanView, offerView, type InstalmentToPay } from './plan-views.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The file of a multipart form post on the debtor's page (the form's text fields are the body). */
    debtorFormFile: FormFile | null;
  }
}

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000, description: 'The signed link token sent to the debtor' }) });
const DraftParams = Type.Object({ token: TokenParams.properties.token, draftId: Type.String({ format: 'uuid' }) });
const InstalmentParams = Type.Object({ token: TokenParams.properties.token, number: Type.Integer({ minimum: 1, maximum: 999 }) });
const LangQuery = Type.Object({ lang: Type.Optional(Type.Union(LANGUAGES.map((l) => Type.Literal(l)), { description: 'nl (default) or en' })) });
const CsrfField = { csrf: Type.Optional(Type.String({ maxLength: 100, description: 'The form token the page put in the form' })) };
/** A body the page's HTML forms send (urlencoded), validated by the schema of that content type. */
const formBody = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>({ content: { 'application/x-www-form-urlencoded': { schema } } });
const ButtonForm = formBody(Type.Object(CsrfField, { additionalProperties: false }));
const GrantForm = formBody(Type.Object({ ...CsrfField, agreed: Type.Literal('yes', { description: 'The debtor pressed the button that grants' }) }, { additionalProperties: false }));
const BankForm = formBody(Type.Object({ ...CsrfField, connectionId: Type.String({ format: 'uuid', description: 'The bank connection the debtor picked' }) }, { additionalProperties: false }));
const BankReturnQuery = Type.Object({
  state: Type.String({ minLength: 1, maxLength: 200, description: 'The nonce given to the bank with the redirect address' }),
  lang: LangQuery.properties.lang,
});
const ChooseForm = formBody(Type.Object({ ...CsrfField, optionId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }));
const UploadForm = Type.Unsafe<{ csrf?: string }>({
  description: 'The statement file from the page’s upload form',
  content: {
    'multipart/form-data': {
      schema: { type: 'object', properties: { csrf: { type: 'string', maxLength: 100 }, statement: { type: 'string', format: 'binary', description: 'camt.053, MT940 or a bank’s CSV export' } } },
    },
  },
});

const htmlResponse = (description: string) => Type.Unsafe<string>({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const PAGE = htmlResponse('The page');
const SEE_OTHER = Type.Unsafe({ description: 'Done: the browser is sent to the next screen (Post/Redirect/Get)' });
const PAGE_PROBLEMS = {
  400: htmlResponse('The form or address is not valid: a friendly page'),
  401: htmlResponse('The link is not valid, has expired or belongs to nothing here: a friendly page, never data'),
  403: htmlResponse('The form was not sent from this page (CSRF), or a consent is needed: a friendly page'),
  409: htmlResponse('Not possible in the current state (already decided, expired): a friendly page'),
  413: htmlResponse('The file is too large'),
  415: htmlResponse('The form is not a form this page sends'),
  422: htmlResponse('The file could not be read'),
  429: htmlResponse('Too many uploads today under this consent'),
};
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const FORM_LIMIT_BYTES = 16 * 1024;

export interface DebtorPageServices {
  parser: BankFileParser;
  /** Connecting the debtor's bank (redirect to the bank, the return, the first pull). */
  bankFlow: BankFlowDeps;
}

export async function debtorPageRoutes(app: AppInstance, deps: AppDeps, services: DebtorPageServices): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);
  const base = new URL(deps.config.publicBaseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const secureCookie = base.protocol === 'https:';

  app.get(
    STYLESHEET_PATH,
    { config: { auth: 'public' }, schema: { tags: ['debtor-page'], summary: 'The debtor’s page stylesheet', response: { 200: Type.Unsafe<string>({ description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } }) } } },
    async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  app.get(
    ICON_PATH,
    { config: { auth: 'public' }, schema: { tags: ['debtor-page'], summary: 'The debtor’s page icon', response: { 200: Type.Unsafe<string>({ description: 'SVG', content: { 'image/svg+xml': { schema: { type: 'string' } } } }) } } },
    async (_request, reply) => reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(ICON_SVG),
  );

  await app.register(async (plain) => {
    const page = plain.withTypeProvider<TypeBoxTypeProvider>();
    page.decorateRequest('debtorFormFile', null);
    page.removeAllContentTypeParsers();
    /** A body no browser form would send is a 400 on the friendly page, not a failure of the service. */
    const readForm = async (request: FastifyRequest, body: Buffer) => {
      try {
        return await parseFormBody(body, String(request.headers['content-type']));
      } catch (error) {
        if (error instanceof FormBodyError) throw new AppError('validation_failed', 'the form could not be read', { errors: [{ in: 'body', pointer: '', message: 'not a readable form' }] });
        throw error;
      }
    };
    page.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: FORM_LIMIT_BYTES }, async (request: FastifyRequest, body: Buffer) => (await readForm(request, body)).fields);
    page.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: deps.config.uploadLimitBytes + MULTIPART_OVERHEAD_BYTES }, async (request: FastifyRequest, body: Buffer) => {
      const form = await readForm(request, body);
      request.debtorFormFile = form.file;
      return form.fields;
    });
    page.addHook('onSend', async (_request, reply, payload) => {
      // A screen with a bank form widens form-action itself (bankFormCsp); every other screen gets the strict one.
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DEBTOR_PAGE_CSP);
      // No address (with its link token) ever goes to another site; same-origin keeps the Origin header on the page's own form posts.
      reply.header('referrer-policy', 'same-origin');
      reply.header('x-frame-options', 'DENY');
      reply.header('x-robots-tag', 'noindex, nofollow');
      reply.header('cross-origin-opener-policy', 'same-origin');
      reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
      return payload;
    });
    page.setErrorHandler(async (error, request, reply) => {
      const appError = error instanceof AppError ? error : toAppError(error as Error, { retryAfterSeconds: deps.config.dbRetryAfterSeconds });
      if (appError.status >= 500) request.log.error({ err: error }, 'debtor page failed');
      else request.log.info({ code: appError.code, status: appError.status }, 'debtor page refused');
      const lang = langOf(request);
      const t = TEXT[lang];
      const params = request.params as { token?: string } | undefined;
      const invalidLink = appError.code === 'invalid_link_token' || (appError.code === 'validation_failed' && JSON.stringify(appError.extra ?? {}).includes('"in":"params"'));
      const [title, body] = invalidLink
        ? [t.badLinkTitle, t.badLinkBody]
        : appError.code === 'invalid_form'
          ? [t.formExpiredTitle, t.formExpiredBody]
          : [t.cannotTitle, appError.status >= 500 ? t.somethingWrong : problemWords(appError, lang)];
      const back = !invalidLink && params?.token && request.method === 'POST' ? screenHref(request.url, lang) : undefined;
      return sendHtml(reply.status(invalidLink ? 401 : appError.status), frameFor(lang, title, request.url), messageView({ title, body, lang, ...(back ? { backHref: back } : {}) }));
    });

    const frameFor = (lang: Lang, title: string, url: string, extra: Partial<PageFrame> = {}): PageFrame => ({
      lang,
      title,
      otherLanguageHref: withLang(url, lang === 'nl' ? 'en' : 'nl'),
      debtHelp: { url: deps.config.debtHelpUrl, phone: deps.config.debtHelpPhone },
      ...extra,
    });

    const consentToken = (token: string): LinkTokenPayload => {
      const payload = verifyLinkToken(token, deps.linkTokenSecret);
      if (!payload) throw new AppError('invalid_link_token');
      return payload;
    };
    /** A genuine token that also names a consent of that tenant and debtor: checked before any form is looked at. */
    const consentLink = async (token: string): Promise<LinkTokenPayload> => {
      const payload = consentToken(token);
      await viewConsentByToken(db, payload);
      return payload;
    };
    const planToken = (token: string): ScopedLinkTokenPayload => {
      // The service's own day, as the offer routes use: the link works through the offer's last day.
      const payload = verifyScopedLinkToken(token, deps.linkTokenSecret, 'plan_offer', Math.max(Math.floor(Date.now() / 1000), toDayNumber(deps.today()) * 86_400));
      if (!payload) throw new AppError('invalid_link_token');
      return payload;
    };

    /** The browser's form cookie, set when absent; the forms of this response are bound to it. */
    const formCookie = (request: FastifyRequest, reply: FastifyReply): string => {
      const existing = readCookie(request.headers.cookie, FORM_COOKIE);
      if (existing) return existing;
      const value = newFormCookieValue();
      reply.header('set-cookie', formCookieHeader(value, secureCookie));
      return value;
    };
    const target = (cookie: string, token: string, action: string, lang: Lang): FormTarget => ({ action: withLang(action, lang), csrf: formToken(deps.linkTokenSecret, cookie, token) });
    const allowedOrigins = (request: FastifyRequest) => [base.origin, `${request.protocol}://${request.host}`];
    const checkForm = (request: FastifyRequest, token: string) => {
      const body = (request.body ?? {}) as { csrf?: string };
      const sameOrigin = isSameOrigin(request.headers.origin, allowedOrigins(request));
      if (!sameOrigin || !isValidFormToken(deps.linkTokenSecret, readCookie(request.headers.cookie, FORM_COOKIE), token, body.csrf)) throw new AppError('invalid_form');
    };

    const consentPath = (token: string) => `${prefix}/consent/${token}`;
    const planPath = (token: string) => `${prefix}/plan/${token}`;
    const seeOther = (reply: FastifyReply, location: string) => reply.status(303).header('location', location).send();

    // ---------------------------------------------------------------------------------------------
    // Consent

    /**
     * The tenant's enabled bank connections as a choice on the page. The form posts here and is answered
     * with a 303 to the bank's own page; browsers apply form-action to that redirect too, so this page's
     * policy allows https destinations (and the plain-http connections allowed for development).
     */
    const bankChoice = async (reply: FastifyReply, tenantId: string, cookie: string, tokenText: string, lang: Lang): Promise<BankChoice | undefined> => {
      const connections = await listBankConnections(db, tenantId, { enabledOnly: true });
      if (connections.length === 0) return undefined;
      const plainOrigins = [...new Set(connections.map((c) => new URL(c.baseUrl)).filter((u) => u.protocol === 'http:').map((u) => u.origin))];
      reply.header('content-security-policy', DEBTOR_PAGE_CSP.replace("form-action 'self'", ["form-action 'self' https:", ...plainOrigins].join(' ')));
      return { connections: connections.map((c) => ({ id: c.id, displayName: c.displayName })), target: target(cookie, tokenText, `${consentPath(tokenText)}/bank`, lang) };
    };

    const renderConsent = async (request: FastifyRequest, reply: FastifyReply, tokenText: string, lang: Lang, problem?: string) => {
      const token = consentToken(tokenText);
      const { consent, creditorName } = await viewConsentByToken(db, token);
      const t = TEXT[lang];
      const cookie = formCookie(request, reply);
      const path = consentPath(tokenText);
      const url = withLang(path, lang);
      if (consent.status === 'received') {
        const bank = await bankChoice(reply, token.tenantId, cookie, tokenText, lang);
        return sendHtml(
          reply,
          frameFor(lang, t.consentTitle(creditorName), url, { creditorName }),
          consentRequestView({ consent, creditorName, lang, grant: target(cookie, tokenText, `${path}/grant`, lang), decline: target(cookie, tokenText, `${path}/decline`, lang), ...(bank ? { bank } : {}) }),
        );
      }
      if (consent.status === 'rejected') return sendHtml(reply, frameFor(lang, t.declinedTitle, url, { creditorName }), declinedView(lang));
      if (consent.status !== 'valid') {
        const rowsLeft = await bankRowsUnderConsent(db, token.tenantId, token.consentId);
        return sendHtml(reply, frameFor(lang, t.endedTitle, url, { creditorName }), endedView({ consent, lang, rowsLeft }));
      }
      const today = deps.today();
      const [stored, situation, helpFirst, bank] = await Promise.all([
        storedBankData(db, token.tenantId, token.consentId),
        planSituation(db, token.tenantId, token.debtorId, today, deps.linkTokenSecret),
        debtHelpComesFirst(db, engine, token.tenantId, token.debtorId, today),
        bankChoice(reply, token.tenantId, cookie, tokenText, lang),
      ]);
      return sendHtml(
        reply,
        frameFor(lang, t.granted, url, { creditorName, debtHelpFirst: helpFirst }),
        activeConsentView({
          consent,
          creditorName,
          lang,
          stored,
          demo: deps.config.demo,
          upload: target(cookie, tokenText, `${path}/statements`, lang),
          demoAccount: target(cookie, tokenText, `${path}/demo-statement`, lang),
          planOptions: target(cookie, tokenText, `${path}/plan-offer`, lang),
          withdraw: target(cookie, tokenText, `${path}/withdraw`, lang),
          ...(bank ? { bank } : {}),
          claimsToOffer: situation.claimIdsToOffer.length,
          runningPlanHrefs: situation.runningPlanOfferTokens.map((planTokenText) => withLang(planPath(planTokenText), lang)),
          ...(problem ? { problem } : {}),
        }),
      );
    };

    page.get(
      '/consent/:token',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'The debtor’s consent page: the request, or the running consent with the bank-data and plan steps, or the ended consent', params: TokenParams, querystring: LangQuery, response: { 200: PAGE, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => renderConsent(request, reply, request.params.token, langOf(request)),
    );

    /** A decision about the consent: checked link, checked form, done in one transaction, then back to the page. */
    const consentDecision = (path: string, summary: string, body: typeof ButtonForm | typeof GrantForm, decide: (token: LinkTokenPayload) => Promise<unknown>) =>
      page.post(
        path,
        { config: { auth: 'link-token' }, schema: { tags: ['debtor-page'], summary, params: TokenParams, querystring: LangQuery, body, response: { 303: SEE_OTHER, ...PAGE_PROBLEMS } } },
        async (request, reply) => {
          const { token } = request.params as { token: string };
          const payload = await consentLink(token);
          checkForm(request, token);
          await decide(payload);
          return seeOther(reply, withLang(consentPath(token), langOf(request)));
        },
      );

    consentDecision('/consent/:token/grant', 'The debtor grants the consent', GrantForm, (token) =>
      db.transaction().execute((trx) => grantConsent(trx, token, { textVersion: CURRENT_CONSENT_TEXT_VERSION, method: 'debtor_page' }, { now: new Date(), today: deps.today() })),
    );
    consentDecision('/consent/:token/decline', 'The debtor declines the consent', ButtonForm, (token) => db.transaction().execute((trx) => rejectConsent(trx, token, { now: new Date() })));
    consentDecision('/consent/:token/withdraw', 'The debtor withdraws the consent; their bank data is erased at once, and the consent at their bank is ended', ButtonForm, async (token) => {
      await db.transaction().execute((trx) => revokeConsentByDebtor(trx, token, { now: new Date() }));
      // Best effort: a bank that cannot be reached now is retried by the bank-refresh job.
      await revokeEndedAuthorisations(db, services.bankFlow, token.tenantId, { consentId: token.consentId, now: new Date() }).catch((error: unknown) => page.log.warn({ err: error }, 'revoking at the bank after a withdrawal failed; the bank-refresh job retries'));
    });

    // ---------------------------------------------------------------------------------------------
    // Connecting the bank: to the bank, and back

    page.post(
      '/consent/:token/bank',
      {
        config: { auth: 'link-token' },
        schema: {
          tags: ['debtor-page'],
          summary: 'The debtor picks their bank: the consent is created at the bank and the browser is sent to the bank to approve it',
          description: 'With a requested consent, approval at the bank is the grant (method bank_sca). The bank sends the browser back to /bank/return or /bank/return-nok.',
          params: TokenParams,
          querystring: LangQuery,
          body: BankForm,
          response: { 200: PAGE, 303: SEE_OTHER, ...PAGE_PROBLEMS },
        },
      },
      async (request, reply) => {
        const tokenText = request.params.token;
        const token = await consentLink(tokenText);
        checkForm(request, tokenText);
        const lang = langOf(request);
        const started = await startBankAuthorisation(db, services.bankFlow, { linkToken: tokenText, token, connectionId: request.body.connectionId, psuIpAddress: request.ip, now: new Date(), today: deps.today(), lang });
        if (started.ok) return seeOther(reply, started.scaRedirectUrl);
        const t = TEXT[lang];
        return sendHtml(reply, frameFor(lang, t.bankUnavailableTitle, request.url), messageView({ title: t.bankUnavailableTitle, body: t.bankUnavailableBody, lang, backHref: withLang(consentPath(tokenText), lang) }));
      },
    );

    const bankReturn = (path: string, nok: boolean, summary: string) =>
      page.get(
        path,
        {
          config: { auth: 'link-token' },
          schema: { tags: ['debtor-page'], summary, params: TokenParams, querystring: BankReturnQuery, response: { 200: PAGE, 303: SEE_OTHER, ...PAGE_PROBLEMS } },
        },
        async (request, reply) => {
          const { token: tokenText } = request.params as { token: string };
          const { state } = request.query as { state: string };
          const token = await consentLink(tokenText);
          const lang = langOf(request);
          const t = TEXT[lang];
          const back = withLang(consentPath(tokenText), lang);
          const result = await completeBankAuthorisation(db, services.bankFlow, { token, state, nok, psuIpAddress: request.ip, now: new Date(), today: deps.today() });
          const message = (title: string, body: string) => sendHtml(reply, frameFor(lang, title, request.url), messageView({ title, body, lang, backHref: back }));
          switch (result.outcome) {
            case 'granted': {
              if (!result.pull) return seeOther(reply, back);
              if (result.pull.consentStatus !== 'valid') return seeOther(reply, back);
              const ok = result.pull.outcome === 'ok' || result.pull.outcome === 'no_accounts';
              return sendHtml(reply, frameFor(lang, t.bankDoneTitle, request.url), bankConnectedView({ lang, accounts: result.pull.accounts, accepted: result.pull.accepted, readProblem: !ok, continueHref: back }));
            }
            case 'rejected': {
              const { consent } = await viewConsentByToken(db, token);
              // A request denied at the bank is a declined consent: the page itself says so.
              if (consent.status !== 'valid') return seeOther(reply, back);
              return message(t.bankDeniedTitle, t.bankDeniedBody);
            }
            case 'not_finished':
              return message(t.cannotTitle, t.bankNotFinished);
            case 'failed':
              return message(t.bankUnavailableTitle, t.bankUnavailableBody);
          }
        },
      );
    bankReturn('/consent/:token/bank/return', false, 'The bank sends the debtor back after approval: the consent’s status at the bank is checked and the first pull runs');
    bankReturn('/consent/:token/bank/return-nok', true, 'The bank sends the debtor back after a denial or failure');

    // ---------------------------------------------------------------------------------------------
    // Bank data: upload, summary, use or discard

    /** Only a running consent takes files. */
    const runningConsent = async (token: LinkTokenPayload): Promise<Consent> => {
      const { consent } = await viewConsentByToken(db, token);
      if (consent.status !== 'valid' || consent.validUntil < deps.today()) throw new AppError('consent_required', 'the consent is not running');
      return consent;
    };

    /** Reads a file and keeps it as a draft for the debtor to look at; answers with the summary screen. */
    const stage = async (request: FastifyRequest, reply: FastifyReply, tokenText: string, file: FormFile) => {
      const token = consentToken(tokenText);
      const lang = langOf(request);
      await runningConsent(token);
      const bytes = Buffer.from(file.bytes);
      let parsed;
      try {
        parsed = await services.parser.parse(file.bytes, { lenient: true, hints: { contentType: '', fileName: file.name } });
      } catch (error) {
        if (error instanceof BankFileError) {
          const problem = bankFileProblem(error);
          reply.status(problem.status === 413 ? 413 : 422);
          return renderConsent(request, reply, tokenText, lang, problem.status === 413 ? TEXT[lang].fileTooLarge : TEXT[lang].fileProblem);
        }
        throw error;
      }
      const summary = summariseStatement(parsed.statement, parsed.statement.warnings.length);
      if (summary.totals.transactions === 0) {
        reply.status(422);
        return renderConsent(request, reply, tokenText, lang, TEXT[lang].fileProblem);
      }
      const draft = await stageUploadDraft(db, {
        tenantId: token.tenantId,
        debtorId: token.debtorId,
        consentId: token.consentId,
        fileName: file.name || null,
        bytes,
        format: parsed.statement.format,
        sha256: parsed.sha256,
        summary,
        now: new Date(),
      });
      return seeOther(reply, withLang(`${consentPath(tokenText)}/statements/${draft.id}`, lang));
    };

    page.post(
      '/consent/:token/statements',
      {
        config: { auth: 'link-token' },
        bodyLimit: deps.config.uploadLimitBytes + MULTIPART_OVERHEAD_BYTES,
        schema: {
          tags: ['debtor-page'],
          summary: 'The debtor uploads a statement export; it is read and kept as a draft until they confirm it',
          description: 'camt.053, MT940 or a Dutch bank’s CSV. Nothing is used before the debtor confirms the summary; a draft is deleted after a day, on withdrawal, and on erasure.',
          params: TokenParams,
          querystring: LangQuery,
          body: UploadForm,
          response: { 303: SEE_OTHER, ...PAGE_PROBLEMS },
        },
      },
      async (request, reply) => {
        await consentLink(request.params.token);
        checkForm(request, request.params.token);
        const file = request.debtorFormFile;
        if (!file) {
          reply.status(400);
          return renderConsent(request, reply, request.params.token, langOf(request), TEXT[langOf(request)].fileMissing);
        }
        return stage(request, reply, request.params.token, file);
      },
    );

    page.post(
      '/consent/:token/demo-statement',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'Demo mode only: a simulated account’s statement, read and kept as a draft like an upload', params: TokenParams, querystring: LangQuery, body: ButtonForm, response: { 303: SEE_OTHER, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const token = await consentLink(request.params.token);
        checkForm(request, request.params.token);
        if (!deps.config.demo) throw new AppError('invalid_state', 'the example account exists in demo mode only');
        const demo = demoStatement(token.debtorId, deps.today());
        return stage(request, reply, request.params.token, { name: demo.fileName, bytes: demo.bytes });
      },
    );

    page.get(
      '/consent/:token/statements/:draftId',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'What was read from the uploaded file, before it is used', params: DraftParams, querystring: LangQuery, response: { 200: PAGE, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const { token: tokenText, draftId } = request.params;
        const token = consentToken(tokenText);
        const lang = langOf(request);
        const { creditorName } = await viewConsentByToken(db, token);
        const draft = await getUploadDraft(db, token.tenantId, token.consentId, draftId, new Date());
        if (!draft) return renderConsent(request, reply, tokenText, lang, TEXT[lang].draftGone);
        const cookie = formCookie(request, reply);
        const path = `${consentPath(tokenText)}/statements/${draftId}`;
        return sendHtml(
          reply,
          frameFor(lang, TEXT[lang].summaryTitle, withLang(path, lang), { creditorName }),
          draftSummaryView({ lang, fileName: draft.fileName, summary: draft.summary, use: target(cookie, tokenText, `${path}/use`, lang), discard: target(cookie, tokenText, `${path}/discard`, lang) }),
        );
      },
    );

    page.post(
      '/consent/:token/statements/:draftId/use',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'The debtor confirms the summary: the file is stored as bank data (atomic, idempotent)', params: DraftParams, querystring: LangQuery, body: ButtonForm, response: { 303: SEE_OTHER, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const { token: tokenText, draftId } = request.params;
        const token = await consentLink(tokenText);
        checkForm(request, tokenText);
        const lang = langOf(request);
        const now = new Date();
        const used = await db.transaction().execute(async (trx) => {
          const draft = await takeUploadDraft(trx, token.tenantId, token.consentId, draftId, now);
          if (!draft) return false;
          const parsed = await services.parser.parse(draft.bytes, { lenient: true, format: draft.format });
          await ingestStatement(
            trx,
            { tenantId: token.tenantId, debtorId: token.debtorId, consentId: token.consentId, statement: parsed.statement, dedupeKeys: parsed.dedupeKeys, fileSha256: parsed.sha256, byteSize: parsed.byteSize, actor: 'debtor_page' },
            { today: deps.today(), now, timeZone: deps.config.tenantTimeZone },
          );
          return true;
        });
        if (!used) return renderConsent(request, reply, tokenText, lang, TEXT[lang].draftGone);
        return seeOther(reply, withLang(consentPath(tokenText), lang));
      },
    );

    page.post(
      '/consent/:token/statements/:draftId/discard',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'The debtor throws the read file away; nothing of it is kept', params: DraftParams, querystring: LangQuery, body: ButtonForm, response: { 303: SEE_OTHER, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const { token: tokenText, draftId } = request.params;
        const token = await consentLink(tokenText);
        checkForm(request, tokenText);
        await discardUploadDraft(db, token.tenantId, token.consentId, draftId);
        return seeOther(reply, withLang(consentPath(tokenText), langOf(request)));
      },
    );

    page.post(
      '/consent/:token/plan-offer',
      {
        config: { auth: 'link-token' },
        schema: {
          tags: ['debtor-page'],
          summary: 'The debtor asks what they can pay: an offer for their open claims, then the plan page',
          description: 'Covers the stored claims with something due that no running plan holds, as POST /v1/debtors/:debtorId/plan-options does for the creditor; needs the consent to cover affordability or repayment plans.',
          params: TokenParams,
          querystring: LangQuery,
          body: ButtonForm,
          response: { 303: SEE_OTHER, ...PAGE_PROBLEMS },
        },
      },
      async (request, reply) => {
        const tokenText = request.params.token;
        const token = await consentLink(tokenText);
        checkForm(request, tokenText);
        const lang = langOf(request);
        await runningConsent(token);
        const today = deps.today();
        const situation = await planSituation(db, token.tenantId, token.debtorId, today, deps.linkTokenSecret);
        if (situation.claimIdsToOffer.length === 0) return seeOther(reply, withLang(consentPath(tokenText), lang));
        const created = await db.transaction().execute(async (trx) => {
          const result = await createPlanOffer(trx, token.tenantId, token.debtorId, { claimIds: situation.claimIdsToOffer }, { today, linkTokenSecret: deps.linkTokenSecret, engine });
          await recordAudit(trx, { tenantId: token.tenantId, actor: 'debtor_page', action: 'plan_offer.created', subjectType: 'debtor', subjectId: token.debtorId, details: { offerId: result.offer.id, options: result.offer.options.length, affordable: result.offer.affordable } });
          return result;
        });
        return seeOther(reply, withLang(planPath(created.linkToken), lang));
      },
    );

    // ---------------------------------------------------------------------------------------------
    // Plans

    page.get(
      '/plan/:token',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'The debtor’s plan page: the options, or the chosen plan with an EPC QR code per instalment', params: TokenParams, querystring: LangQuery, response: { 200: PAGE, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const tokenText = request.params.token;
        const token = planToken(tokenText);
        const lang = langOf(request);
        const today = deps.today();
        const offer = await getPlanOfferByToken(db, token, today);
        const tenant = await db.selectFrom('tenants').select('name').where('id', '=', token.tenantId).executeTakeFirstOrThrow();
        const creditorName = tenant.name;
        const path = planPath(tokenText);
        const url = withLang(path, lang);
        const helpFirst = !offer.affordable || offer.recommendation?.kind === 'refer_to_debt_help' || (await debtHelpComesFirst(db, engine, token.tenantId, token.debtorId, today));
        if (offer.status === 'accepted' && offer.planId) {
          const plan = await getPlanView(db, token.tenantId, offer.planId, today, today);
          const instalments = await instalmentsToPay(token.tenantId, plan, path, lang);
          return sendHtml(reply, frameFor(lang, TEXT[lang].chosenTitle, url, { creditorName, debtHelpFirst: helpFirst }), chosenPlanView({ plan, creditorName, lang, instalments }));
        }
        const cookie = formCookie(request, reply);
        return sendHtml(reply, frameFor(lang, TEXT[lang].planTitle(creditorName), url, { creditorName, debtHelpFirst: helpFirst }), offerView({ offer, creditorName, lang, choose: target(cookie, tokenText, `${path}/choose`, lang) }));
      },
    );

    /** Every instalment of the plan with its payment code when it asks money; the plan was read once, by the caller. */
    const instalmentsToPay = async (tenantId: string, plan: PlanView, path: string, lang: Lang): Promise<InstalmentToPay[]> => {
      const { policy } = await repaymentPlanPolicy(db, tenantId);
      return plan.state.instalments.map((i) => {
        const paid = i.state === 'paid' || i.state === 'paid_late';
        let link = null;
        if (!paid && i.expectedCents > 0) {
          try {
            link = paymentLinkOf(plan, i.number, policy);
          } catch (error) {
            // Without a payee in the creditor's policy there is no code to show; the dates still are.
            if (!(error instanceof AppError) || error.status >= 500) throw error;
          }
        }
        return { number: i.number, dueDate: i.dueDate, paid, expectedCents: i.expectedCents, link, qrHref: withLang(`${path}/instalments/${i.number}/qr.svg`, lang) };
      });
    };

    page.post(
      '/plan/:token/choose',
      {
        config: { auth: 'link-token' },
        schema: { tags: ['debtor-page'], summary: 'The debtor chooses one option: the plan starts', params: TokenParams, querystring: LangQuery, body: ChooseForm, response: { 303: SEE_OTHER, ...PAGE_PROBLEMS } },
      },
      async (request, reply) => {
        const tokenText = request.params.token;
        const token = planToken(tokenText);
        const today = deps.today();
        await getPlanOfferByToken(db, token, today);
        checkForm(request, tokenText);
        await acceptPlanOfferAudited(db, { tenantId: token.tenantId, offerId: token.subjectId, optionId: request.body.optionId, by: 'debtor', actor: 'debtor_page', today });
        return seeOther(reply, withLang(planPath(tokenText), langOf(request)));
      },
    );

    page.get(
      '/plan/:token/instalments/:number/qr.svg',
      {
        config: { auth: 'link-token' },
        schema: {
          tags: ['debtor-page'],
          summary: 'The EPC QR code of one instalment of the plan chosen through this link, as SVG',
          params: InstalmentParams,
          querystring: LangQuery,
          response: { 200: Type.Unsafe<string>({ description: 'The QR code', content: { 'image/svg+xml': { schema: { type: 'string' } } } }), ...PAGE_PROBLEMS, 404: htmlResponse('No such instalment, or no plan chosen yet') },
        },
      },
      async (request, reply) => {
        const token = planToken(request.params.token);
        const today = deps.today();
        const offer: PlanOfferView = await getPlanOfferByToken(db, token, today);
        if (offer.status !== 'accepted' || !offer.planId) throw new AppError('not_found', 'no plan was chosen through this link');
        const link = await instalmentPaymentLink(db, token.tenantId, offer.planId, request.params.number, today, today);
        return reply.type('image/svg+xml; charset=utf-8').send(await renderEpcQrSvg(link.payload, { title: link.caption[langOf(request)] }));
      },
    );
  });
}


function langOf(request: FastifyRequest): Lang {
  const lang = (request.query as { lang?: string } | undefined)?.lang;
  return lang === 'en' ? 'en' : 'nl';
}

/** The address with ?lang= set (Dutch is the default and needs none). */
function withLang(url: string, lang: Lang): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.delete('lang');
  if (lang === 'en') params.set('lang', 'en');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

/** The screen a failed form post came from: the consent or plan page of the link. */
function screenHref(url: string, lang: Lang): string {
  const path = url.split('?', 1)[0]!;
  const match = /^(.*\/(?:consent|plan)\/[^/]+)/.exec(path);
  return withLang(match ? match[1]! : path, lang);
}

function problemWords(error: AppError, lang: Lang): string {
  const t = TEXT[lang];
  switch (error.code) {
    case 'rate_limited':
      return t.tooManyUploads;
    case 'consent_required':
    case 'consent_expired':
      return t.consentNeeded;
    case 'payload_too_large':
      return t.fileTooLarge;
    case 'unprocessable_file':
    case 'unsupported_format':
    case 'unsafe_file':
      return t.fileProblem;
    case 'invalid_state':
      return t.notPossibleNow;
    default:
      return t.somethingWrong;
  }
}

function sendHtml(reply: FastifyReply, frame: PageFrame, content: Parameters<typeof renderPage>[1]): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(renderPage(frame, content));
}

