/**
 * Shared property-test material for bank-format adapters: mutations of real samples (what a truncated
 * download or a hand-edited file looks like), and the invariants every parsed statement must keep.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { BankFileError, type BankFormatAdapter, type ParsedStatement } from '../../../src/bank-data/canonical.js';
import { isIsoDate } from '../../../src/platform/dates.js';

const STRUCTURAL_CHARACTERS = ['<', '>', '/', '"', "'", '{', '}', '[', ']', ',', ':', '-', '.', '0', '9', '&', ';', '=', ' ', '\n', '\t', '\u00e9', '\u0000'];

const replacementCharacter = fc.oneof(fc.constantFrom(...STRUCTURAL_CHARACTERS), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));

/** A real sample, damaged in one of the ways files get damaged. */
export function mutatedSample(samples: readonly string[]): fc.Arbitrary<Buffer> {
  return fc.constantFrom(...samples).chain((text) => {
    const lines = text.split('\n');
    const position = fc.nat({ max: Math.max(text.length - 1, 0) });
    const line = fc.nat({ max: Math.max(lines.length - 1, 0) });
    return fc
      .oneof(
        position.map((at) => text.slice(0, at)),
        fc.tuple(position, replacementCharacter).map(([at, ch]) => text.slice(0, at) + ch + text.slice(at + 1)),
        line.map((at) => lines.filter((_, i) => i !== at).join('\n')),
        line.map((at) => lines.flatMap((l, i) => (i === at ? [l, l] : [l])).join('\n')),
        fc.tuple(line, line).map(([a, b]) => {
          const swapped = [...lines];
          [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
          return swapped.join('\n');
        }),
      )
      .map((mutated) => Buffer.from(mutated, 'utf8'));
  });
}

export const randomBytes: fc.Arbitrary<Buffer> = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));

/** Parses strictly and leniently; anything thrown must be a BankFileError, and what parses must be canonical. */
export function parseThrowsOnlyBankFileErrors(adapter: BankFormatAdapter, input: Buffer): void {
  for (const lenient of [false, true]) {
    let statement: ParsedStatement;
    try {
      statement = adapter.parse(input, { lenient });
    } catch (error) {
      if (error instanceof BankFileError) continue;
      throw error;
    }
    expectCanonicalStatement(statement);
  }
}

export function detectionIsAScore(adapter: BankFormatAdapter, input: Buffer): void {
  const score = adapter.detect(input, { fileName: 'upload.bin' });
  expect(score).toBeGreaterThanOrEqual(0);
  expect(score).toBeLessThanOrEqual(1);
}

/** The promises of the canonical model that consumers rely on without checking. */
export function expectCanonicalStatement(statement: ParsedStatement): void {
  for (const transaction of statement.transactions) {
    expect(Number.isSafeInteger(transaction.amountCents), transaction.location).toBe(true);
    expect(Object.is(transaction.amountCents, -0), transaction.location).toBe(false);
    expect(isIsoDate(transaction.bookingDate), transaction.location).toBe(true);
    if (transaction.valueDate !== null) expect(isIsoDate(transaction.valueDate), transaction.location).toBe(true);
    expect(transaction.currency).toMatch(/^[A-Z]{3}$/);
    expect(statement.accounts[transaction.accountIndex], transaction.location).toBeDefined();
    expect(transaction.location).not.toBe('');
  }
  for (const balance of statement.balances) {
    expect(Number.isSafeInteger(balance.amountCents), balance.location).toBe(true);
    expect(isIsoDate(balance.date), balance.location).toBe(true);
    expect(statement.accounts[balance.accountIndex], balance.location).toBeDefined();
    expect(balance.location).not.toBe('');
  }
  for (const rejected of statement.rejected) {
    expect(rejected.location).not.toBe('');
    expect(rejected.reason).not.toBe('');
  }
}

export const PROPERTY_RUNS = { numRuns: 200 };
