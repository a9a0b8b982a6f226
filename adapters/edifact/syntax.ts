/**
 * UN/EDIFACT syntax (ISO 9735): our own small tokenizer and writer. It reads the UNA service
 * string advice (or takes the defaults : + . ? space '), splits segments, elements and
 * components honouring the release character, and checks the envelope: UNB/UNZ around the
 * interchange, UNH/UNT around each message, segment counts and control references. Every error
 * names the segment number, tag, element and component position.
 */

export interface Separators {
  readonly component: string
  readonly element: string
  readonly decimal: string
  readonly release: string
  readonly segment: string
}

export const DEFAULT_SEPARATORS: Separators = { component: ':', element: '+', decimal: '.', release: '?', segment: "'" }

export interface Segment {
  /** 1-based position in the interchange (UNA not counted). */
  readonly position: number
  readonly tag: string
  /** elements[e][c]: element e (0 = first after the tag), component c. */
  readonly elements: readonly (readonly string[])[]
}

export interface EdifactPosition {
  readonly segment: number
  readonly tag?: string
  readonly element?: number
  readonly component?: number
}

export class EdifactError extends Error {
  override readonly name = 'EdifactError'
  readonly code: string
  readonly position: EdifactPosition

  constructor(code: string, message: string, position: EdifactPosition) {
    super(`${describePosition(position)}: ${message}`)
    this.code = code
    this.position = position
  }
}

/** "segment 12 GIS, element 1, component 2": positions as EDIFACT people count them (1-based). */
export function describePosition(p: EdifactPosition): string {
  return [
    `segment ${p.segment}${p.tag === undefined ? '' : ` ${p.tag}`}`,
    p.element === undefined ? undefined : `element ${p.element}`,
    p.component === undefined ? undefined : `component ${p.component}`,
  ]
    .filter((x) => x !== undefined)
    .join(', ')
}

