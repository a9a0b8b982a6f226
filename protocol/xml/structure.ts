/**
 * The structure scan of the fast-xml-parser oracle (oracle.ts): one linear, non-recursive pass
 * over the decoded text that enforces the limits and the well-formedness rules fast-xml-parser's
 * validator misses, before that parser builds anything. parseXml's reader (reader.ts) makes the
 * same checks in the same order while it builds the tree; the differential tests hold them equal. Its stack holds at most maxDepth names, so 100,000-deep nesting costs the
 * same as 33-deep: the scan stops at the first element past the limit.
 */

import { isXmlSpace } from './names.ts'
import { scanReference } from './references.ts'
import type { ScannedReference } from './references.ts'
import { refuseAt, shorten } from './refuse.ts'
import { readStartTag, scanName, skipSpace } from './starttag.ts'
import type { TagContext } from './starttag.ts'
import type { XmlLimits } from './types.ts'

const LT = 0x3c
const GT = 0x3e
const AMP = 0x26
const SLASH = 0x2f
const BANG = 0x21
const QUESTION = 0x3f
const RIGHT_BRACKET = 0x5d

/** What the scan counted, for comparison with what fast-xml-parser later builds. */
export interface DocumentCounts {
  readonly elements: number
  /** All attributes, namespace declarations included. */
  readonly attributes: number
}

/** Scans the document from `start` (just after the XML declaration, if any). */
export function scanStructure(text: string, start: number, limits: XmlLimits): DocumentCounts {
  return new StructureScanner(text, limits).run(start)
}

class StructureScanner implements TagContext {
  readonly text: string
  readonly limits: XmlLimits
  /** Names of the open elements, innermost last. */
  private readonly open: string[] = []
  private elements = 0
  private attributes = 0
  private references = 0
  private rootClosed = false
  /** Length of the text node being built: text and CDATA pieces merge until other markup. */
  private textLength = 0
  private textStart = 0

  constructor(text: string, limits: XmlLimits) {
    this.text = text
    this.limits = limits
  }

  run(start: number): DocumentCounts {
    let position = start
    while (position < this.text.length) {
      position = this.text.charCodeAt(position) === LT ? this.markup(position) : this.characterData(position)
    }
    if (this.open.length > 0) {
      const element = shorten(this.open[this.open.length - 1] ?? '')
      refuseAt(
        'XML_MALFORMED',
        this.text,
        this.text.length,
        `the input ends before element <${element}> is closed (truncated or unclosed tag)`,
        { element },
      )
    }
    if (this.elements === 0) refuseAt('XML_MALFORMED', this.text, this.text.length, 'the input has no root element')
    return { elements: this.elements, attributes: this.attributes }
  }

  reference(offset: number): ScannedReference {
    const reference = scanReference(this.text, offset)
    this.references++
    if (this.references > this.limits.maxReferences) {
      refuseAt(
        'XML_TOO_MANY_REFERENCES',
        this.text,
        offset,
        `the document has more than ${this.limits.maxReferences} character or entity references (maxReferences)`,
        {
          limit: this.limits.maxReferences,
        },
      )
    }
    return reference
  }

  private markup(offset: number): number {
    const next = this.text.charCodeAt(offset + 1)
    if (next === SLASH) return this.endTag(offset)
    if (next === BANG) {
      if (this.text.startsWith('<!--', offset)) return this.comment(offset)
      if (this.text.startsWith('<![CDATA[', offset)) return this.cdata(offset)
      refuseAt('XML_MALFORMED', this.text, offset, "a '<!' that does not start a comment or a CDATA section appears")
    }
    if (next === QUESTION) {
      // The target is the name after '<?'; a bounded look is enough for the message.
      const target = /^[^ \t\r\n?]*/.exec(this.text.slice(offset + 2, offset + 42))?.[0] ?? ''
      refuseAt(
        'XML_PI_FORBIDDEN',
        this.text,
        offset,
        `the processing instruction <?${shorten(target)} …?> is not allowed; only the XML declaration at the very start is`,
        {
          target: shorten(target),
        },
      )
    }
    return this.startTag(offset)
  }

