/**
 * Hostile input at the edge, over HTTP: every refusal is application/problem+json with a stable code
 * and the right status, never a 5xx and never Fastify's own application/json shape.
 */
import { connect } from 'node:net';
import { deflateSync, gzipSync, brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createDebtorWithConsent, fixture } from '../support/flows.js';

function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe('edge: URLs, methods, encodings and JSON text', () => {
  let t: TestApp;
  let creditor: { authorization: string };
  let admin: { authorization: string };
  beforeAll(async () => {
    t = await createTestApp();
    creditor = bearer(t.tenantA.keys.creditor);
    admin = bearer(t.tenantA.keys.admin);
  });
  afterAll(async () => t.close());

  const json = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/debtors', headers: { ...creditor, 'content-type': 'application/json', ...headers }, payload });

  it('answers an undecodable URL with 400 malformed_url without echoing it', async () => {
    const res = await t.app.inject({ url: '/v1/debtors/%ZZ<script>', headers: creditor });
    const body = expectProblem(res, 400, 'malformed_url');
    expect(res.body).not.toContain('%ZZ');
    expect(res.body).not.toContain('script');
    expect(body.instance).toBeUndefined();
  });

  it('answers a path segment over the limit (a link token of 1,100 characters) with 414 uri_too_long', async () => {
    const res = await t.app.inject({ url: `/v1/consent-links/${'a'.repeat(1100)}` });
    expectProblem(res, 414, 'uri_too_long');
    expect(res.body).not.toContain('aaaaaaaaaa');
  });

  it('answers unknown routes with 404 and a wrong method with 405 and Allow', async () => {
    expectProblem(await t.app.inject({ url: '/v1/nothing-here', headers: creditor }), 404, 'route_not_found');
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/debtors', headers: creditor });
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    const withId = await t.app.inject({ method: 'PUT', url: '/v1/debtors/3f2c3a8e-2a41-4b9e-9d4c-8f6f3b8f0a11', headers: creditor });
    expectProblem(withId, 405, 'method_not_allowed');
    expect(withId.headers.allow).toBe('DELETE, GET, HEAD');
  });

  it('refuses path ids that are not plain UUIDs (urn:uuid, braces) with 400', async () => {
    const id = '3f2c3a8e-2a41-4b9e-9d4c-8f6f3b8f0a11';
    for (const bad of [`urn:uuid:${id}`, `{${id}}`, id.replace(/-/g, ''), `${id}0`]) {
      const res = await t.app.inject({ url: `/v1/debtors/${encodeURIComponent(bad)}`, headers: creditor });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors).toEqual([expect.objectContaining({ in: 'params', pointer: '/debtorId' })]);
    }
    expectProblem(await t.app.inject({ url: `/v1/debtors/${id.toUpperCase()}`, headers: creditor }), 404, 'not_found');
  });

  it('refuses an unsupported content type and a wrong Content-Length as problem+json', async () => {
    expectProblem(await json('{"externalRef":"x"}', { 'content-type': 'text/yaml' }), 415, 'unsupported_media_type');
    expectProblem(await json('{"externalRef":"x"}', { 'content-length': '5' }), 400, 'invalid_parameter');
  });

  it('decompresses gzip, deflate and br bodies', async () => {
    const cases: [string, (b: Buffer) => Buffer][] = [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ];
    for (const [encoding, compress] of cases) {
      const res = await json(compress(Buffer.from(JSON.stringify({ externalRef: `compressed-${encoding}` }))), { 'content-encoding': encoding });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().externalRef).toBe(`compressed-${encoding}`);
    }
  });

  it('refuses a gzip bomb with 413, a damaged gzip body with 400 and an unknown encoding with 415 naming it', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"externalRef":"'), Buffer.alloc(t.config.bodyLimitBytes * 4, 0x61), Buffer.from('"}')]));
    expect(bomb.byteLength).toBeLessThan(t.config.bodyLimitBytes / 10);
    expectProblem(await json(bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    const damaged = gzipSync(Buffer.from('{"externalRef":"damaged"}'));
    damaged.fill(0x42, 10, 20);
    expectProblem(await json(damaged, { 'content-encoding': 'gzip' }), 400, 'malformed_compressed_body');
    const zstd = expectProblem(await json('{"externalRef":"x"}', { 'content-encoding': 'zstd' }), 415, 'unsupported_content_encoding');
    expect(zstd.detail).toContain('"zstd"');
    const hostile = expectProblem(await json('{"externalRef":"x"}', { 'content-encoding': '<b>x</b>' }), 415, 'unsupported_content_encoding');
    expect(JSON.stringify(hostile)).not.toContain('<b>');
  });

  it('accepts a gzip-compressed bank file upload', async () => {
    const { debtorId } = await createDebtorWithConsent(t, t.tenantA, 'gzip-upload');
    const file = fixture('bank-formats/camt/camt053.v2.minimal.xml');
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtorId}/bank-data`,
      headers: { ...creditor, 'content-type': 'application/xml', 'content-encoding': 'gzip' },
      payload: gzipSync(file),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().format).toBe('camt.053');
  });

  it('refuses invalid UTF-8 in a JSON body with 400 invalid_utf8 instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"externalRef":"bad-'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    expectProblem(await json(body), 400, 'invalid_utf8');
    const list = await t.app.inject({ url: '/v1/debtors?limit=1000', headers: creditor });
    expect(list.body).not.toContain('\ufffd');
  });

  it('refuses JSON nested 5,000 deep with 400 json_too_deep, and accepts nesting within the limit', async () => {
    const deep = `{"overrides":{"assessmentPolicy":[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]}}`;
    const res = await t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: { ...admin, 'content-type': 'application/json' }, payload: deep });
    expectProblem(res, 400, 'json_too_deep');
    const arrays = `{"externalRef":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expectProblem(await json(arrays), 400, 'json_too_deep');
    // Brackets inside strings are text, not nesting.
    const inString = await json(JSON.stringify({ externalRef: `${'['.repeat(100)}x` }));
    expect(inString.statusCode, inString.body).toBe(201);
    const atLimit = `${'['.repeat(t.config.jsonMaxDepth - 1)}${']'.repeat(t.config.jsonMaxDepth - 1)}`;
    const ok = await json(`{"externalRef":${atLimit}}`);
    expectProblem(ok, 400, 'validation_failed');
  });

  it('refuses oversized or unknown content in norm overrides with 400', async () => {
    const put = (overrides: unknown) =>
      t.app.inject({ method: 'PUT', url: '/v1/policies/norm-overrides', headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify({ overrides }) });
    const huge = expectProblem(await put({ assessmentPolicy: [{ validFrom: '2026-01-01', source: 'x'.repeat(900 * 1024) }] }), 400, 'validation_failed');
    expect(huge.errors).toEqual([expect.objectContaining({ pointer: '/overrides/assessmentPolicy/0/source' })]);
    const long = expectProblem(await put({ assessmentPolicy: [{ validFrom: '2026-01-01', excludedIncomeRuleIds: new Array(200_000).fill(0) }] }), 400, 'validation_failed');
    expect(long.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/overrides/assessmentPolicy/0/excludedIncomeRuleIds' })]));
    const extra = expectProblem(await put({ assessmentPolicy: [{ validFrom: '2026-01-01', stash: 'anything' }] }), 400, 'validation_failed');
    expect(extra.errors).toEqual([expect.objectContaining({ pointer: '/overrides/assessmentPolicy/0/stash', message: 'unknown field' })]);
    const nested = expectProblem(await put({ bijstandNorms: [{ validFrom: '2026-01-01', valuesCents: { single: 1, extra: 2 } }] }), 400, 'validation_failed');
    expect(nested.errors).toEqual([expect.objectContaining({ pointer: '/overrides/bijstandNorms/0/valuesCents/extra' })]);
    const fine = await put({ bijstandNorms: [{ validFrom: '2026-01-01', valuesCents: { single: 140000 } }] });
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json().overrides.bijstandNorms[0].valuesCents.single).toBe(140000);
    expect((await put({})).statusCode).toBe(200);
  });

  it('answers a request Node cannot parse with problem+json, not Fastify’s JSON', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'malformed_request' });
  });
});

describe('edge: requests arriving while the server closes', () => {
  it('answers them with 503 problem+json, not Fastify’s plain JSON', async () => {
    const t = await createTestApp();
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const body = JSON.stringify({ externalRef: 'during-close' });
      const head = (length: number) =>
        `POST /v1/debtors HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tenantA.keys.creditor}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
      const socket = connect(address.port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // The first request's headers arrive and its body is held back, so the connection is busy when
      // the server starts closing; the second request is pipelined behind it.
      const received = new Promise<void>((resolve) => t.app.server.once('request', () => resolve()));
      socket.write(head(Buffer.byteLength(body)));
      await received;
      const closed = t.app.close();
      socket.write(`${body}${head(Buffer.byteLength(body))}${body}`);
      await ended;
      await closed;
      const responses = data.split(/(?=HTTP\/1\.1 )/);
      expect(responses.length, data).toBe(2);
      expect(responses[0]).toMatch(/^HTTP\/1\.1 (201|503) /);
      expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
      expect(responses[1]).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(responses[1]!.slice(responses[1]!.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 503, code: 'service_unavailable' });
    } finally {
      await t.close();
    }
  });
});
