/** Reading the CSV fixtures and asserting refusals, shared by the per-bank CSV tests. */
import { readFileSync } from 'node:fs';
import { BankFileError } from '../../../src/bank-data/canonical.js';

const ROOT = new URL('../../fixtures/bank-formats/nl-bank-csv/', import.meta.url);

export const csvFixture = (path: string): Buffer => readFileSync(new URL(path, ROOT));

export function refusal(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError, but the file was accepted');
}

export const sumOfCents = (amounts: Array<{ amountCents: number }>): number => amounts.reduce((sum, a) => sum + a.amountCents, 0);
