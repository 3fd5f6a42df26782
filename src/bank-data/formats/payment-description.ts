/**
 * The free-text description Dutch (and German) banks attach to a payment: MT940 ":86:", ABN AMRO's
 * TAB-export description and ING's "Mededelingen" carry the same few layouts, so they are read once here.
 *
 * - codewords: `/TRTP/…/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…` (ABN AMRO, ING) and Rabobank's
 *   `/EREF/…/BENM//NAME/…/REMI/…/ISDT/…`; ING also writes `/CNTP/iban/bic/name/city/` and `/REMI/USTD//text/`.
 * - numbered subfields: `166?00GUTSCHRIFT?20…?30BIC?31IBAN?32NAME` (German ZKA layout, also Polish
 *   banks) and Triodos' `000>10account>20text`, where the SEPA purpose may hold `EREF+ MREF+ CRED+ SVWZ+`.
 * - labels: `Naam: … Omschrijving: … IBAN: …` (ING, ABN AMRO) and Knab's `REK: …/NAAM: …`.
 * - anything else is plain remittance text.
 */
import { normaliseIban } from '../canonical.js';

export interface PaymentDescription {
  counterpartyName: string | null;
  counterpartyIban: string | null;
  counterpartyBic: string | null;
  remittanceUnstructured: string | null;
  remittanceStructured: string | null;
  endToEndId: string | null;
  mandateId: string | null;
  creditorId: string | null;
  returnReasonCode: string | null;
  /** The bank's own words for the kind of payment ("SEPA OVERBOEKING", "GUTSCHRIFT"), when given. */
  paymentType: string | null;
}

export type DescriptionLayout = 'codewords' | 'numbered-subfields' | 'labels' | 'plain';

const EMPTY: PaymentDescription = {
  counterpartyName: null,
  counterpartyIban: null,
  counterpartyBic: null,
  remittanceUnstructured: null,
  remittanceStructured: null,
  endToEndId: null,
  mandateId: null,
  creditorId: null,
  returnReasonCode: null,
  paymentType: null,
};

/** BIC shape (ISO 9362): 8 or 11 characters; a German bank code in the same subfield is not one. */
export function bicOrNull(value: string | null | undefined): string | null {
  const bic = value?.trim().toUpperCase() ?? '';
  return /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic) ? bic : null;
}

/** ISO 20022 return reasons are four characters, two letters and two digits in practice (AM04, MD06). */
function returnReasonOrNull(value: string | null | undefined): string | null {
  const m = /^([A-Z]{2}\d{2})\b/.exec(value?.trim() ?? '');
  return m ? m[1]! : null;
}

