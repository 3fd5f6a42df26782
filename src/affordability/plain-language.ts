/**
 * The report in words a debtor can read: Dutch at B1 level (short sentences, everyday words, one
 * idea per sentence, the hard term "beslagvrije voet" explained where it is used) and English.
 * About 2.5 million Dutch adults have trouble reading or doing sums; the figures are given as
 * amounts per month, never as formulas.
 */
import { formatEuroNl } from '../platform/money.js';
import type { HouseholdType } from './norms/norms.js';
import type { AffordabilityReport } from './report.types.js';

/** "€ 1.234,50" → "€1,234.50". */
export function formatEuroEn(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}€${euros}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points as a percentage with one decimal: 512 → "5.1 %". */
export function formatPercent(basisPoints: number): string {
  return `${(basisPoints / 100).toFixed(1)} %`;
}

const MONTHS_NL = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function monthName(month: string, language: 'nl' | 'en'): string {
  const [year, m] = month.split('-');
  const names = language === 'nl' ? MONTHS_NL : MONTHS_EN;
  return `${names[Number(m) - 1]} ${year}`;
}

export const HOUSEHOLD_LABEL: Record<HouseholdType, { nl: string; en: string }> = {
  single: { nl: 'alleenstaande', en: 'single person' },
  single_parent: { nl: 'alleenstaande ouder', en: 'single parent' },
  couple: { nl: 'stel zonder kinderen', en: 'couple without children' },
  couple_with_children: { nl: 'stel met kinderen', en: 'couple with children' },
};

type ExplanationInput = Pick<AffordabilityReport, 'monthsAssessed' | 'average' | 'protectedAmount' | 'affordableInstalment' | 'household'> & {
  variableEssentialNormCents: number;
};

