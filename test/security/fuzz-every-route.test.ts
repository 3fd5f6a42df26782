/**
 * Random input at every route the app registers, with a key of a role the route allows (or a genuine
 * link token for the debtor's routes), so the input gets past authentication to the parsers and the
 * route code: random JSON values, random bytes under random content types, random urlencoded and
 * multipart forms, random path parameters and query strings. Whatever arrives, the answer is a clear
 * 4xx or a success, never a 5xx. fast-check generates the cases from a fixed seed, so a failure repeats.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteCatalogueEntry } from '../../src/platform/http/types.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { seedTenantResources, type SeededResources } from '../support/seed-resources.js';

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', 'application/xml', 'application/octet-stream', 'text/plain; charset=latin1', 'application/json; charset=utf-16'];
const RUNS_PER_ROUTE = 12;

const jsonBody = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const bytesBody = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b));
const formBody = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 5 }).map((d) => new URLSearchParams(d).toString());
const multipartBody = fc.tuple(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 200 })).map(([name, bytes]) =>
  Buffer.concat([Buffer.from(`--x\r\nContent-Disposition: form-data; name="${name}"; filename="f.csv"\r\n\r\n`), Buffer.from(bytes), Buffer.from('\r\n--x--\r\n')]),
);
const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constant('..'), fc.constant('%00'));
const query = fc.dictionary(fc.constantFrom('asOf', 'limit', 'cursor', 'lang', 'format', 'status', 'job', 'externalRef', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 3 });

describe('every route under random input', () => {
  let t: TestApp;
  let seeded: SeededResources;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false } });
    seeded = await seedTenantResources(t);
  }, 120_000);
  afterAll(async () => t?.close());

  function headersFor(route: RouteCatalogueEntry): Record<string, string> {
    return typeof route.auth === 'object' ? bearer(t.tenantA.keys[route.auth.roles[0]!]) : {};
  }

  /** The route's path with its parameters filled: the seeded resources' ids, the link token, or random text. */
  function pathFor(route: RouteCatalogueEntry, random: string[]): string {
    let i = 0;
    return route.url.replace(/:(\w+)/g, (_match, name: string) => {
      const pick = random[i++ % random.length]!;
      if (name === 'token') return i % 2 === 0 ? seeded.linkToken : encodeURIComponent(pick);
      if (name === 'debtorId') return i % 2 === 0 ? seeded.debtorId : encodeURIComponent(pick);
      return encodeURIComponent(pick);
    });
  }

  it('answers every route with a 4xx or a success, never a 5xx', async () => {
    let requests = 0;
    const failures: string[] = [];
    for (const route of t.app.routeCatalogue) {
      if (route.url.startsWith('/docs')) continue;
      const cases = fc.sample(
        fc.record({
          params: fc.array(segment, { minLength: 1, maxLength: 4 }),
          query,
          contentType: fc.constantFrom(...CONTENT_TYPES),
          body: fc.oneof(jsonBody, bytesBody, formBody, multipartBody),
        }),
        { numRuns: RUNS_PER_ROUTE, seed: 20261206 + route.url.length },
      );
      for (const c of cases) {
        const search = new URLSearchParams(c.query).toString();
        const request: InjectOptions = {
          method: route.method as InjectOptions['method'],
          url: `${pathFor(route, c.params)}${search ? `?${search}` : ''}`,
          headers: { ...headersFor(route), ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': c.contentType }) },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: c.body }),
        };
        const res = await t.app.inject(request);
        requests += 1;
        if (res.statusCode >= 500) failures.push(`${route.method} ${route.url} → ${res.statusCode} for ${String(request.url).slice(0, 120)} (${c.contentType}): ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(t.app.routeCatalogue.length * RUNS_PER_ROUTE * 0.9);
  }, 300_000);
});
