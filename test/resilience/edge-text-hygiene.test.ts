/**
 * NUL characters and lone surrogates cannot be stored (PostgreSQL refuses both in text and jsonb),
 * so they are refused at the edge with 400 and the field's pointer, for every string field of every
 * JSON route. The routes and their fields come from the app itself (its OpenAPI document), so a new
 * route or field is covered without editing this test. Also: every object a request schema accepts
 * is closed or bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import type { RouteAuth } from '../../src/platform/http/types.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  maxProperties?: number;
  format?: string;
};

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

interface JsonRoute {
  method: string;
  /** Fastify-style path (`:param`) as in the route catalogue. */
  url: string;
  schema: Schema;
}

const BAD_TEXT = { nul: 'a\u0000b', loneSurrogate: 'a\ud800b', loneLowSurrogate: '\udc00' };

function resolver(document: OpenApiDocument) {
  return (schema: Schema): Schema => {
    let s = schema;
    for (let hops = 0; s.$ref && hops < 10; hops++) s = document.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
    return s;
  };
}

function hasType(schema: Schema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

/** Paths (as segments) of every string a body may hold; arrays are entered at index 0. */
function stringPaths(root: Schema, resolve: (s: Schema) => Schema): string[][] {
  const out = new Map<string, string[]>();
  const walk = (schema: Schema, path: string[], depth: number) => {
    if (depth > 12) return;
    const s = resolve(schema);
    for (const variant of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) walk(variant, path, depth + 1);
    if (hasType(s, 'string') && s.format !== 'binary') out.set(path.join('/'), path);
    if (s.properties) for (const [key, value] of Object.entries(s.properties)) walk(value, [...path, key], depth + 1);
    if (s.items) walk(s.items, [...path, '0'], depth + 1);
  };
  walk(root, [], 0);
  return [...out.values()].filter((p) => p.length > 0);
}

/** Every object schema a request body may match, with where it sits. */
function objectSchemas(root: Schema, resolve: (s: Schema) => Schema): { where: string; schema: Schema }[] {
  const out: { where: string; schema: Schema }[] = [];
  const walk = (schema: Schema, where: string, depth: number) => {
    if (depth > 12) return;
    const s = resolve(schema);
    for (const variant of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) walk(variant, where, depth + 1);
    if (hasType(s, 'object') || s.properties) out.push({ where: where || '/', schema: s });
    if (s.properties) for (const [key, value] of Object.entries(s.properties)) walk(value, `${where}/${key}`, depth + 1);
    if (s.items) walk(s.items, `${where}/0`, depth + 1);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}/*`, depth + 1);
  };
  walk(root, '', 0);
  return out;
}

function valueAt(path: string[], leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = path.length - 1; i >= 0; i--) value = path[i] === '0' ? [value] : { [path[i]!]: value };
  return value;
}

function pointerOf(path: string[]): string {
  return `/${path.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function expectRefused(res: LightMyRequestResponse, part: string, pointer: string, label: string): void {
  expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
  expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body.code, label).toBe('validation_failed');
  expect(body.errors, label).toEqual(expect.arrayContaining([expect.objectContaining({ in: part, pointer, code: 'unstorable_text' })]));
}

describe('text hygiene at the edge', () => {
  let t: TestApp;
  let routes: JsonRoute[];
  let resolve: (s: Schema) => Schema;
  beforeAll(async () => {
    t = await createTestApp();
    const document = t.app.swagger() as unknown as OpenApiDocument;
    resolve = resolver(document);
    routes = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (!schema || resolve(schema).format === 'binary') continue;
        routes.push({ method: method.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1'), schema });
      }
    }
  });
  afterAll(async () => t.close());

  function headersFor(route: JsonRoute): Record<string, string> {
    const entry = t.app.routeCatalogue.find((r) => r.method === route.method && r.url === route.url);
    if (!entry) throw new Error(`${route.method} ${route.url} is not in the route catalogue`);
    const auth: RouteAuth = entry.auth;
    const role = typeof auth === 'object' ? auth.roles[0]! : null;
    return { 'content-type': 'application/json', ...(role ? bearer(t.tenantA.keys[role]) : {}) };
  }

  const concreteUrl = (url: string) => url.replace(/:(\w+)/g, '3f2c3a8e-2a41-4b9e-9d4c-8f6f3b8f0a11');

  it('finds the JSON routes and their string fields', () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    expect(names).toEqual(expect.arrayContaining(['POST /v1/debtors', 'POST /v1/data-points', 'PUT /v1/policies/norm-overrides', 'POST /v1/affordability']));
    const fields = routes.reduce((n, r) => n + stringPaths(r.schema, resolve).length, 0);
    expect(fields).toBeGreaterThan(50);
  });

  it('refuses NUL and lone surrogates in every string field of every JSON route with 400 and the field’s pointer', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const path of stringPaths(route.schema, resolve)) {
        for (const [kind, text] of Object.entries(BAD_TEXT)) {
          const res = await t.app.inject({ method: route.method as 'POST', url: concreteUrl(route.url), headers: headersFor(route), payload: JSON.stringify(valueAt(path, text)) });
          expectRefused(res, 'body', pointerOf(path), `${route.method} ${route.url} ${pointerOf(path)} ${kind}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('refuses them in a request that is otherwise valid, and in field names', async () => {
    const headers = { ...bearer(t.tenantA.keys.creditor), 'content-type': 'application/json' };
    const res = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: '{"externalRef":"a\\u0000b"}' });
    expectRefused(res, 'body', '/externalRef', 'externalRef');
    const surrogate = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: '{"externalRef":"ok-ref","displayName":"\\ud800"}' });
    expectRefused(surrogate, 'body', '/displayName', 'displayName');
    const key = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: '{"externalRef":"ok-ref","x\\u0000":1}' });
    expectRefused(key, 'body', '/x\u0000', 'field name');
    // A proper surrogate pair (an emoji) is text like any other.
    const emoji = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: '{"externalRef":"emoji-\\ud83d\\ude00"}' });
    expect(emoji.statusCode, emoji.body).toBe(201);
    expect(emoji.json().externalRef).toBe('emoji-\u{1F600}');
    const list = await t.app.inject({ url: '/v1/debtors', headers: bearer(t.tenantA.keys.creditor) });
    expect(list.json().items.map((d: { externalRef: string }) => d.externalRef)).toEqual(['emoji-\u{1F600}']);
  });

  it('refuses them in query strings and path parameters', async () => {
    const creditor = bearer(t.tenantA.keys.creditor);
    expectRefused(await t.app.inject({ url: '/v1/debtors?externalRef=a%00b', headers: creditor }), 'query', '/externalRef', 'query');
    const token = await t.app.inject({ method: 'POST', url: '/v1/consent-links/ab%00cd/grant', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expectRefused(token, 'params', '/token', 'path');
  });

  it('closes or bounds every object a request body may hold', () => {
    const open: string[] = [];
    for (const route of routes) {
      for (const { where, schema } of objectSchemas(route.schema, resolve)) {
        if (schema.oneOf || schema.anyOf) continue; // the variants are checked themselves
        if (schema.additionalProperties === false || typeof schema.maxProperties === 'number') continue;
        open.push(`${route.method} ${route.url} ${where}`);
      }
    }
    expect(open).toEqual([]);
  });
});
