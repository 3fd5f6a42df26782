/**
 * Extrajudicial collection costs (art. 6:96 BW): the most the WIK scale allows for a principal, and
 * whether a claim's costs may be charged at all on a date (for consumers only after the 14-day letter's
 * term has passed unpaid).
 *
 * Rounding: each band's fee is rounded half up to the cent and the fee is the sum of the bands. Every
 * band but the last one used is a whole band (15 % of EUR 2,500 and so on), whose fee is exact, so
 * only the last band ever rounds; VAT is rounded half up once, on the fee.
 */
import { addDays, type IsoDate } from '../platform/dates.js';
import { ClaimNormsError, defaultClaimNorms, entryOn, type ClaimNormTables } from './claim-norms.js';
import { divideRoundHalfUp } from './rounding.js';

export interface WikBandFee {
  fromCents: number;
  /** The band's upper edge; null for the open top band. */
  toCents: number | null;
  rateBasisPoints: number;
  /** The part of the principal in this band. */
  appliedToCents: number;
  feeCents: number;
}

export interface MaximumCollectionCosts {
  principalCents: number;
  scaleValidFrom: IsoDate;
  scaleSource: string;
  bands: WikBandFee[];
  /** The sum of the band fees, before the minimum and maximum. */
  scaleCents: number;
  minimumApplied: boolean;
  maximumApplied: boolean;
  /** The fee after the minimum and maximum, without VAT. */
  costsExcludingVatCents: number;
  /** VAT on top, only when the creditor cannot reclaim it. */
  vat: { rateBasisPoints: number; validFrom: IsoDate; cents: number } | null;
  totalCents: number;
}

/**
 * The WIK maximum for `principalCents` under the scale valid on `on`. A principal of 0 owes nothing,
 * so the minimum applies only to a positive principal.
 */
export function maximumCollectionCosts(principalCents: number, options: { vatApplies: boolean; on: IsoDate }, tables: ClaimNormTables = defaultClaimNorms()): MaximumCollectionCosts {
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) throw new RangeError('principalCents must be a non-negative integer');
  const scale = entryOn(tables.wikScale, options.on);
  if (scale === null) throw new ClaimNormsError('wik-scale', `no scale valid on ${options.on}; the scale starts ${tables.wikScale[0]?.validFrom ?? 'nowhere'}`);
  const bands: WikBandFee[] = [];
  let from = 0;
  for (const band of scale.bands) {
    if (principalCents <= from) break;
    const upper = band.upToCents === null ? principalCents : Math.min(band.upToCents, principalCents);
    const applied = upper - from;
    bands.push({ fromCents: from, toCents: band.upToCents, rateBasisPoints: band.rateBasisPoints, appliedToCents: applied, feeCents: divideRoundHalfUp(BigInt(applied) * BigInt(band.rateBasisPoints), 10_000n) });
    if (band.upToCents === null) break;
    from = band.upToCents;
  }
  const scaleCents = bands.reduce((sum, b) => sum + b.feeCents, 0);
  const minimumApplied = principalCents > 0 && scaleCents < scale.minimumCents;
  const maximumApplied = scaleCents > scale.maximumCents;
  const costs = principalCents === 0 ? 0 : Math.min(scale.maximumCents, Math.max(scale.minimumCents, scaleCents));
  let vat: MaximumCollectionCosts['vat'] = null;
  if (options.vatApplies) {
    const rate = entryOn(tables.vat, options.on);
    if (rate === null) throw new ClaimNormsError('vat', `no VAT rate valid on ${options.on}`);
    vat = { rateBasisPoints: rate.rateBasisPoints, validFrom: rate.validFrom, cents: divideRoundHalfUp(BigInt(costs) * BigInt(rate.rateBasisPoints), 10_000n) };
  }
  return {
    principalCents,
    scaleValidFrom: scale.validFrom,
    scaleSource: scale.source,
    bands,
    scaleCents,
    minimumApplied,
    maximumApplied,
    costsExcludingVatCents: costs,
    vat,
    totalCents: costs + (vat?.cents ?? 0),
  };
}

export interface FourteenDayLetter {
  sentOn: IsoDate;
  /** When the creditor knows the day the debtor received it; otherwise it is deemed received a set number of days after sending. */
  receivedOn: IsoDate | null;
}

export interface LetterTerm {
  sentOn: IsoDate;
  receivedOn: IsoDate;
  receivedOnAssumed: boolean;
  /** The term's first and last day: 14 days starting the day after receipt. */
  termFirstDay: IsoDate;
  termLastDay: IsoDate;
  /** The first day costs may be charged when the claim is still unpaid at the end of the term. */
  costsPayableFrom: IsoDate;
}

/** The 14-day term of a letter (art. 6:96 lid 6 BW): it starts the day after the letter is received. */
export function letterTerm(letter: FourteenDayLetter, tables: ClaimNormTables = defaultClaimNorms(), deemedReceivedAfterDays = tables.letter.deemedReceivedAfterDays): LetterTerm {
  const receivedOn = letter.receivedOn ?? addDays(letter.sentOn, deemedReceivedAfterDays);
  const termFirstDay = addDays(receivedOn, 1);
  const termLastDay = addDays(termFirstDay, tables.letter.termDays - 1);
  return { sentOn: letter.sentOn, receivedOn, receivedOnAssumed: letter.receivedOn === null, termFirstDay, termLastDay, costsPayableFrom: addDays(termLastDay, 1) };
}
