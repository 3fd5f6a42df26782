/**
 * Where a debtor finds the statement export in their own bank's online banking, per Dutch bank, in
 * short steps. The file types named are the ones this service reads for that bank (see
 * src/bank-data/formats). Menu names change now and then, so the page adds that buttons may be named
 * a little differently; the steps name the place, not a pixel.
 */
import type { Lang } from './page-texts.js';

export interface BankInstruction {
  bank: string;
  steps: Record<Lang, string[]>;
}

export const BANK_INSTRUCTIONS: readonly BankInstruction[] = [
  {
    bank: 'ING',
    steps: {
      nl: ['Log in op Mijn ING op een computer.', 'Open uw betaalrekening.', 'Kies "Af- en bijschrijvingen downloaden".', 'Kies de laatste 3 maanden en het bestandstype "Kommagescheiden CSV" of "MT940".'],
      en: ['Log in to Mijn ING on a computer.', 'Open your current account.', 'Choose "Af- en bijschrijvingen downloaden" (download transactions).', 'Choose the last 3 months and the file type "Kommagescheiden CSV" or "MT940".'],
    },
  },
  {
    bank: 'Rabobank',
    steps: {
      nl: ['Log in bij Rabo Online Bankieren op een computer.', 'Ga naar uw rekening en kies "Downloaden".', 'Kies de laatste 3 maanden en het bestandstype "CSV" of "MT940".'],
      en: ['Log in to Rabo Online Bankieren on a computer.', 'Go to your account and choose "Downloaden" (download).', 'Choose the last 3 months and the file type "CSV" or "MT940".'],
    },
  },
  {
    bank: 'ABN AMRO',
    steps: {
      nl: ['Log in bij Internet Bankieren op een computer.', 'Kies "Af- en bijschrijvingen" en daarna "Downloaden".', 'Kies de laatste 3 maanden en het bestandstype "TXT" of "MT940".'],
      en: ['Log in to Internet Bankieren on a computer.', 'Choose "Af- en bijschrijvingen" (transactions) and then "Downloaden" (download).', 'Choose the last 3 months and the file type "TXT" or "MT940".'],
    },
  },
  {
    bank: 'SNS, ASN Bank en RegioBank',
    steps: {
      nl: ['Log in bij Mijn SNS, Mijn ASN of Mijn RegioBank op een computer.', 'Open uw betaalrekening en kies "Transacties downloaden".', 'Kies de laatste 3 maanden en het bestandstype "CSV" of "MT940".'],
      en: ['Log in to Mijn SNS, Mijn ASN or Mijn RegioBank on a computer.', 'Open your current account and choose "Transacties downloaden" (download transactions).', 'Choose the last 3 months and the file type "CSV" or "MT940".'],
    },
  },
  {
    bank: 'Knab',
    steps: {
      nl: ['Log in bij Knab op een computer.', 'Open uw rekening en kies "Exporteren".', 'Kies de laatste 3 maanden en het bestandstype "CSV".'],
      en: ['Log in to Knab on a computer.', 'Open your account and choose "Exporteren" (export).', 'Choose the last 3 months and the file type "CSV".'],
    },
  },
  {
    bank: 'bunq',
    steps: {
      nl: ['Open de bunq-app.', 'Open uw rekening en kies "Exporteren" bij de rekeningafschriften.', 'Kies de laatste 3 maanden en het bestandstype "CSV" of "MT940".'],
      en: ['Open the bunq app.', 'Open your account and choose "Export" under statements.', 'Choose the last 3 months and the file type "CSV" or "MT940".'],
    },
  },
  {
    bank: 'Triodos Bank',
    steps: {
      nl: ['Log in bij Internetbankieren op een computer.', 'Kies uw rekening en daarna "Downloaden".', 'Kies de laatste 3 maanden en het bestandstype "MT940".'],
      en: ['Log in to Internetbankieren on a computer.', 'Choose your account and then "Downloaden" (download).', 'Choose the last 3 months and the file type "MT940".'],
    },
  },
];
