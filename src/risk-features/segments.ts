/**
 * Segments: groups of rows a model report compares (fairness and stability per group). A segment is
 * not a feature: the model never reads it, the report only groups by it. Values are readable words,
 * because an analyst reads them in a table of gaps between groups, not a code book.
 *
 * Simulated worlds know each household's composition, main income source and city (truth.jsonl);
 * they become household_type, income_source and region. The composition is the one at the start of
 * the simulation, as the affordability figures use it (the one at the end may follow a separation).
 * Region is the CBS "landsdeel" (four parts of the country) rather than the city: thirty cities split
 * a few hundred households into groups too small to compare.
 *
 * Tables from a file can name a plain column as a segment with labelled codes (`--segment`):
 * `SegmentSpec` holds either a code → label map or band edges for a number (an age band).
 */
import type { HouseholdComposition } from '../simulation/simulation.types.js';
import type { MainIncomeSource } from '../simulation/world-parameters.js';

export const WORLD_SEGMENTS = ['household_type', 'income_source', 'region'] as const;
export type WorldSegment = (typeof WORLD_SEGMENTS)[number];

export const HOUSEHOLD_TYPE_LABELS: Record<HouseholdComposition, string> = {
  single: 'single',
  couple: 'couple',
  single_parent: 'single parent',
  couple_with_children: 'couple with children',
};

export const INCOME_SOURCE_LABELS: Record<MainIncomeSource, string> = {
  salary: 'salary',
  pension: 'pension',
  bijstand: 'social assistance (bijstand)',
  wia: 'disability benefit (WIA)',
  ww: 'unemployment benefit (WW)',
  wajong: 'young disabled benefit (Wajong)',
};

/** CBS landsdelen: Noord (GR, FR, DR), Oost (OV, FL, GD), West (UT, NH, ZH, ZE), Zuid (NB, LI). */
const REGION_OF_PROVINCE: Record<string, string> = {
  Groningen: 'Noord-Nederland',
  Friesland: 'Noord-Nederland',
  Drenthe: 'Noord-Nederland',
  Overijssel: 'Oost-Nederland',
  Flevoland: 'Oost-Nederland',
  Gelderland: 'Oost-Nederland',
  Utrecht: 'West-Nederland',
  'Noord-Holland': 'West-Nederland',
  'Zuid-Holland': 'West-Nederland',
  Zeeland: 'West-Nederland',
  'Noord-Brabant': 'Zuid-Nederland',
  Limburg: 'Zuid-Nederland',
};

/** The province of every city the simulator draws (src/simulation/counterparties.ts CITIES). */
export const PROVINCE_OF_CITY: Record<string, string> = {
  Amsterdam: 'Noord-Holland',
  Rotterdam: 'Zuid-Holland',
  'Den Haag': 'Zuid-Holland',
  Utrecht: 'Utrecht',
  Eindhoven: 'Noord-Brabant',
  Groningen: 'Groningen',
  Tilburg: 'Noord-Brabant',
  Almere: 'Flevoland',
  Breda: 'Noord-Brabant',
  Nijmegen: 'Gelderland',
  Apeldoorn: 'Gelderland',
  Haarlem: 'Noord-Holland',
  Enschede: 'Overijssel',
  Arnhem: 'Gelderland',
  Amersfoort: 'Utrecht',
  Zaanstad: 'Noord-Holland',
  "'s-Hertogenbosch": 'Noord-Brabant',
  Zwolle: 'Overijssel',
  Leiden: 'Zuid-Holland',
  Maastricht: 'Limburg',
  Dordrecht: 'Zuid-Holland',
  Zoetermeer: 'Zuid-Holland',
  Emmen: 'Drenthe',
  Ede: 'Gelderland',
  Venlo: 'Limburg',
  Deventer: 'Overijssel',
  Leeuwarden: 'Friesland',
  Delft: 'Zuid-Holland',
  Alkmaar: 'Noord-Holland',
  Heerlen: 'Limburg',
};

/** The household facts a world records, as truth.jsonl spells them; null where a line lacks one. */
export interface WorldHouseholdFacts {
  compositionAtStart: string | null;
  mainIncomeSource: string | null;
  city: string | null;
}

