/** The edge's text checks and the tenant-day arithmetic, against independent references. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyRequest } from 'fastify';
import { findUnstorableStrings, jsonDepthExceeds, makeJsonBodyParser, unstorableText } from '../../src/platform/http/edge.js';
import { secondsUntilNextDay, zonedDay } from '../../src/platform/time-zone.js';

/** Reference depth: recursion is fine here, the generated values are shallow. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** Reference: a string is well-formed UTF-16 when it survives a UTF-8 round trip unchanged. */
function wellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

describe('JSON nesting depth scan', () => {
  it('agrees with the depth of the parsed value, strings with brackets included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        expect(jsonDepthExceeds(Buffer.from(JSON.stringify(value)), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 500 },
    );
  });

  it('scans 100,000 levels without recursion', () => {
    const text = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(jsonDepthExceeds(text, 32)).toBe(true);
    expect(jsonDepthExceeds(text, 100_000)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('{"a":"[[[[\\"[[[["}'), 1)).toBe(false);
  });
});

describe('unstorable text', () => {
  it('refuses exactly the strings with NUL or lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        expect(unstorableText(text) !== null).toBe(text.includes('\u0000') || !wellFormed(text));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u{1F600}'), maxLength: 6 }), (text) => {
        expect(unstorableText(text) !== null).toBe(text.includes('\u0000') || !wellFormed(text));
      }),
      { numRuns: 500 },
    );
  });

  it('the JSON body parser refuses a body exactly when it holds a bad string or key', () => {
    const parse = makeJsonBodyParser(Fastify({ logger: false }).getDefaultJsonParser('error', 'error'), { maxDepth: 64 });
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '\u0000', '\ud800', '\udc00', '\u{1F600}', 'é'), maxLength: 5 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), fc.dictionary(text, text, { maxKeys: 3 }), (value, extra) => {
        const json = JSON.stringify({ value, extra });
        // Prototype-poisoning keys are refused by Fastify's parser on purpose; not what this property is about.
        fc.pre(!json.includes('"__proto__"') && !json.includes('"constructor"'));
        const body = JSON.parse(json) as unknown;
        let outcome: { error: Error | null; value?: unknown } | undefined;
        parse({} as FastifyRequest, Buffer.from(json), (error, parsed) => (outcome = { error, value: parsed }));
        const bad = findUnstorableStrings(body, 'body');
        expect(outcome!.error !== null).toBe(bad.length > 0);
        if (bad.length > 0) expect((outcome!.error as { extra?: { errors?: unknown[] } }).extra?.errors?.[0]).toEqual(bad[0]);
        else expect(outcome!.value).toEqual(body);
      }),
      { numRuns: 500 },
    );
  });

  it('names the pointer of each bad string or key, however deep', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findUnstorableStrings(deep, 'body')[0]!.pointer).toBe('/0'.repeat(50_000));
    expect(findUnstorableStrings({ 'a/b': { '~k': '\ud800' }, ok: 'fine' }, 'body')).toEqual([
      { in: 'body', pointer: '/a~1b/~0k', message: expect.stringContaining('surrogate'), code: 'unstorable_text' },
    ]);
    expect(findUnstorableStrings({ 'bad\u0000key': 1 }, 'query')).toEqual([expect.objectContaining({ in: 'query', pointer: '/bad\u0000key' })]);
    expect(findUnstorableStrings({ fine: ['text', 1, null, { deeper: '\u{1F600}' }] }, 'body')).toEqual([]);
  });
});

describe('tenant day in Europe/Amsterdam', () => {
  const zone = 'Europe/Amsterdam';
  it('runs from local midnight to local midnight, 23 and 25 hours on DST days', () => {
    expect(zonedDay(new Date('2026-12-04T15:00:00Z'), zone)).toEqual({ date: '2026-12-04', start: new Date('2026-12-03T23:00:00Z'), end: new Date('2026-12-04T23:00:00Z') });
    // 00:30 in Amsterdam is already the next day.
    expect(zonedDay(new Date('2026-12-04T23:30:00Z'), zone).date).toBe('2026-12-05');
    const spring = zonedDay(new Date('2026-03-29T12:00:00Z'), zone);
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3600_000);
    const autumn = zonedDay(new Date('2026-10-25T12:00:00Z'), zone);
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3600_000);
  });

  it('gives the seconds to the next local midnight, never 0', () => {
    expect(secondsUntilNextDay(new Date('2026-12-04T15:00:00Z'), zone)).toBe(8 * 3600);
    expect(secondsUntilNextDay(new Date('2026-07-01T21:59:59.500Z'), zone)).toBe(1);
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }), (now) => {
        const day = zonedDay(now, zone);
        expect(day.start.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(day.end.getTime()).toBeGreaterThan(now.getTime());
        const seconds = secondsUntilNextDay(now, zone);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(25 * 3600);
        // The instant the wait ends is in the next local day.
        expect(zonedDay(new Date(now.getTime() + seconds * 1000), zone).date > day.date).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
