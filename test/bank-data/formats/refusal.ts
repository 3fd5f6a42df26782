/** Runs a parse that must refuse its input and returns the BankFileError it threw; anything else fails the test. */
import { BankFileError } from '../../../src/bank-data/canonical.js';

export function refusal(run: () => unknown): BankFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw error;
  }
  throw new Error('expected a BankFileError, but the input was accepted');
}
