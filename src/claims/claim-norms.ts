/**
 * The dated tables claims are computed with: statutory interest rates and the WIK scale, kept as JSON
 * next to this file (each entry with validFrom and source), validated once on first use, as the
 * affordability norms are (src/affordability/norms/norms.ts).
 *
 * Glossary
 * - rate table: the annual interest rates of one interest basis, each valid from its date until the
 *   next entry's date.
 * - last known kept: the statutory rates are revised every six months; a day six months or more after
 *   the entry used lies in a period this table lacks, and the computation says it kept the last rate.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { addMonths, type IsoDate } from '../platform/dates.js';
import statutoryInterestFile from './norms/statutory-interest.json' with { type: 'json' };
import wikScaleFile from './norms/wik-scale.json' with { type: 'json' };

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const BasisPoints = Type.Integer({ minimum: 0, maximum: 100_000 });

export const InterestRateEntrySchema = Type.Object({
  validFrom: DateString,
  rateBasisPoints: BasisPoints,
  source: Type.String({ minLength: 1 }),
  derivation: Type.Optional(Type.String()),
});

export const WikScaleEntrySchema = Type.Object({
  validFrom: DateString,
  source: Type.String({ minLength: 1 }),
  bands: Type.Array(Type.Object({ upToCents: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]), rateBasisPoints: BasisPoints }), { minItems: 1 }),
  minimumCents: Type.Integer({ minimum: 0 }),
  maximumCents: Type.Integer({ minimum: 0 }),
});

export const VatRateEntrySchema = Type.Object({ validFrom: DateString, rateBasisPoints: BasisPoints, source: Type.String({ minLength: 1 }) });

export const LetterPolicySchema = Type.Object({
  termDays: Type.Integer({ minimum: 1 }),
  deemedReceivedAfterDays: Type.Integer({ minimum: 0 }),
  source: Type.String(),
});

export type InterestRateEntry = Static<typeof InterestRateEntrySchema> & { validFrom: IsoDate };
export type WikScaleEntry = Static<typeof WikScaleEntrySchema> & { validFrom: IsoDate };
export type VatRateEntry = Static<typeof VatRateEntrySchema> & { validFrom: IsoDate };
export type LetterPolicy = Static<typeof LetterPolicySchema>;

/** The rates of one interest basis, oldest first. `revisedEveryMonths` null: never "kept past its period" (a contract rate). */
export interface InterestRateTable {
  name: string;
  revisedEveryMonths: number | null;
  entries: readonly InterestRateEntry[];
}

export interface ClaimNormTables {
  consumerInterest: InterestRateTable;
  commercialInterest: InterestRateTable;
  wikScale: readonly WikScaleEntry[];
  vat: readonly VatRateEntry[];
  letter: LetterPolicy;
}

export class ClaimNormsError extends Error {
  constructor(readonly place: string, reason: string) {
    super(`${place}: ${reason}`);
    this.name = 'ClaimNormsError';
  }
}

let defaults: ClaimNormTables | undefined;

/** The shipped tables, validated on first use (no work at import time). */
export function defaultClaimNorms(): ClaimNormTables {
  defaults ??= {
    consumerInterest: { name: 'statutory consumer interest, art. 6:119 BW', revisedEveryMonths: statutoryInterestFile.revisedEveryMonths, entries: validateEntries(InterestRateEntrySchema, statutoryInterestFile.consumer, 'statutory-interest.json consumer') },
    commercialInterest: { name: 'statutory commercial interest, art. 6:119a BW', revisedEveryMonths: statutoryInterestFile.revisedEveryMonths, entries: validateEntries(InterestRateEntrySchema, statutoryInterestFile.commercial, 'statutory-interest.json commercial') },
    wikScale: validateEntries(WikScaleEntrySchema, wikScaleFile.entries, 'wik-scale.json entries').map((entry) => checkBands(entry)),
    vat: validateEntries(VatRateEntrySchema, wikScaleFile.vat, 'wik-scale.json vat'),
    letter: validateOne(LetterPolicySchema, wikScaleFile.fourteenDayLetter, 'wik-scale.json fourteenDayLetter'),
  };
  return defaults;
}

/** A contract's own rate: one entry valid for every day, never revised, so never reported as kept. */
export function contractualRateTable(rateBasisPoints: number): InterestRateTable {
  return { name: 'contractual interest', revisedEveryMonths: null, entries: [{ validFrom: '1900-01-01', rateBasisPoints, source: 'the rate agreed in the contract, as sent by the creditor' }] };
}

/** The entry with the latest validFrom on or before `date`, or null before the first. */
export function entryOn<T extends { validFrom: IsoDate }>(entries: readonly T[], date: IsoDate): T | null {
  let found: T | null = null;
  for (const entry of entries) if (entry.validFrom <= date && (found === null || entry.validFrom >= found.validFrom)) found = entry;
  return found;
}

/** The first day from which the table's last entry counts as kept past its period, or null when it never does. */
export function lastKnownKeptFrom(table: InterestRateTable): IsoDate | null {
  const last = table.entries[table.entries.length - 1];
  return last && table.revisedEveryMonths !== null ? addMonths(last.validFrom, table.revisedEveryMonths) : null;
}

function validateOne<T extends TSchema>(schema: T, value: unknown, place: string): Static<T> {
  if (!Value.Check(schema, value)) {
    const first = Value.Errors(schema, value).First();
    throw new ClaimNormsError(`${place}${first?.path ?? ''}`, first?.message ?? 'invalid');
  }
  return value;
}

function validateEntries<T extends TSchema>(schema: T, entries: unknown, place: string): (Static<T> & { validFrom: IsoDate })[] {
  if (!Array.isArray(entries) || entries.length === 0) throw new ClaimNormsError(place, 'no entries');
  const checked = entries.map((entry, i) => validateOne(schema, entry, `${place}[${i}]`) as Static<T> & { validFrom: IsoDate });
  return checked.sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
}

/** Bands must rise and end open, or the scale would leave part of a principal without a rate. */
function checkBands(entry: WikScaleEntry): WikScaleEntry {
  let previous = 0;
  entry.bands.forEach((band, i) => {
    const last = i === entry.bands.length - 1;
    if (last !== (band.upToCents === null)) throw new ClaimNormsError(`wik-scale.json ${entry.validFrom} bands[${i}]`, 'only the last band is open (upToCents null)');
    if (band.upToCents !== null && band.upToCents <= previous) throw new ClaimNormsError(`wik-scale.json ${entry.validFrom} bands[${i}]`, 'band edges must rise');
    previous = band.upToCents ?? previous;
  });
  if (entry.minimumCents > entry.maximumCents) throw new ClaimNormsError(`wik-scale.json ${entry.validFrom}`, 'minimum above maximum');
  return entry;
}
