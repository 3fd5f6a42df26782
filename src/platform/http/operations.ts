/**
 * Operations at the HTTP edge: the Prometheus endpoint with its request metrics, and per-key and
 * per-link rate limits.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyLinkToken, verifyScopedLinkToken } from '../../consent/link-token.js';
import { AppError } from '../errors.js';
import { metrics, registry, statusClass, trackDatabase } from '../metrics.js';
import { problemResponses } from './schemas.js';
import type { AppDeps, AppInstance } from './types.js';

// ---------------------------------------------------------------------------------------------
// Metrics

/** Addresses of this machine: without METRICS_TOKEN only a scraper here (or an SSH tunnel) may read /metrics. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function sameSecret(given: string, expected: string): boolean {
  // Hashes have equal length, so the comparison takes the same time whatever the token's length.
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** Refuses a scrape that is not allowed: with a token configured, its bearer; without, any address but loopback. */
export function authorizeScrape(request: Pick<FastifyRequest, 'headers' | 'socket'>, token: string | null): void {
  if (token !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !sameSecret(match[1]!, token)) throw new AppError('invalid_metrics_token', 'send the configured METRICS_TOKEN as "Authorization: Bearer <token>"');
    return;
  }
  // The socket's address, not X-Forwarded-For: a header anyone can send must not open the endpoint.
  const address = request.socket.remoteAddress ?? '';
  if (!LOOPBACK.test(address)) throw new AppError('metrics_local_only', 'without METRICS_TOKEN configured, /metrics answers requests from this machine only');
}

export async function metricsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const untrack = trackDatabase(deps.database);
  app.addHook('onClose', async () => untrack());
  // Every answered request, by route pattern. Requests no route matched share one label, so a scan of
  // random URLs cannot create series (and never puts a URL into a label).
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe({ route, method: request.method, status_class: statusClass(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Requests by route pattern, method and status class; risk scores computed; bank rows ingested; training runs; scheduled job runs; webhook deliveries; the database pool; process metrics. ' +
          'No label carries a tenant, key, debtor or URL. When METRICS_TOKEN is configured, send it as `Authorization: Bearer <token>`; when it is not, only requests from this machine (loopback) are answered. API keys do not grant access.',
        response: {
          200: Type.Unsafe<string>({ description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      authorizeScrape(request, deps.config.metricsToken);
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Rate limits

/**
 * What a debtor-link request is counted against: the consent or plan offer its token opens, so one
 * debtor's page has one budget however many copies of the link exist. A token that does not verify
 * is counted by client address instead: forged tokens must not each get a fresh budget.
 */
function linkKey(request: FastifyRequest, secret: string): string {
  const token = (request.params as { token?: unknown } | undefined)?.token;
  if (typeof token === 'string') {
    const consent = verifyLinkToken(token, secret);
    if (consent) return `consent:${consent.tenantId}:${consent.consentId}`;
    const offer = verifyScopedLinkToken(token, secret, 'plan_offer');
    if (offer) return `plan_offer:${offer.tenantId}:${offer.subjectId}`;
  }
  return `address:${request.ip}`;
}

/**
 * Per API key and per debtor link, counted in this process's memory (see docs/operations.md: N
 * instances allow N times the limit). Runs as an onRequest hook registered after authentication, so
 * the key is known and a request without a valid key is refused before it costs anyone's budget.
 */
export async function registerRateLimits(app: AppInstance, deps: AppDeps): Promise<void> {
  const { rateLimitPerMinute, rateLimitLinkPerMinute, rateLimitWindowMs } = deps.config;
  if (rateLimitPerMinute === 0 && rateLimitLinkPerMinute === 0) return;
  // global: false: the plugin adds no hooks of its own; the limiters below are called from ours, in our order.
  await app.register(rateLimit, { global: false });
  const keyLimiter = app.createRateLimit({ max: rateLimitPerMinute, timeWindow: rateLimitWindowMs, keyGenerator: (request) => `key:${request.auth!.keyId}` });
  // More entries than the default 5000: every open debtor page holds one for a window. The plugin's
  // in-memory store reads `cache` from these options at run time; its types only declare it globally.
  const linkLimiter = app.createRateLimit({ max: rateLimitLinkPerMinute, timeWindow: rateLimitWindowMs, keyGenerator: (request) => linkKey(request, deps.linkTokenSecret), ...({ cache: 20_000 } as object) });

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config?.auth;
    let limiter: typeof keyLimiter;
    let kind: 'api_key' | 'link';
    if (typeof auth === 'object' && request.auth && rateLimitPerMinute > 0) {
      limiter = keyLimiter;
      kind = 'api_key';
    } else if (auth === 'link-token' && rateLimitLinkPerMinute > 0) {
      limiter = linkLimiter;
      kind = 'link';
    } else return; // health, metrics, docs and other public routes are not limited
    const outcome = await limiter(request);
    if (outcome.isAllowed) return;
    reply.header('x-ratelimit-limit', outcome.max);
    reply.header('x-ratelimit-remaining', outcome.remaining);
    reply.header('x-ratelimit-reset', outcome.ttlInSeconds);
    if (!outcome.isExceeded) return;
    metrics.rateLimited.inc({ limit: kind });
    throw new AppError('rate_limited', `more than ${outcome.max} requests within ${Math.round(outcome.timeWindow / 1000)} s ${kind === 'api_key' ? 'with this API key' : 'on this link'}; retry after ${outcome.ttlInSeconds} s`, {
      retryAfterSeconds: Math.max(1, outcome.ttlInSeconds),
    });
  });
}
