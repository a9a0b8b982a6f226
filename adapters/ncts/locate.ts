/**
 * Where each element of an XML document starts: its line and its XPath-like path. libxml2 names
 * a schema fault by line and element name only; this turns that pair into the path a partner
 * can find in their file. It runs only on documents our strict parser has already read (no
 * DTD, well-formed), so a scan over tags, comments, CDATA and processing instructions is exact.
 */

export interface ElementAt {
  readonly local: string
  readonly path: string
  readonly line: number
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([^\s/>!?]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g

interface Seen {
  readonly local: string
  readonly line: number
  readonly parent: Seen | undefined
  /** 1-based position among the parent's children of the same name. */
  readonly index: number
  readonly named: Map<string, number>
}

/** Every element's start line and path, in document order; a name repeated among siblings gets [n]. */
export function locateElements(xml: string): ElementAt[] {
  const seen: Seen[] = []
  const roots = new Map<string, number>()
  const stack: Seen[] = []
  let line = 1
  let last = 0
  for (const m of xml.matchAll(TOKEN)) {
    line += countLines(xml, last, m.index)
    last = m.index
    const name = m[2]
    if (name === undefined) continue
    if (m[1] === '/') {
      stack.pop()
      continue
    }
    const local = name.slice(name.indexOf(':') + 1)
    const parent = stack.at(-1)
    const named = parent?.named ?? roots
    const index = (named.get(local) ?? 0) + 1
    named.set(local, index)
    const el: Seen = { local, line, parent, index, named: new Map() }
    seen.push(el)
    if (m[4] !== '/') stack.push(el)
  }
  const paths = new Map<Seen, string>()
  return seen.map((el) => {
    const many = ((el.parent?.named ?? roots).get(el.local) ?? 0) > 1
    const path = `${el.parent === undefined ? '' : paths.get(el.parent)!}/${el.local}${many ? `[${el.index}]` : ''}`
    paths.set(el, path)
    return { local: el.local, path, line: el.line }
  })
}

/**
 * The element named `local` whose start tag is on `line`, else the last of that name before it,
 * else the first of that name. When several of that name start on the line, the last: libxml2
 * accepts an element before it refuses a repeat of it, so a fault on a duplicate (a repeated
 * messageType, one sibling too many) is on the later one. libxml2 gives no column, so a value
 * fault on the first of two same-named siblings sharing a line is placed on the second.
 */
export function elementAt(elements: readonly ElementAt[], line: number, local: string): ElementAt | undefined {
  return (
    elements.findLast((e) => e.line === line && e.local === local) ??
    elements.findLast((e) => e.line <= line && e.local === local) ??
    elements.find((e) => e.local === local)
  )
}

function countLines(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++
  return n
}