/** Fixed-width exports pad and wrap their text; runs of spaces are layout, not part of a name or a description. */
function clean(value: string | null | undefined): string | null {
  const trimmed = value?.replace(/\s+/g, ' ').trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/**
 * Reads a description given as the lines the bank wrote. Structured layouts wrap at a fixed width in
 * the middle of words and values ("CONTRA ACCOUN" / "T HOLDER"), so their lines are joined without a
 * separator. Plain text is joined with a space, except after a line that fills the wrap width up to a
 * non-blank character: that one was cut mid-word ("Betaling aan I" / "CS 99999999999").
 * Never throws: an unreadable structure is plain text.
 */
export function parsePaymentDescription(lines: readonly string[], wrapWidth?: number): PaymentDescription {
  const layout = descriptionLayout(lines, wrapWidth);
  const unwrapped = lines.map((l) => l.replace(/\r/g, '')).join('').trim();
  switch (layout) {
    case 'codewords':
      return readCodewords(unwrapped);
    case 'numbered-subfields':
      return readNumberedSubfields(unwrapped);
    case 'labels':
      return readLabels(joinPlain(lines, wrapWidth));
    case 'plain':
      return { ...EMPTY, remittanceUnstructured: clean(joinPlain(lines, wrapWidth)) };
  }
}

export function descriptionLayout(lines: readonly string[], wrapWidth?: number): DescriptionLayout {
  const unwrapped = lines.join('').trim();
  if (CODEWORD_AT_START.test(unwrapped)) return 'codewords';
  if (/^\d{3}(\?\d{2}|>\d{2})/.test(unwrapped)) return 'numbered-subfields';
  if (findLabels(joinPlain(lines, wrapWidth)).some((l) => IDENTIFYING_LABELS.has(l.label))) return 'labels';
  return 'plain';
}

function joinPlain(lines: readonly string[], wrapWidth?: number): string {
  let text = '';
  let cutMidWord = false;
  for (const raw of lines) {
    const line = raw.replace(/\r/g, '');
    if (line.trim() === '') {
      cutMidWord = false;
      continue;
    }
    text += cutMidWord ? line.trimEnd() : `${text === '' ? '' : ' '}${line.trim()}`;
    cutMidWord = line.length === wrapWidth && !/\s$/.test(line);
  }
  return text.trim();
}

// ---------------------------------------------------------------------------------------------
// Codewords

/**
 * The codewords of the Dutch banks' layouts. A value runs until the next of these, not until the next
 * slash, because values contain slashes ("/NAME/B.V./Amsterdam", "/REMI/USTD//text/"). The closing slash
 * keeps "/CD/" from matching inside "/CDTRREF/".
 */
const CODEWORDS = [
  'TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'RTRN', 'ORDP', 'BENM', 'ULTC', 'ULTD', 'ULTB',
  'PURP', 'CNTP', 'PREF', 'ISDT', 'ADDR', 'ID', 'CDTRREFTP', 'CDTRREF', 'CD', 'ISSR', 'EXCH', 'OCMT', 'CHGS',
  'TRCD', 'SVCL', 'BUSP', 'IREF', 'KREF', 'NRTX', 'RTYP', 'COAM', 'ACCW', 'SCOR',
] as const;
const CODEWORD = new RegExp(`/(${CODEWORDS.join('|')})/`, 'g');
/** A text opens with a codeword; the short subfield codewords "ID" and "CD" are too common in free text to decide this. */
const CODEWORD_AT_START = new RegExp(`^/(${CODEWORDS.filter((c) => c !== 'ID' && c !== 'CD').join('|')})/`);
/** Codewords that open a party whose NAME/ADDR/ID follow as their own codewords (Rabobank's "/BENM//NAME/…"). */
const PARTY_CODEWORDS = new Set(['ORDP', 'BENM', 'ULTC', 'ULTD', 'ULTB']);
const PARTY_SUBFIELDS = new Set(['NAME', 'ADDR', 'ID']);
/** The ordering or beneficiary party is the counterparty; the "ultimate" parties only act on someone's behalf. */
const COUNTERPARTY_PARENTS = new Set<string | null>([null, 'ORDP', 'BENM']);

function readCodewords(text: string): PaymentDescription {
  const found = [...text.matchAll(CODEWORD)];
  const pairs = found.map((m, k): [string, string] => [m[1]!, text.slice(m.index + m[0].length, found[k + 1]?.index ?? text.length)]);

  const out: PaymentDescription = { ...EMPTY };
  let parent: string | null = null;
  for (const [key, rawValue] of pairs) {
    const value = rawValue.replace(/\/+\s*$/, '').trim();
    if (PARTY_CODEWORDS.has(key)) {
      parent = key;
      continue;
    }
    if (!PARTY_SUBFIELDS.has(key)) parent = null;
    switch (key) {
      case 'TRTP':
        out.paymentType ??= clean(value);
        break;
      case 'NAME':
        if (COUNTERPARTY_PARENTS.has(parent)) out.counterpartyName ??= clean(value);
        break;
      case 'IBAN':
        out.counterpartyIban ??= normaliseIban(value);
        break;
      case 'BIC':
        out.counterpartyBic ??= bicOrNull(value);
        break;
      case 'CNTP': {
        const [iban, bic, name] = value.split('/');
        out.counterpartyIban ??= normaliseIban(iban);
        out.counterpartyBic ??= bicOrNull(bic);
        out.counterpartyName ??= clean(name);
        break;
      }
      case 'REMI': {
        const structured = /^STRD\/[A-Z]{3}\/(.*)$/s.exec(value);
        if (structured) out.remittanceStructured ??= clean(structured[1]!.replace(/\/+$/, ''));
        else out.remittanceUnstructured ??= clean(value.replace(/^USTD\/\/?/, ''));
        break;
      }
      case 'CDTRREF':
        out.remittanceStructured ??= clean(value);
        break;
      case 'EREF':
        if (!/^NOTPROVIDED$/i.test(value.replace(/\s/g, ''))) out.endToEndId ??= clean(value);
        break;
      case 'MARF':
        out.mandateId ??= clean(value);
        break;
      case 'CSID':
        out.creditorId ??= clean(value);
        break;
      case 'RTRN':
        out.returnReasonCode ??= returnReasonOrNull(value);
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbered subfields (ZKA "?NN", Triodos ">NN")

/** SEPA keywords inside the purpose subfields (ZKA "SEPA-Verwendungszweck" keywords). */
const SEPA_PURPOSE_KEYWORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP|MDAT|SQTP|ORCR|ORMR|DDAT|BREF|RREF)\+/g;

function readNumberedSubfields(text: string): PaymentDescription {
  const marker = text[3] === '>' ? '>' : '?';
  const parts = text.split(marker === '>' ? />(\d{2})/ : /\?(\d{2})/);
  const subfields = new Map<string, string>();
  for (let k = 1; k + 1 < parts.length; k += 2) {
    const code = parts[k]!;
    const value = parts[k + 1]!.replace(/\?$/, '');
    subfields.set(code, (subfields.get(code) ?? '') + value);
  }
  const joined = (from: number, to: number): string => {
    let s = '';
    for (let code = from; code <= to; code++) s += subfields.get(String(code).padStart(2, '0')) ?? '';
    return s;
  };
  // ?60–?63 continue the purpose in the ZKA layout, but banks fill them with repeated BIC and deviating-party
  // data (see details_60-63.sta); like WoLpH/mt940, the remittance is read from ?20–?29 only.
  const purpose = joined(20, 29);
  const keywords = readSepaPurposeKeywords(purpose);
  const out: PaymentDescription = { ...EMPTY, paymentType: clean(subfields.get('00')) };

  if (marker === '>') {
    // Triodos: ">10" is the counterparty's account and ">31" the account holder's own.
    out.counterpartyIban = normaliseIban(subfields.get('10'));
  } else {
    out.counterpartyBic = bicOrNull(subfields.get('30'));
    out.counterpartyIban = normaliseIban(subfields.get('31')) ?? normaliseIban(subfields.get('38'));
    out.counterpartyName = clean(joined(32, 33));
  }
  out.counterpartyIban ??= normaliseIban(keywords.get('IBAN'));
  out.counterpartyBic ??= bicOrNull(keywords.get('BIC'));
  out.endToEndId = keywords.has('EREF') && !/^NOTPROVIDED$/i.test(keywords.get('EREF')!.trim()) ? clean(keywords.get('EREF')) : null;
  out.mandateId = clean(keywords.get('MREF'));
  out.creditorId = clean(keywords.get('CRED'));
  out.remittanceUnstructured = keywords.size > 0 ? clean(keywords.get('SVWZ')) : clean(purpose);
  return out;
}

function readSepaPurposeKeywords(purpose: string): Map<string, string> {
  const found = [...purpose.matchAll(SEPA_PURPOSE_KEYWORD)];
  const values = new Map<string, string>();
  found.forEach((m, k) => {
    const start = m.index + m[0].length;
    const end = found[k + 1]?.index ?? purpose.length;
    if (!values.has(m[1]!)) values.set(m[1]!, purpose.slice(start, end));
  });
  return values;
}

// ---------------------------------------------------------------------------------------------
// Labels

const LABELS = [
  'Naam', 'Omschrijving', 'IBAN', 'BIC', 'Kenmerk', 'Betalingskenm.', 'Machtiging ID', 'Machtiging', 'Incassant ID',
  'Incassant', 'Valutadatum', 'Voor', 'Datum/Tijd', 'Pasvolgnr', 'Transactie', 'Term', 'Reden', 'REK', 'NAAM',
] as const;
type Label = (typeof LABELS)[number];
/** Labels that only appear in the labelled layouts; "Valutadatum:" alone does not make a text structured. */
const IDENTIFYING_LABELS = new Set<Label>(['Naam', 'Omschrijving', 'IBAN', 'Incassant', 'Incassant ID', 'REK', 'NAAM']);
// ABN AMRO's fixed columns run a label into the previous value ("NETFLIX B.V.Machtiging:", "doorlopendIncassant:"),
// so a label is found wherever it stands; the capital and the colon keep ordinary words from matching.
const LABEL = new RegExp(`(${LABELS.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}):`, 'g');

function findLabels(text: string): Array<{ label: Label; start: number; end: number }> {
  return [...text.matchAll(LABEL)].map((m) => ({ label: m[1] as Label, start: m.index, end: m.index + m[0].length }));
}

/** The value after each label, up to the next label; for callers that need a label this module does not map. */
export function labelledValues(text: string): Map<string, string> {
  const labels = findLabels(text);
  const values = new Map<string, string>();
  labels.forEach((l, k) => {
    const value = text.slice(l.end, labels[k + 1]?.start ?? text.length).trim();
    if (!values.has(l.label)) values.set(l.label, value);
  });
  return values;
}

function readLabels(text: string): PaymentDescription {
  const labels = findLabels(text);
  const values = labelledValues(text);
  const leading = clean(text.slice(0, labels[0]?.start ?? text.length));
  const get = (...names: Label[]): string | null => {
    for (const name of names) {
      const v = clean(values.get(name)?.replace(/\/+$/, ''));
      if (v) return v;
    }
    return null;
  };
  const description = get('Omschrijving');
  return {
    counterpartyName: get('Naam', 'NAAM'),
    counterpartyIban: normaliseIban(get('IBAN', 'REK')),
    counterpartyBic: bicOrNull(get('BIC')),
    remittanceUnstructured: description ?? leading,
    remittanceStructured: get('Betalingskenm.'),
    endToEndId: get('Kenmerk'),
    mandateId: get('Machtiging ID', 'Machtiging'),
    // A SEPA creditor identifier has no spaces; ING follows it with free text such as "Doorlopende incasso".
    creditorId: get('Incassant ID', 'Incassant')?.split(' ')[0] ?? null,
    returnReasonCode: returnReasonOrNull(get('Reden')),
    paymentType: description ? leading : null,
  };
}
