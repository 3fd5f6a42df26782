/** Reading the rendered report page as text: shared by the HTML and browser tests. */

/** The inline SVG of each figure, by chart id. */
export function figuresById(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of html.matchAll(/<figure class="chart" id="chart-([^"]+)" data-chart-id="[^"]+"[^>]*>(<svg[\s\S]*?<\/svg>)/g)) out.set(match[1]!, match[2]!);
  return out;
}

/** Data marks (not axes or legends) with drawn geometry in an SVG string. */
export function dataMarkCount(svg: string): number {
  let count = 0;
  for (const match of svg.matchAll(/<g class="mark-(rect|line|symbol|area|rule|arc)[^"]*role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)) {
    count += [...match[2]!.matchAll(/<(path|line)\b[^>]*\b(d="M[^"]+"|x2="[^"]+")/g)].length;
  }
  return count;
}

