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
  /** Where its start tag begins in the text. */
  readonly offset: number
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([^\s/>!?]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g

interface Seen {
  readonly local: string
  readonly line: number
  readonly offset: number
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
    const el: Seen = { local, line, offset: m.index, parent, index, named: new Map() }
    seen.push(el)
    if (m[4] !== '/') stack.push(el)
  }
  const paths = new Map<Seen, string>()
  return seen.map((el) => {
    const many = ((el.parent?.named ?? roots).get(el.local) ?? 0) > 1
    const path = `${el.parent === undefined ? '' : paths.get(el.parent)!}/${el.local}${many ? `[${el.index}]` : ''}`
    paths.set(el, path)
    return { local: el.local, path, line: el.line, offset: el.offset }
  })
}

/**
 * The document with every element's start tag on a line of its own, for libxml2 to validate:
 * libxml2 names a fault by line and element name only, so in a file written on one line (as
 * machines send them) it could not tell one item's grossMass from the next. Only a line break
 * is added, before a start tag and after the text before it, which in element-only content is
 * whitespace the schema ignores; simple content (a leaf's value) has no start tag inside and is
 * never touched. `at(line, local)` gives the element a fault on that line of the spread text
 * names: exact, since no two elements start on one line.
 */
export function spreadElements(
  xml: string,
  elements: readonly ElementAt[],
): { readonly text: string; at(line: number, local: string): ElementAt | undefined } {
  const chunks: string[] = []
  const startLine: number[] = []
  let line = 1
  let prev = 0
  for (const el of elements) {
    chunks.push(xml.slice(prev, el.offset))
    line += countLines(xml, prev, el.offset)
    if (!firstOnLine(xml, el.offset)) {
      chunks.push('\n')
      line++
    }
    startLine.push(line)
    prev = el.offset
  }
  chunks.push(xml.slice(prev))
  const text = chunks.join('')
  /** For each line of the spread text, the last element whose start tag begins on it or before. */
  const last = new Int32Array(line + countLines(xml, prev, xml.length) + 2).fill(-1)
  startLine.forEach((l, i) => (last[l] = i))
  for (let l = 1; l < last.length; l++) if (last[l] === -1) last[l] = last[l - 1]!
  return {
    text,
    at(faultLine, local) {
      if (!Number.isInteger(faultLine) || faultLine < 1) return undefined
      // The element on the line, else (a fault on an end tag or in a long start tag) the nearest before it of that name.
      for (let i = last[Math.min(faultLine, last.length - 1)]!; i >= 0; i--)
        if (elements[i]!.local === local) return elements[i]
      return undefined
    },
  }
}

/** Whether only spaces or tabs stand between the line's start and `offset`. */
function firstOnLine(s: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = s.charCodeAt(i)
    if (c === 10) return true
    if (c !== 32 && c !== 9 && c !== 13) return false
  }
  return true
}

function countLines(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++
  return n
}
