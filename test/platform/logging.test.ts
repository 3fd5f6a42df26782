/**
 * Logs carry no link tokens, API keys, query values or client addresses; pretty lines only on a terminal.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { AppInstance } from '../../src/platform/http/types.js';
import { loggerOptions, redactUrl, usePrettyLogs } from '../../src/platform/logging.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { createTestDatabase } from '../support/database.js';
import { createTenantWithKeys, testConfig } from '../support/test-app.js';
import { requestConsent } from '../support/flows.js';

describe('redactUrl', () => {
  it('replaces the link token in every debtor-link path, and nothing else in the path', () => {
    const token = 'eyJ0ZW5hbnRJZCI6InQifQ.c2lnbmF0dXJl';
    expect(redactUrl(`/consent/${token}`)).toBe('/consent/[redacted]');
    expect(redactUrl(`/consent/${token}/statements/5d1f/use`)).toBe('/consent/[redacted]/statements/5d1f/use');
    expect(redactUrl(`/plan/${token}/instalments/3/qr.svg`)).toBe('/plan/[redacted]/instalments/3/qr.svg');
    expect(redactUrl(`/v1/consent-links/${token}/grant`)).toBe('/v1/consent-links/[redacted]/grant');
    expect(redactUrl(`/v1/plan-links/${token}`)).toBe('/v1/plan-links/[redacted]');
    expect(redactUrl(`/V1/CONSENT-LINKS/${token}`)).toBe('/V1/CONSENT-LINKS/[redacted]');
    // Spellings the router also takes for a link route, or that still carry a real token.
    expect(redactUrl(`/%63onsent/${token}`)).toBe('/%63onsent/[redacted]');
    expect(redactUrl(`//consent/${token}`)).toBe('//consent/[redacted]');
    expect(redactUrl(`/v1/v1/plan-links/${token}/accept`)).toBe('/v1/v1/plan-links/[redacted]/accept');
    expect(redactUrl(`/consent%2F${token}`)).toBe('/[redacted]');
    expect(redactUrl(`/consent/%E0%A4%A`)).toBe('/consent/[redacted]');
    // Not link paths: ids stay (they identify nothing outside the service), and the route is readable.
    expect(redactUrl('/v1/consents/0b7e6a3c-1111-4222-8333-944445555666')).toBe('/v1/consents/0b7e6a3c-1111-4222-8333-944445555666');
    expect(redactUrl('/v1/debtors/abc/consents')).toBe('/v1/debtors/abc/consents');
    expect(redactUrl('/consent.css')).toBe('/consent.css');
  });

  it('keeps query parameter names and drops their values', () => {
    expect(redactUrl('/v1/debtors?externalRef=J.%20Jansen&limit=5')).toBe('/v1/debtors?externalRef=[redacted]&limit=[redacted]');
    expect(redactUrl(`/consent/tok?lang=en`)).toBe('/consent/[redacted]?lang=[redacted]');
    expect(redactUrl('/v1/debtors?')).toBe('/v1/debtors');
    expect(redactUrl('/v1/debtors?<script>=1')).toBe('/v1/debtors?[redacted]');
  });
});

describe('log format', () => {
  const base = { logLevel: 'info' as const };
  it('prints pretty lines only on a terminal when auto, and as configured otherwise', () => {
    expect(usePrettyLogs('auto', true)).toBe(true);
    expect(usePrettyLogs('auto', false)).toBe(false);
    expect(usePrettyLogs('json', true)).toBe(false);
    expect(usePrettyLogs('pretty', false)).toBe(true);
    expect(loggerOptions({ ...base, logFormat: 'auto' }, { isTTY: true }).transport?.target).toBe('pino-pretty');
    expect(loggerOptions({ ...base, logFormat: 'auto' }, { isTTY: false }).transport).toBeUndefined();
    expect(loggerOptions({ ...base, logFormat: 'json' }, { isTTY: true }).transport).toBeUndefined();
    // Colour codes only for a terminal: a file or a pipe gets plain text.
    expect(loggerOptions({ ...base, logFormat: 'pretty' }, { isTTY: false }).transport?.options.colorize).toBe(false);
  });
});

describe('request logs of the running app', () => {
  let app: AppInstance;
  let database: DatabaseHandle;
  const lines: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const config = testConfig({ logLevel: 'info', logFormat: 'json' });
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    });
    app = await buildApp(config, { database, logger: { ...loggerOptions(config, { isTTY: false }), stream } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('logs route and redacted URL, never the link token, the API key, query values or the client address', async () => {
    const tenant = await createTenantWithKeys(database, 'tenant-log');
    const key = tenant.keys.creditor;
    const created = await app.inject({ method: 'POST', url: '/v1/debtors', headers: { authorization: `Bearer ${key}` }, payload: { externalRef: 'jansen-4411' } });
    expect(created.statusCode).toBe(201);
    const { linkToken } = await requestConsent({ app } as never, tenant, created.json().id);
    await app.inject({ url: '/v1/debtors?externalRef=jansen-4411', headers: { authorization: `Bearer ${key}`, cookie: 'session=cookie-secret' }, remoteAddress: '198.51.100.77' });
    await app.inject({ url: `/v1/consent-links/${linkToken}`, remoteAddress: '198.51.100.77' });
    await app.inject({ url: `/consent/${linkToken}?lang=en`, remoteAddress: '198.51.100.77' });
    await app.inject({ url: `/consent/${linkToken}/no-such-page`, remoteAddress: '198.51.100.77' });
    // The router decodes the path: this reaches the page's route too.
    await app.inject({ url: `/%63onsent/${linkToken}`, remoteAddress: '198.51.100.77' });
    // Whatever code logs a header object, its secrets are censored.
    app.log.info({ headers: { authorization: `Bearer ${key}`, cookie: 'session=cookie-secret' } }, 'headers logged by someone');

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(8);
    for (const secret of [linkToken, key, 'jansen-4411', 'cookie-secret', '198.51.100.77']) expect(text).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string; route?: string }; headers?: Record<string, string> });
    const incoming = parsed.filter((l) => l.msg === 'incoming request').map((l) => l.req!);
    expect(incoming).toContainEqual({ method: 'GET', url: '/v1/consent-links/[redacted]', route: '/v1/consent-links/:token' });
    expect(incoming).toContainEqual({ method: 'GET', url: '/consent/[redacted]?lang=[redacted]', route: '/consent/:token' });
    expect(incoming).toContainEqual({ method: 'GET', url: '/consent/[redacted]/no-such-page' });
    expect(incoming).toContainEqual({ method: 'GET', url: '/%63onsent/[redacted]', route: '/consent/:token' });
    expect(incoming).toContainEqual({ method: 'GET', url: '/v1/debtors?externalRef=[redacted]', route: '/v1/debtors' });
    expect(parsed.find((l) => l.msg === 'headers logged by someone')!.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
  });
});