export function explainAffordability(input: ExplanationInput): { nl: string; en: string } {
  const { monthsAssessed, average: avg, protectedAmount: p, affordableInstalment: range, household } = input;
  const nl: string[] = [];
  const en: string[] = [];
  const eur = formatEuroNl;
  const eurEn = formatEuroEn;

  if (monthsAssessed.length === 0) {
    nl.push('We konden geen hele maand bekijken. Daarom kunnen we nog geen bedrag noemen.');
    en.push('No complete month could be assessed, so no amount can be given yet.');
    return { nl: nl.join('\n'), en: en.join('\n') };
  }
  const first = monthsAssessed[0]!;
  const last = monthsAssessed[monthsAssessed.length - 1]!;
  const period = monthsAssessed.length === 1;
  nl.push(
    period
      ? `We bekeken 1 hele maand: ${monthName(first, 'nl')}.`
      : `We bekeken ${monthsAssessed.length} hele maanden: ${monthName(first, 'nl')} tot en met ${monthName(last, 'nl')}.`,
  );
  en.push(period ? `We looked at 1 complete month: ${monthName(first, 'en')}.` : `We looked at ${monthsAssessed.length} complete months: ${monthName(first, 'en')} to ${monthName(last, 'en')}.`);

  nl.push(`Per maand kwam er gemiddeld ${eur(avg.stableIncomeCents)} vast inkomen binnen. Bijvoorbeeld salaris, uitkering of toeslag.`);
  en.push(`On average ${eurEn(avg.stableIncomeCents)} of regular income came in per month (salary, benefits, allowances).`);
  if (avg.irregularIncomeCents > 0) {
    nl.push(`Er kwam ook gemiddeld ${eur(avg.irregularIncomeCents)} ander geld binnen.`);
    en.push(`Another ${eurEn(avg.irregularIncomeCents)} a month came in from other sources.`);
  }
  nl.push(`De vaste lasten waren gemiddeld ${eur(avg.fixedEssentialCents)} per maand. Bijvoorbeeld huur, energie, water, verzekering en telefoon.`);
  en.push(`Fixed costs (rent, energy, water, insurance, phone) were ${eurEn(avg.fixedEssentialCents)} a month on average.`);
  nl.push(`Voor boodschappen, vervoer en contant geld rekenden we ${eur(avg.variableEssentialCents)} per maand.`);
  en.push(`For groceries, transport and cash we counted ${eurEn(avg.variableEssentialCents)} a month.`);
  if (avg.variableEssentialNormMonths > 0) {
    nl.push(
      `In ${avg.variableEssentialNormMonths} maand(en) zagen we minder uitgaven dan een huishouden minimaal nodig heeft. Daar rekenden we met het minimum: ${eur(input.variableEssentialNormCents)}. Dit minimum is een schatting.`,
    );
    en.push(
      `In ${avg.variableEssentialNormMonths} month(s) we saw less spending than a household needs at least, so we used that minimum instead: ${eurEn(input.variableEssentialNormCents)} (an estimate).`,
    );
  }
  if (avg.debtServiceCents > 0) {
    nl.push(`U betaalt nu al gemiddeld ${eur(avg.debtServiceCents)} per maand af aan schulden.`);
    en.push(`${eurEn(avg.debtServiceCents)} a month already goes to repaying debts.`);
  }
  if (avg.disposableCents >= 0) {
    nl.push(`Dan blijft er gemiddeld ${eur(avg.disposableCents)} per maand over.`);
    en.push(`That leaves ${eurEn(avg.disposableCents)} a month on average.`);
  } else {
    nl.push(`Dan komt u gemiddeld ${eur(-avg.disposableCents)} per maand tekort.`);
    en.push(`That is ${eurEn(-avg.disposableCents)} a month short on average.`);
  }

  nl.push(`Van uw inkomen moet altijd een deel overblijven om van te leven. Dat heet de beslagvrije voet. Bij een inkomen van ${eur(avg.incomeCents)} is dat ${eur(p.protectedCents)}.`);
  en.push(`Part of the income must always be left to live on: the protected amount (beslagvrije voet). For an income of ${eurEn(avg.incomeCents)} it is ${eurEn(p.protectedCents)}.`);
  if (p.band === 'at_or_below_norm') {
    nl.push(`Uw inkomen is niet hoger dan de bijstand (${eur(p.normCents)}). Dan houdt u 95 procent van uw inkomen.`);
    en.push(`The income is not above the social-assistance norm (${eurEn(p.normCents)}), so 95 % of the income is protected.`);
  } else if (p.band === 'middle') {
    nl.push(
      `Uw inkomen is hoger dan de bijstand (${eur(p.normCents)}). Dan houdt u 95 procent van de bijstand (${eur(p.baseCents)}). Daar komt ${eur(p.compensationCents)} bij, omdat u minder toeslag krijgt. Dat extra bedrag is een schatting.`,
    );
    en.push(
      `The income is above the social-assistance norm (${eurEn(p.normCents)}): 95 % of the norm (${eurEn(p.baseCents)}) is protected, plus ${eurEn(p.compensationCents)} for the allowances a higher income loses (an estimate).`,
    );
  } else {
    nl.push(`Uw inkomen is zo hoog dat het hoogste bedrag geldt voor een ${HOUSEHOLD_LABEL[household.composition].nl}: ${eur(p.maximumCents)}.`);
    en.push(`The income is high enough for the maximum for a ${HOUSEHOLD_LABEL[household.composition].en} to apply: ${eurEn(p.maximumCents)}.`);
  }

  if (p.housingRaise != null && p.housingRaise.raiseCents > 0) {
    nl.push(`Uw woonkosten zijn hoog. Daarom komt er ${eur(p.housingRaise.raiseCents)} bij de beslagvrije voet.`);
    en.push(`The housing costs are high, so ${eurEn(p.housingRaise.raiseCents)} is added to the protected amount.`);
  }

  if (range.highCents <= 0) {
    nl.push('Er blijft dus niets over om te betalen. Het is beter om samen naar een oplossing te zoeken. De gemeente kan helpen met schulden.');
    en.push('Nothing is left to pay with. It is better to look for a solution together; the municipality offers debt help.');
  } else if (range.lowCents === range.highCents) {
    nl.push(`U kunt daarom ongeveer ${eur(range.highCents)} per maand betalen.`);
    en.push(`So about ${eurEn(range.highCents)} a month can be paid.`);
  } else {
    nl.push(`U kunt daarom ${eur(range.lowCents)} tot ${eur(range.highCents)} per maand betalen. Het lage bedrag past ook in een slechtere maand.`);
    en.push(`So ${eurEn(range.lowCents)} to ${eurEn(range.highCents)} a month can be paid; the lower amount also fits a worse month.`);
  }
  const householdSourceNl = household.source.composition === 'caller' ? 'zoals aan ons doorgegeven' : household.source.composition === 'inferred' ? 'afgeleid uit de bankgegevens' : 'omdat we niets anders weten';
  const householdSourceEn = household.source.composition === 'caller' ? 'as given to us' : household.source.composition === 'inferred' ? 'inferred from the bank data' : 'as nothing else is known';
  nl.push(`We rekenden met een ${HOUSEHOLD_LABEL[household.composition].nl} (${householdSourceNl}).`);
  en.push(`The household was taken to be a ${HOUSEHOLD_LABEL[household.composition].en} (${householdSourceEn}).`);
  return { nl: nl.join('\n'), en: en.join('\n') };
}