/** A world household's segment values; an unknown code gives null (unknown) rather than a made-up group. */
export function worldSegmentsOf(facts: WorldHouseholdFacts | undefined): Record<WorldSegment, string | null> {
  const province = facts?.city != null ? PROVINCE_OF_CITY[facts.city] : undefined;
  return {
    household_type: labelOf(HOUSEHOLD_TYPE_LABELS, facts?.compositionAtStart ?? null),
    income_source: labelOf(INCOME_SOURCE_LABELS, facts?.mainIncomeSource ?? null),
    region: province === undefined ? null : (REGION_OF_PROVINCE[province] ?? null),
  };
}

function labelOf(labels: Record<string, string>, code: string | null): string | null {
  return code !== null && Object.hasOwn(labels, code) ? labels[code]! : null;
}

// ---------------------------------------------------------------------------------------------
// Segments taken from a plain table column

export type SegmentSpec =
  /** Each code (the cell's trimmed text) to a label; a code not listed keeps its own text. */
  | { column: string; name: string; kind: 'codes'; labels: Record<string, string> }
  /** A number cut at ascending edges: "<e1", "e1-(e2-1)", …, "eN+" for whole numbers (ages). */
  | { column: string; name: string; kind: 'bands'; edges: number[] };

export class SegmentSpecError extends Error {
  override name = 'SegmentSpecError';
}

const SEGMENT_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * `COL=NAME`, `COL=NAME:V=LABEL,V=LABEL,...` or `COL=NAME:bands=E1,E2,...` (the last for a number such
 * as an age: bands below E1, from E1 up to E2, …, and E_last and above).
 */
export function parseSegmentSpec(text: string): SegmentSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SegmentSpecError(`--segment "${text}": expected COL=NAME[:V=LABEL,...] or COL=NAME:bands=E1,E2,...`);
  const column = text.slice(0, eq);
  const rest = text.slice(eq + 1);
  const colon = rest.indexOf(':');
  const name = colon < 0 ? rest : rest.slice(0, colon);
  if (!SEGMENT_NAME.test(name)) throw new SegmentSpecError(`--segment "${text}": the segment name "${name}" must be lower case letters, digits and _ (e.g. age_band)`);
  if (colon < 0) return { column, name, kind: 'codes', labels: {} };
  const detail = rest.slice(colon + 1);
  if (detail.startsWith('bands=')) {
    const parts = detail.slice('bands='.length).split(',');
    const edges = parts.map((p) => Number(p.trim()));
    if (parts.some((p) => p.trim() === '') || edges.some((e) => !Number.isFinite(e))) throw new SegmentSpecError(`--segment "${text}": band edges must be numbers`);
    for (let i = 1; i < edges.length; i++) if (!(edges[i]! > edges[i - 1]!)) throw new SegmentSpecError(`--segment "${text}": band edges must be ascending`);
    return { column, name, kind: 'bands', edges };
  }
  const labels: Record<string, string> = {};
  for (const pair of detail.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new SegmentSpecError(`--segment "${text}": "${pair}" is not CODE=LABEL`);
    const code = pair.slice(0, at).trim();
    if (Object.hasOwn(labels, code)) throw new SegmentSpecError(`--segment "${text}": code "${code}" is labelled twice`);
    labels[code] = pair.slice(at + 1).trim();
  }
  return { column, name, kind: 'codes', labels };
}

/**
 * The readable names of the bands of `edges`. Whole edges are meant for whole values such as ages:
 * "<25", "25-34", …, "55+" (a band one wide is its value). Other edges name half-open intervals:
 * "<0.5", "[0.5, 1.5)", "≥1.5".
 */
export function bandLabels(edges: readonly number[]): string[] {
  const whole = edges.every(Number.isInteger);
  const labels = [`<${edges[0]}`];
  for (let i = 1; i < edges.length; i++) {
    const [from, to] = [edges[i - 1]!, edges[i]!];
    labels.push(whole ? (to - 1 === from ? `${from}` : `${from}-${to - 1}`) : `[${from}, ${to})`);
  }
  labels.push(whole ? `${edges[edges.length - 1]}+` : `≥${edges[edges.length - 1]}`);
  return labels;
}

/** The segment value of one cell; an empty cell is unknown. Throws a plain message (the caller adds file, line and column). */
export function segmentValueOf(spec: SegmentSpec, cell: string): string | null {
  const raw = cell.trim();
  if (raw === '') return null;
  if (spec.kind === 'codes') return Object.hasOwn(spec.labels, raw) ? spec.labels[raw]! : raw;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new SegmentSpecError(`"${raw}" is not a number, and segment ${spec.name} is cut into bands`);
  let band = 0;
  while (band < spec.edges.length && value >= spec.edges[band]!) band++;
  return bandLabels(spec.edges)[band]!;
}
