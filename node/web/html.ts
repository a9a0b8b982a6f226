/**
 * HTML for the node's pages, written as tagged templates: every interpolated value is escaped
 * unless it is itself Html (a fragment built the same way, or `raw` for trusted markup). So a
 * trader's name, an MRN or an error message can never become markup.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export class Html {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

type Part = Html | string | number | undefined | null | false | readonly Part[]

function render(v: Part): string {
  if (v === undefined || v === null || v === false) return ''
  if (v instanceof Html) return v.value
  if (Array.isArray(v)) return v.map(render).join('')
  return escapeHtml(String(v))
}

export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!
  return new Html(out)
}

/** Markup this code wrote itself (never anything a user or peer sent). */
export function raw(markup: string): Html {
  return new Html(markup)
}