/** Reads the separators from a UNA segment, or the defaults when the text starts otherwise. */
function separators(text: string): { seps: Separators; start: number } {
  if (!text.startsWith('UNA')) return { seps: DEFAULT_SEPARATORS, start: 0 }
  if (text.length < 9)
    throw new EdifactError('EDI_BAD_UNA', 'UNA must be followed by six service characters', { segment: 0, tag: 'UNA' })
  const [component, element, decimal, release, , segment] = [...text.slice(3, 9)] as [
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  const seps = { component, element, decimal, release, segment }
  if (new Set([component, element, release, segment]).size !== 4)
    throw new EdifactError('EDI_BAD_UNA', 'the separators and the release character must all differ', {
      segment: 0,
      tag: 'UNA',
    })
  return { seps, start: 9 }
}

/** Splits an interchange into segments. Line breaks between segments are ignored. */
export function tokenize(
  input: string,
  limits: { maxSegments?: number } = {},
): { seps: Separators; segments: Segment[] } {
  if (input.trim() === '') throw new EdifactError('EDI_EMPTY', 'the interchange is empty', { segment: 0 })
  const { seps, start } = separators(input.replace(/^\uFEFF/, ''))
  const text = input.replace(/^\uFEFF/, '')
  const maxSegments = limits.maxSegments ?? 100_000
  const segments: Segment[] = []
  let elements: string[][] = []
  let components: string[] = []
  let current = ''
  let i = start
  let atSegmentStart = true
  const position = () => segments.length + 1
  while (i < text.length) {
    const ch = text[i]!
    if (atSegmentStart && (ch === '\n' || ch === '\r')) {
      i++
      continue
    }
    atSegmentStart = false
    if (ch === seps.release) {
      const next = text[i + 1]
      if (next === undefined)
        throw new EdifactError('EDI_DANGLING_RELEASE', 'the release character ends the interchange', {
          segment: position(),
          element: elements.length,
          component: components.length + 1,
        })
      current += next
      i += 2
      continue
    }
    if (ch === seps.component) {
      components.push(current)
      current = ''
      i++
      continue
    }
    if (ch === seps.element) {
      components.push(current)
      elements.push(components)
      components = []
      current = ''
      i++
      continue
    }
    if (ch === seps.segment) {
      components.push(current)
      elements.push(components)
      const [tagElement, ...rest] = elements
      const tag = tagElement?.[0] ?? ''
      if (!/^[A-Z][A-Z0-9]{2}$/.test(tag) || (tagElement?.length ?? 0) > 1)
        throw new EdifactError(
          'EDI_BAD_TAG',
          `${JSON.stringify(tag.slice(0, 10))} is not a segment tag (three capital letters or digits)`,
          { segment: position() },
        )
      segments.push({ position: position(), tag, elements: rest })
      if (segments.length > maxSegments)
        throw new EdifactError('EDI_TOO_LARGE', `more than ${maxSegments} segments`, { segment: position() })
      elements = []
      components = []
      current = ''
      atSegmentStart = true
      i++
      continue
    }
    current += ch
    i++
  }
  if (current.trim() !== '' || elements.length > 0 || components.length > 0)
    throw new EdifactError('EDI_UNTERMINATED', `the last segment has no terminator ${seps.segment}`, {
      segment: position(),
    })
  return { seps, segments }
}

export interface EdifactMessage {
  readonly reference: string
  /** UNH S009: type, version, release, agency, association code (CUSDEC, D, 96B, UN, CAREC1). */
  readonly type: string
  readonly identifier: readonly string[]
  /** The segments between UNH and UNT, exclusive. */
  readonly segments: readonly Segment[]
}

export interface Interchange {
  readonly syntax: string
  readonly sender: string
  readonly recipient: string
  readonly preparedAt: string
  readonly controlReference: string
  readonly messages: readonly EdifactMessage[]
  readonly seps: Separators
}

/** The value at element e (1-based), component c (1-based); '' when absent. */
export function value(s: Segment, e: number, c = 1): string {
  return s.elements[e - 1]?.[c - 1] ?? ''
}

function need(s: Segment, e: number, c: number, what: string): string {
  const v = value(s, e, c)
  if (v === '')
    throw new EdifactError('EDI_MISSING_VALUE', `${what} is required`, {
      segment: s.position,
      tag: s.tag,
      element: e,
      component: c,
    })
  return v
}

/** Tokenizes and checks the envelope: UNB, UNH..UNT per message, UNZ, counts and references. */
export function parseInterchange(input: string): Interchange {
  const { seps, segments } = tokenize(input)
  const unb = segments[0]
  if (unb?.tag !== 'UNB')
    throw new EdifactError('EDI_MISSING_SEGMENT', 'an interchange starts with UNB', {
      segment: 1,
      ...(unb === undefined ? {} : { tag: unb.tag }),
    })
  const unz = segments[segments.length - 1]!
  if (unz.tag !== 'UNZ' || segments.length < 2)
    throw new EdifactError('EDI_MISSING_SEGMENT', 'an interchange ends with UNZ', {
      segment: unz.position,
      tag: unz.tag,
    })
  const controlReference = need(unb, 5, 1, 'the interchange control reference')
  const messages: EdifactMessage[] = []
  let open: { unh: Segment; body: Segment[] } | undefined
  for (const s of segments.slice(1, -1)) {
    if (s.tag === 'UNH') {
      if (open !== undefined)
        throw new EdifactError(
          'EDI_MISSING_SEGMENT',
          `UNH before the UNT of message ${open.unh.elements[0]?.[0] ?? ''}`,
          { segment: s.position, tag: 'UNH' },
        )
      need(s, 1, 1, 'the message reference')
      need(s, 2, 1, 'the message type')
      open = { unh: s, body: [] }
    } else if (s.tag === 'UNT') {
      if (open === undefined)
        throw new EdifactError('EDI_MISSING_SEGMENT', 'UNT without UNH', { segment: s.position, tag: 'UNT' })
      const count = need(s, 1, 1, 'the segment count')
      const expected = open.body.length + 2
      if (count !== String(expected))
        throw new EdifactError(
          'EDI_COUNT_MISMATCH',
          `UNT counts ${count} segments, the message has ${expected} (UNH to UNT)`,
          { segment: s.position, tag: 'UNT', element: 1 },
        )
      const ref = value(open.unh, 1)
      if (value(s, 2) !== ref)
        throw new EdifactError(
          'EDI_REFERENCE_MISMATCH',
          `UNT reference ${JSON.stringify(value(s, 2))} differs from UNH ${JSON.stringify(ref)}`,
          { segment: s.position, tag: 'UNT', element: 2 },
        )
      messages.push({
        reference: ref,
        type: value(open.unh, 2, 1),
        identifier: open.unh.elements[1] ?? [],
        segments: open.body,
      })
      open = undefined
    } else if (open === undefined) {
      throw new EdifactError('EDI_UNEXPECTED_SEGMENT', `${s.tag} outside a message (between UNH and UNT)`, {
        segment: s.position,
        tag: s.tag,
      })
    } else {
      open.body.push(s)
    }
  }
  if (open !== undefined)
    throw new EdifactError('EDI_MISSING_SEGMENT', 'the last message has no UNT', { segment: unz.position, tag: 'UNZ' })
  if (value(unz, 1) !== String(messages.length))
    throw new EdifactError(
      'EDI_COUNT_MISMATCH',
      `UNZ counts ${value(unz, 1)} messages, the interchange has ${messages.length}`,
      { segment: unz.position, tag: 'UNZ', element: 1 },
    )
  if (value(unz, 2) !== controlReference)
    throw new EdifactError('EDI_REFERENCE_MISMATCH', 'UNZ control reference differs from UNB', {
      segment: unz.position,
      tag: 'UNZ',
      element: 2,
    })
  return {
    syntax: value(unb, 1, 1),
    sender: value(unb, 2, 1),
    recipient: value(unb, 3, 1),
    preparedAt: `${value(unb, 4, 1)}:${value(unb, 4, 2)}`,
    controlReference,
    messages,
    seps,
  }
}

/** Writes segments with the given separators, releasing any separator inside a value. */
export function writeSegments(
  segments: readonly { tag: string; elements: readonly (readonly string[])[] }[],
  seps: Separators = DEFAULT_SEPARATORS,
  withUna = true,
): string {
  const special = new Set([seps.component, seps.element, seps.release, seps.segment])
  const esc = (v: string) => [...v].map((ch) => (special.has(ch) ? seps.release + ch : ch)).join('')
  const lines = segments.map((s) => {
    const els = s.elements.map((e) => {
      const comps = [...e]
      while (comps.length > 1 && comps[comps.length - 1] === '') comps.pop()
      return comps.map(esc).join(seps.component)
    })
    while (els.length > 0 && els[els.length - 1] === '') els.pop()
    return [s.tag, ...els].join(seps.element) + seps.segment
  })
  const una = `UNA${seps.component}${seps.element}${seps.decimal}${seps.release} ${seps.segment}`
  return `${withUna ? `${una}\n` : ''}${lines.join('\n')}\n`
}
