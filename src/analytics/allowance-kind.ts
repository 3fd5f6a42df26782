/**
 * Which allowance (toeslag) a credit from the Belastingdienst is. Dienst Toeslagen pays each
 * allowance as its own credit and names it in the remittance, in full ("VOORSCHOT ZORGTOESLAG") or
 * by the abbreviations of its letters and portal: ZT zorgtoeslag, HT huurtoeslag, KGB kindgebonden
 * budget, KOT kinderopvangtoeslag. The household inference needs the kind: kindgebonden budget and
 * kinderopvangtoeslag are only paid for children, zorgtoeslag and huurtoeslag say nothing about them.
 */
import { tokenise } from './counterparty-name.js';

export type AllowanceKind = 'zorgtoeslag' | 'huurtoeslag' | 'kindgebonden_budget' | 'kinderopvangtoeslag';
export const ALLOWANCE_KINDS: readonly AllowanceKind[] = ['zorgtoeslag', 'huurtoeslag', 'kindgebonden_budget', 'kinderopvangtoeslag'];

/** Allowances paid only to parents: evidence of children in the household. */
export const CHILD_ALLOWANCE_KINDS: ReadonlySet<AllowanceKind> = new Set(['kindgebonden_budget', 'kinderopvangtoeslag']);

/**
 * The kinds by the words that name them, child-related first: a remittance that names two
 * allowances (a combined payment or a correction) counts as child-related when either is.
 */
const KIND_WORDS: readonly { kind: AllowanceKind; test: (words: readonly string[], joined: string) => boolean }[] = [
  { kind: 'kinderopvangtoeslag', test: (w, j) => w.includes('kot') || /\bkinderopvang ?toesl/.test(j) || w.includes('kinderopvang') },
  { kind: 'kindgebonden_budget', test: (w, j) => w.includes('kgb') || /\bkind ?gebonden\b/.test(j) || /\bkindgebonden/.test(j) },
  { kind: 'huurtoeslag', test: (w, j) => w.includes('ht') || /\bhuur ?toesl/.test(j) },
  { kind: 'zorgtoeslag', test: (w, j) => w.includes('zt') || /\bzorg ?toesl/.test(j) },
];

/** The allowance a text names (counterparty name and remittance together), or null when it names none. */
export function allowanceKindOf(...texts: readonly (string | null | undefined)[]): AllowanceKind | null {
  const words = texts.flatMap((t) => (t == null ? [] : tokenise(t)));
  if (words.length === 0) return null;
  const joined = words.join(' ');
  for (const { kind, test } of KIND_WORDS) if (test(words, joined)) return kind;
  return null;
}