  private startTag(offset: number): number {
    if (this.rootClosed)
      refuseAt(
        'XML_MALFORMED',
        this.text,
        offset,
        'a second root element appears; a document has exactly one root element',
      )
    this.elements++
    if (this.elements > this.limits.maxElements) {
      refuseAt(
        'XML_TOO_MANY_ELEMENTS',
        this.text,
        offset,
        `the document has more than ${this.limits.maxElements} elements (maxElements)`,
        {
          limit: this.limits.maxElements,
        },
      )
    }
    if (this.open.length >= this.limits.maxDepth) {
      refuseAt(
        'XML_TOO_DEEP',
        this.text,
        offset,
        `elements are nested deeper than ${this.limits.maxDepth} levels (maxDepth)`,
        {
          limit: this.limits.maxDepth,
        },
      )
    }
    const tag = readStartTag(this, offset)
    this.attributes += tag.attributes
    if (!tag.selfClosing) this.open.push(tag.name)
    else if (this.open.length === 0) this.rootClosed = true
    this.textLength = 0
    return tag.end
  }

  private endTag(offset: number): number {
    const nameEnd = scanName(this.text, offset + 2)
    const name = this.text.slice(offset + 2, nameEnd)
    const close = skipSpace(this.text, nameEnd)
    if (close >= this.text.length)
      refuseAt('XML_MALFORMED', this.text, offset, `the input ends inside the end tag </${shorten(name)} (truncated)`)
    if (this.text.charCodeAt(close) !== GT)
      refuseAt('XML_MALFORMED', this.text, close, `the end tag </${shorten(name)}> is malformed`)
    const expected = this.open.pop()
    if (expected === undefined) {
      refuseAt('XML_MALFORMED', this.text, offset, `the end tag </${shorten(name)}> has no matching start tag`)
    }
    if (expected !== name) {
      refuseAt(
        'XML_MALFORMED',
        this.text,
        offset,
        `the end tag </${shorten(name)}> does not match the start tag <${shorten(expected)}>`,
        {
          expected: shorten(expected),
          found: shorten(name),
        },
      )
    }
    if (this.open.length === 0) this.rootClosed = true
    this.textLength = 0
    return close + 1
  }

  private comment(offset: number): number {
    const bodyStart = offset + 4
    const close = this.text.indexOf('-->', bodyStart)
    if (close === -1) refuseAt('XML_MALFORMED', this.text, offset, 'a comment is not closed by --> (truncated)')
    // Found no later than `close`, whose '-->' contains '--': the search stays linear.
    const doubleHyphen = this.text.indexOf('--', bodyStart)
    if (doubleHyphen < close) refuseAt('XML_MALFORMED', this.text, doubleHyphen, "'--' is not allowed inside a comment")
    this.textLength = 0 // a comment splits the text around it into two text nodes
    return close + 3
  }

  private cdata(offset: number): number {
    if (this.open.length === 0)
      refuseAt('XML_MALFORMED', this.text, offset, 'a CDATA section appears outside the root element')
    const bodyStart = offset + '<![CDATA['.length
    const close = this.text.indexOf(']]>', bodyStart)
    if (close === -1) refuseAt('XML_MALFORMED', this.text, offset, 'a CDATA section is not closed by ]]> (truncated)')
    this.addText(offset, close - bodyStart)
    return close + 3
  }

  /** A run of text up to the next '<' (or the end of the input). */
  private characterData(offset: number): number {
    const { text } = this
    const inRoot = this.open.length > 0
    let position = offset
    let length = 0
    while (position < text.length) {
      const c = text.charCodeAt(position)
      if (c === LT) break
      if (!inRoot) {
        if (!isXmlSpace(c)) {
          const where = this.rootClosed ? 'after' : 'before'
          refuseAt(
            'XML_MALFORMED',
            text,
            position,
            `text appears ${where} the root element; only white space and comments may`,
          )
        }
        position++
      } else if (c === AMP) {
        const reference = this.reference(position)
        length += reference.decodedLength
        position = reference.end
      } else {
        if (c === RIGHT_BRACKET && text.startsWith(']]>', position)) {
          refuseAt('XML_MALFORMED', text, position, "']]>' is not allowed in text (write ]]&gt;)")
        }
        length++
        position++
      }
    }
    if (inRoot) this.addText(offset, length)
    return position
  }

  private addText(offset: number, length: number): void {
    if (this.textLength === 0) this.textStart = offset
    this.textLength += length
    if (this.textLength > this.limits.maxValueLength) {
      refuseAt(
        'XML_VALUE_TOO_LONG',
        this.text,
        this.textStart,
        `a text node is longer than ${this.limits.maxValueLength} characters (maxValueLength)`,
        {
          limit: this.limits.maxValueLength,
          actual: this.textLength,
        },
      )
    }
  }
}
