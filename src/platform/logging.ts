/**
 * Logger settings: what a log line may contain, and how it is printed.
 *
 * Logs travel further than the database (log collectors, support tickets, a terminal scrollback) and
 * are kept under other rules, so they carry no personal data and nothing that grants access:
 * - debtor link tokens are in URL paths (/consent/<token>, /plan/<token>, /v1/consent-links/<token>,
 *   /v1/plan-links/<token>); whoever reads a token can act as the debtor until it expires, so the
 *   URL serializer replaces it;
 * - query string values can be debtor references (GET /v1/debtors?externalRef=…), so only the
 *   parameter names are logged;
 * - the client address is not logged: a debtor's IP address is personal data, and abuse is handled
 *   by the rate limits, not by reading logs;
 * - API keys and cookies are headers; Fastify does not log headers, and `redact` makes sure a header
 *   object logged by anyone (an error with its request, a debug line) shows them as [redacted].
 */
import type { Config } from './config.js';

/** Path segments followed by a debtor link token: /consent/<token>, /plan/<token>, /v1/consent-links/<token>, /v1/plan-links/<token>. */
const BEFORE_TOKEN = new Set(['consent', 'plan', 'consent-links', 'plan-links']);

export const REDACTED = '[redacted]';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * The path with every segment that follows a link-path segment replaced, wherever it occurs. Segments
 * are compared decoded: the router takes /%63onsent/<token> for /consent/<token>, and a mistyped
 * //consent/<token> or /x/consent/<token> still carries a real token.
 */
function redactPath(path: string): string {
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const decoded = decodeSegment(segments[i]!);
    if (BEFORE_TOKEN.has(decoded)) {
      if (i + 1 < segments.length && segments[i + 1] !== '') segments[i + 1] = REDACTED;
      i++;
    } else if (decoded.includes('/') && decoded.split('/').some((part) => BEFORE_TOKEN.has(part))) {
      // An encoded slash (consent%2F<token>) hides the token inside one segment: the whole segment goes.
      segments[i] = REDACTED;
    }
  }
  return segments.join('/');
}

/** The URL as it may be logged: link tokens replaced, query values dropped (names kept, for debugging). */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const safePath = redactPath(queryStart === -1 ? url : url.slice(0, queryStart));
  if (queryStart === -1) return safePath;
  const names = url
    .slice(queryStart + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const name = pair.split('=')[0]!;
      // A parameter name is chosen by the client too: a long or odd one is not repeated.
      return /^[A-Za-z0-9_.[\]-]{1,64}$/.test(name) ? `${name}=${REDACTED}` : REDACTED;
    });
  return names.length === 0 ? safePath : `${safePath}?${names.join('&')}`;
}

/** Header paths that never reach a log line, wherever a header object is logged. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'err.request.headers.authorization',
  // Bank-connection secrets (client secrets, private keys) as an admin sends them: never logged, even by a debug line.
  'secrets',
  'body.secrets',
  'req.body.secrets',
  'request.body.secrets',
];

/** What Fastify's request log lines say about the request (replaces its default, which logs the raw URL and the client address). */
export function serializeRequest(request: { id?: unknown; method: string; url: string; routeOptions?: { url?: string | undefined } }): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    // The route pattern: the same for every debtor, so lines can be grouped without any id in them.
    ...(request.routeOptions?.url ? { route: request.routeOptions.url } : {}),
  };
}

export interface LoggerOptions {
  level: string;
  redact: { paths: string[]; censor: string };
  serializers: { req: typeof serializeRequest };
  transport?: { target: string; options: Record<string, unknown> };
}

/** Whether to print readable lines: LOG_FORMAT=pretty, or auto on a terminal. */
export function usePrettyLogs(format: Config['logFormat'], isTTY: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTTY);
}

/**
 * The pino options for the server. Pretty printing goes through pino-pretty in pino's worker thread
 * (a transport), so formatting never slows the request path; JSON lines are written directly.
 */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'logFormat'>, output: { isTTY: boolean }): LoggerOptions {
  const options: LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { req: serializeRequest },
  };
  if (usePrettyLogs(config.logFormat, output.isTTY)) {
    options.transport = { target: 'pino-pretty', options: { colorize: output.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } };
  }
  return options;
}
