/**
 * Plain-HTTP calls to the sandbox bank for its tests: every request is sent with fetch as a TPP
 * would, and every XS2A response is run through the contract validator (the test fails on any
 * response the specification does not allow), unless a test says it expects a broken one.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { validateXs2aRequest, validateXs2aResponse } from '../support/xs2a-contract.js';

export interface Xs2aCall {
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Skip the response contract check (a fault that breaks the body on purpose). */
  broken?: boolean;
  /** Also check the request against the specification (default true). */
  checkRequest?: boolean;
}

export interface Xs2aAnswer {
  status: number;
  headers: Headers;
  text: string;
  // Tests read nested members freely; the contract check already vouched for the shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  requestId: string;
  elapsedMs: number;
}

export let checkedResponses = 0;

export async function xs2a(baseUrl: string, method: string, pathOrHref: string, call: Xs2aCall = {}): Promise<Xs2aAnswer> {
  // Paths are taken under the bank's base path; hrefs from the bank's links are absolute paths that
  // already carry it, and resolve against the origin as the specification's links do.
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const url = new URL(pathOrHref.startsWith('http') ? pathOrHref : prefix && pathOrHref.startsWith(`${prefix}/`) ? `${base.origin}${pathOrHref}` : `${base.origin}${prefix}${pathOrHref}`);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  const requestId = randomUUID();
  const headers: Record<string, string> = { 'X-Request-ID': requestId, ...(call.headers ?? {}) };
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['Content-Type'] ??= 'application/json';
  }
  if (call.checkRequest !== false) {
    expect(validateXs2aRequest({ method, path: url.pathname + url.search, headers, body: call.body })).toEqual([]);
  }
  const started = performance.now();
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!call.broken) {
    expect({ call: `${method} ${url.pathname} → ${response.status}`, errors: validateXs2aResponse({ method, path: url.pathname, status: response.status, headers: response.headers, body: text }) }).toEqual({
      call: `${method} ${url.pathname} → ${response.status}`,
      errors: [],
    });
    checkedResponses++;
  }
  return { status: response.status, headers: response.headers, text, body: parsed, requestId, elapsedMs };
}

export const PSU_IP = '192.168.8.78';
