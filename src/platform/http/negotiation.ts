/**
 * Content negotiation on the Accept header (RFC 9110 §12.5.1) for routes that answer in more than one
 * media type. Each offered type gets the quality of the most specific range that matches it
 * (`text/html` over `text/*` over `*∕*`); the highest quality above zero wins, and on a tie the type
 * offered first (the route's default). No Accept header means anything is acceptable.
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range) continue;
    const slash = range.indexOf('/');
    if (slash <= 0 || slash === range.length - 1) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() === 'q' && value !== undefined) {
        // RFC 9110 weight: 0 to 1 with up to three decimals; anything else makes the range unusable.
        q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : -1;
      }
    }
    if (q < 0) continue;
    ranges.push({ type: range.slice(0, slash).toLowerCase(), subtype: range.slice(slash + 1).toLowerCase(), q });
  }
  return ranges;
}

/** The quality the Accept ranges give a media type: that of the most specific matching range, or 0. */
function qualityOf(mediaType: string, ranges: readonly MediaRange[]): number {
  const [type, subtype] = mediaType.toLowerCase().split('/') as [string, string];
  let best = -1;
  let q = 0;
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = range.q;
    }
  }
  return best < 0 ? 0 : q;
}

/**
 * Which of the offered media types to answer with (offered in order of preference, the default
 * first), or null when the client accepts none of them (answer 406).
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T | null {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = parseAccept(accept);
  let chosen: T | null = null;
  let chosenQ = 0;
  for (const mediaType of offered) {
    const q = qualityOf(mediaType, ranges);
    if (q > chosenQ) {
      chosen = mediaType;
      chosenQ = q;
    }
  }
  return chosen;
}
