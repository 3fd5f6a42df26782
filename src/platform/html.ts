/**
 * Server-rendered HTML without a template engine: a tagged template that escapes every interpolated
 * value unless it is already markup (an `Html` made by this module). Escaping by default means a
 * creditor's name, a counterparty text or a file name from a bank file can never become markup.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Markup that is safe to insert as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(value);
}

/** `html\`<p>${text}</p>\``: text is escaped, nested html kept, arrays joined, null/false/undefined left out. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i += 1) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup made elsewhere (an SVG the service rendered itself). */
export function rawHtml(markup: string): Html {
  return new Html(markup);
}
