/**
 * The debtor's texts stay plain: short sentences, short words, no collection jargon. Measured on
 * every fixed text of the page (each function filled in with realistic values) in both languages:
 * words per sentence, the longest sentence, and the Flesch-Douma reading ease (the Dutch adaptation
 * of Flesch: 206.84 − 0.77 × syllables per 100 words − 0.93 × words per sentence; 60–70 reads as
 * "normal", 70–80 as "fairly easy"). The Dutch is held to the easier band, as B1 asks.
 */
import { describe, expect, it } from 'vitest';
import { BANK_INSTRUCTIONS } from '../../src/debtor-page/bank-instructions.js';
import { TEXT, type Lang } from '../../src/debtor-page/page-texts.js';

/** Realistic values for each text that takes some, by name. */
const ARGUMENTS: Record<string, unknown[]> = {
  debtHelpCall: ['0800-8115'],
  consentTitle: ['Energie Leverancier BV'],
  consentIntro: ['Energie Leverancier BV'],
  noHurry: ['zondag 20 december 2026'],
  untilWhenBody: ['zaterdag 6 maart 2027'],
  grantedBody: ['vrijdag 4 december 2026', 'zaterdag 6 maart 2027'],
  endedBody: ['vrijdag 4 december 2026'],
  periodWords: ['1 september 2026', '30 november 2026', '3 maanden'],
  storedBody: [1, 87, '1 september 2026 tot en met 30 november 2026 (3 maanden)'],
  bankDoneBody: [2, 412],
  planTitle: ['Energie Leverancier BV'],
  planOwed: ['€ 1.380,00'],
  planOptionMonths: [6],
  planPerMonth: ['€ 230,00'],
  planOnce: ['€ 1.200,00', 'donderdag 24 december 2026'],
  planFirstDue: ['donderdag 24 december 2026'],
  planTotal: ['€ 1.380,00'],
  planTotalIfKept: ['€ 1.200,00'],
  rewardCostsNow: ['€ 180,00'],
  rewardCostsAtEnd: ['€ 180,00'],
  rewardLastDiscount: ['€ 180,00'],
  chosenBody: [6, 'donderdag 24 december 2026'],
  payInstalment: [2, 'maandag 25 januari 2027'],
  laterCodes: [5],
};

/** Every text of the language, filled in; fails when a text takes values this test does not know. */
function allTexts(lang: Lang): { key: string; text: string }[] {
  return Object.entries(TEXT[lang]).map(([key, value]) => {
    if (typeof value === 'string') return { key, text: value };
    const args = ARGUMENTS[key];
    if (!args) throw new Error(`give the text ${key} realistic values in ARGUMENTS`);
    return { key, text: (value as (...a: unknown[]) => string)(...args) };
  });
}

/** Sentences of one text; a label without closing punctuation is one sentence. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.?!])\s+(?=[A-Z€0-9"])/)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s));
}

const words = (sentence: string) => sentence.split(/\s+/).filter((w) => /\p{L}/u.test(w));
/** Dutch and English syllables, approximated by vowel groups (ij, ei, oe … count once). */
const syllables = (word: string) => Math.max(1, (word.toLowerCase().match(/ij|ei|ui|oe|ou|au|eu|aa|ee|oo|uu|ie|ea|ai|oa|[aeiouyáéíóúàèëïöü]/g) ?? []).length);

function readability(texts: string[]) {
  const all = texts.flatMap(sentences);
  const allWords = all.flatMap(words);
  const wordsPerSentence = allWords.length / all.length;
  const syllablesPer100Words = (allWords.reduce((s, w) => s + syllables(w), 0) / allWords.length) * 100;
  return {
    sentences: all.length,
    wordsPerSentence,
    longest: Math.max(...all.map((s) => words(s).length)),
    douma: 206.84 - 0.77 * syllablesPer100Words - 0.93 * wordsPerSentence,
  };
}

describe('the debtor’s page in plain language', () => {
  for (const lang of ['nl', 'en'] as const) {
    it(`keeps every ${lang === 'nl' ? 'Dutch' : 'English'} sentence short and the whole easy to read`, () => {
      const texts = [...allTexts(lang).map((t) => t.text), ...BANK_INSTRUCTIONS.flatMap((b) => b.steps[lang])];
      const measured = readability(texts);
      console.info(`debtor page ${lang}: ${measured.sentences} sentences, ${measured.wordsPerSentence.toFixed(1)} words a sentence, longest ${measured.longest}, Flesch-Douma ${measured.douma.toFixed(1)}`);
      expect(measured.wordsPerSentence).toBeLessThanOrEqual(10);
      expect(measured.longest).toBeLessThanOrEqual(20);
      expect(measured.douma).toBeGreaterThanOrEqual(lang === 'nl' ? 70 : 65);
    });
  }

  it('uses no collection or banking jargon in Dutch', () => {
    const jargon = ['debiteur', 'crediteur', 'vordering', 'incassotraject', 'sommatie', 'beslagvrije voet', 'psd2', 'consent', 'aflossingscapaciteit', 'transactie', 'mutatie', 'verzuim', 'ingebrekestelling'];
    for (const { key, text } of allTexts('nl')) for (const word of jargon) expect(text.toLowerCase(), `${key}: ${word}`).not.toContain(word);
  });

  it('tells the debtor the same things in both languages', () => {
    const nl = allTexts('nl');
    const en = allTexts('en');
    expect(en.map((t) => t.key)).toEqual(nl.map((t) => t.key));
    for (const [i, { key, text }] of nl.entries()) {
      // Amounts, dates and numbers given to a text appear in both languages' version of it.
      const figures = (s: string) => (s.match(/\d+/g) ?? []).sort();
      expect(figures(en[i]!.text), key).toEqual(figures(text));
    }
  });
});
