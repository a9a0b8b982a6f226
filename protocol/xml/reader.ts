/**
 * The reader: one linear, non-recursive pass over the decoded text that enforces the limits and
 * well-formedness (the checks, order and refusals of the structure scan in structure.ts) and
 * builds the namespace-resolved tree as it goes. At most maxDepth elements are open at once, so
 * 100,000-deep nesting costs the same as 33-deep: the pass stops at the first one too deep.
 * Refusals the fast-xml-parser pipeline made only after its structure scan (namespaces,
 * duplicate expanded attribute names, names beyond U+FFFF) wait until the pass is over, so
 * every input is refused with the same code as before.
 */

import { SisError } from '../errors.ts'
import { isXmlSpace } from './names.ts'
import { resolveElement, ROOT_SCOPE } from './namespaces.ts'
import type { NamespaceScope, ResolvedElement } from './namespaces.ts'
import { canonicalStartTag } from './c14n.ts'
import { escapeAttribute, escapeText } from './c14n-text.ts'
import { scanReference } from './references.ts'
import type { ScannedReference } from './references.ts'
import { refuseAt, shorten } from './refuse.ts'
import { scanName, skipSpace } from './starttag.ts'
import { normalizeLineEnds, readTag, repeats } from './tag.ts'
import type { ReaderContext, ReadTag } from './tag.ts'
import type { XmlElement, XmlLimits, XmlName, XmlNode } from './types.ts'

const WIDE = /[\u0100-\uffff]/
const LT = 0x3c
const GT = 0x3e
const AMP = 0x26
const SLASH = 0x2f
const BANG = 0x21
const QUESTION = 0x3f
const RIGHT_BRACKET = 0x5d
const LF = 0xa
const CR = 0xd

interface OpenElement {
  /** The name as written, which the end tag must repeat exactly. */
  readonly name: string
  readonly children: XmlNode[]
  readonly scope: NamespaceScope
}

/** Reads the document from `start` (just after the XML declaration, if any) to its root. */
export function readDocument(text: string, start: number, limits: XmlLimits): XmlElement {
  return new DocumentReader(text, limits).run(start)
}

/**
 * What the reader saw of the spelling while it read: whether the text is exactly the Exclusive
 * C14N form (without comments) of its root, and where the root's last child element is written.
 * `canonical` may be false for a canonical text (a caller then canonicalizes to find out), never
 * true for one that is not: each piece of the text (start tag, character data, end tag) is
 * compared with its canonical rendering, and anything else (an XML declaration, comments, CDATA,
 * white space outside the root) makes it false.
 */
export interface DocumentForm {
  readonly canonical: boolean
  /** The root's last child element and its text offsets [start, end); for the signature. */
  readonly lastChild: { readonly element: XmlElement; readonly start: number; readonly end: number } | undefined
}

/** readDocument that also reports the document's form (see DocumentForm). */
export function readDocumentForm(
  text: string,
  start: number,
  limits: XmlLimits,
): { readonly root: XmlElement; readonly form: DocumentForm } {
  const reader = new DocumentReader(text, limits)
  const root = reader.run(start)
  return { root, form: reader.form() }
}

function qualifiedName(name: XmlName): string {
  return name.prefix === '' ? name.local : `${name.prefix}:${name.local}`
}

class DocumentReader implements ReaderContext {
  readonly text: string
  readonly limits: XmlLimits
  readonly wide: boolean
  /** The open elements, innermost last. */
  private readonly open: OpenElement[] = []
  private root: XmlElement | undefined
  private elements = 0
  private references = 0
  private rootClosed = false
  /** The text node being built: text and CDATA pieces merge until other markup. */
  private pending = ''
  /** Its length as the structure scan counts it (decoded, before line-end normalization). */
  private textLength = 0
  private textStart = 0
  /** Refusals held back until the end of the pass, first of each kind. */
  private laterName: SisError | undefined
  private laterNamespace: SisError | undefined
  /** Every piece read so far is spelled as Exclusive C14N renders it. */
  private canonical = true
  private lastChild: XmlElement | undefined
  private lastChildStart = -1
  private lastChildEnd = -1

  constructor(text: string, limits: XmlLimits) {
    this.text = text
    this.limits = limits
    this.wide = WIDE.test(text)
  }

  form(): DocumentForm {
    const last = this.lastChild
    return {
      canonical: this.canonical,
      lastChild:
        last === undefined || this.lastChildEnd < 0
          ? undefined
          : { element: last, start: this.lastChildStart, end: this.lastChildEnd },
    }
  }

  run(start: number): XmlElement {
    const { text } = this
    let position = start
    // The canonical form has no XML declaration.
    if (start !== 0) this.canonical = false
    while (position < text.length) {
      position = text.charCodeAt(position) === LT ? this.markup(position) : this.characterData(position)
    }
    const innermost = this.open.at(-1)
    if (innermost !== undefined) {
      const element = shorten(innermost.name)
      refuseAt(
        'XML_MALFORMED',
        text,
        text.length,
        `the input ends before element <${element}> is closed (truncated or unclosed tag)`,
        { element },
      )
    }
    if (this.root === undefined) refuseAt('XML_MALFORMED', text, text.length, 'the input has no root element')
    const later = this.laterName ?? this.laterNamespace
    if (later !== undefined) throw later
    return this.root
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

  refuseLater(error: SisError): void {
    this.laterName ??= error
  }

  private markup(offset: number): number {
    const { text } = this
    const next = text.charCodeAt(offset + 1)
    if (next === SLASH) return this.endTag(offset)
    if (next === BANG) {
      // Comments and CDATA sections are never in the canonical form (without comments).
      this.canonical = false
      if (text.startsWith('<!--', offset)) return this.comment(offset)
      if (text.startsWith('<![CDATA[', offset)) return this.cdata(offset)
      refuseAt('XML_MALFORMED', text, offset, "a '<!' that does not start a comment or a CDATA section appears")
    }
    if (next === QUESTION) {
      // The target is the name after '<?'; a bounded look is enough for the message.
      const target = /^[^ \t\r\n?]*/.exec(text.slice(offset + 2, offset + 42))?.[0] ?? ''
      refuseAt(
        'XML_PI_FORBIDDEN',
        text,
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
    const { text, limits } = this
    if (this.rootClosed)
      refuseAt('XML_MALFORMED', text, offset, 'a second root element appears; a document has exactly one root element')
    this.elements++
    if (this.elements > limits.maxElements) {
      refuseAt(
        'XML_TOO_MANY_ELEMENTS',
        text,
        offset,
        `the document has more than ${limits.maxElements} elements (maxElements)`,
        { limit: limits.maxElements },
      )
    }
    if (this.open.length >= limits.maxDepth) {
      refuseAt('XML_TOO_DEEP', text, offset, `elements are nested deeper than ${limits.maxDepth} levels (maxDepth)`, {
        limit: limits.maxDepth,
      })
    }
    const tag = readTag(this, offset)
    const parent = this.open.at(-1)
    const resolved = this.resolve(tag, parent?.scope ?? ROOT_SCOPE)
    const children: XmlNode[] = []
    const element: XmlElement = {
      kind: 'element',
      ns: resolved.name.ns,
      local: resolved.name.local,
      prefix: resolved.name.prefix,
      attributes: resolved.attributes,
      namespaces: resolved.declarations,
      children,
    }
    if (parent === undefined) this.root = element
    else {
      this.flushText(parent)
      parent.children.push(element)
      if (this.open.length === 1) {
        this.lastChild = element
        this.lastChildStart = offset
        this.lastChildEnd = -1
      }
    }
    if (this.canonical) this.canonical = this.canonicalTag(element, tag, offset, parent?.scope ?? ROOT_SCOPE)
    if (!tag.selfClosing) this.open.push({ name: tag.name, children, scope: resolved.scope })
    else if (parent === undefined) this.rootClosed = true
    this.textLength = 0
    return tag.end
  }

  /**
   * Is this start tag written exactly as Exclusive C14N renders it? While every earlier piece
   * was, the namespaces the canonical form has rendered above this element are those declared
   * above it in the text, which is `scope` (its xml entry aside, which c14n never renders).
   */
  private canonicalTag(element: XmlElement, tag: ReadTag, offset: number, scope: NamespaceScope): boolean {
    if (tag.selfClosing) return false // c14n writes <a></a>
    // No attributes and no declarations: the name's namespace is the one in scope, which c14n
    // has rendered above, so the canonical tag is <name>: only the spelling's length is left.
    if (tag.attributes.length === 0) return tag.end === offset + tag.name.length + 2
    // One attribute and no declaration (most attributed tags): no namespace to render for the
    // same reason, and nothing to sort.
    const only = element.attributes[0]
    if (element.namespaces.size === 0 && element.attributes.length === 1 && only !== undefined) {
      return (
        this.text.slice(offset, tag.end) === `<${tag.name} ${qualifiedName(only)}="${escapeAttribute(only.value)}">`
      )
    }
    try {
      return this.text.slice(offset, tag.end) === canonicalStartTag(element, scope)
    } catch {
      return false // a tree c14n calls inconsistent: leave the verdict to the canonicalizer
    }
  }

  /** Resolves names; after the first namespace refusal only the structure is still checked. */
  private resolve(tag: ReadTag, scope: NamespaceScope): ResolvedElement {
    if (this.laterNamespace === undefined) {
      try {
        return resolveElement(tag.name, tag.attributes, scope)
      } catch (error) {
        if (!(error instanceof SisError)) throw error
        this.laterNamespace = error
      }
    }
    return { name: { ns: '', local: tag.name, prefix: '' }, attributes: [], declarations: new Map(), scope }
  }

  private endTag(offset: number): number {
    const { text } = this
    const element = this.open.pop()
    // The usual case, the name of the open element followed by '>', without slicing the name.
    if (element !== undefined && repeats(text, offset + 2, element.name))
      return this.closed(element, offset + 2 + element.name.length)
    // Anything but </name> (white space before the '>') is not the canonical spelling.
    this.canonical = false
    const nameEnd = scanName(text, offset + 2)
    const name = text.slice(offset + 2, nameEnd)
    const close = skipSpace(text, nameEnd)
    if (close >= text.length)
      refuseAt('XML_MALFORMED', text, offset, `the input ends inside the end tag </${shorten(name)} (truncated)`)
    if (text.charCodeAt(close) !== GT)
      refuseAt('XML_MALFORMED', text, close, `the end tag </${shorten(name)}> is malformed`)
    if (element === undefined)
      refuseAt('XML_MALFORMED', text, offset, `the end tag </${shorten(name)}> has no matching start tag`)
    if (element.name !== name) {
      refuseAt(
        'XML_MALFORMED',
        text,
        offset,
        `the end tag </${shorten(name)}> does not match the start tag <${shorten(element.name)}>`,
        {
          expected: shorten(element.name),
          found: shorten(name),
        },
      )
    }
    return this.closed(element, close)
  }

  /** The end tag of `element` (already popped) was read up to its '>' at `close`. */
  private closed(element: OpenElement, close: number): number {
    this.flushText(element)
    if (this.open.length === 0) this.rootClosed = true
    else if (this.open.length === 1) this.lastChildEnd = close + 1
    this.textLength = 0
    return close + 1
  }

  private comment(offset: number): number {
    const { text } = this
    const bodyStart = offset + 4
    const close = text.indexOf('-->', bodyStart)
    if (close === -1) refuseAt('XML_MALFORMED', text, offset, 'a comment is not closed by --> (truncated)')
    // Found no later than `close`, whose '-->' contains '--': the search stays linear.
    const doubleHyphen = text.indexOf('--', bodyStart)
    if (doubleHyphen < close) refuseAt('XML_MALFORMED', text, doubleHyphen, "'--' is not allowed inside a comment")
    // Comments outside the root are not part of the tree; inside, one splits the text around it.
    const parent = this.open.at(-1)
    if (parent !== undefined) {
      this.flushText(parent)
      parent.children.push({ kind: 'comment', value: normalizeLineEnds(text.slice(bodyStart, close)) })
    }
    this.textLength = 0
    return close + 3
  }

  private cdata(offset: number): number {
    const { text } = this
    if (this.open.length === 0)
      refuseAt('XML_MALFORMED', text, offset, 'a CDATA section appears outside the root element')
    const bodyStart = offset + '<![CDATA['.length
    const close = text.indexOf(']]>', bodyStart)
    if (close === -1) refuseAt('XML_MALFORMED', text, offset, 'a CDATA section is not closed by ]]> (truncated)')
    this.addText(offset, close - bodyStart)
    this.pending += normalizeLineEnds(text.slice(bodyStart, close)) // literal: no references
    return close + 3
  }

  /** A run of text up to the next '<' (or the end of the input). */
  private characterData(offset: number): number {
    const { text } = this
    if (this.open.length === 0) return this.outsideRoot(offset)
    let value = ''
    let copied = offset // text before this offset is already in `value`
    let position = offset
    let length = 0
    let greater = false // a literal '>', which c14n writes as &gt;
    while (position < text.length) {
      const c = text.charCodeAt(position)
      if (c > RIGHT_BRACKET) {
        length++
        position++
      } else if (c === LT) {
        break
      } else if (c === AMP) {
        const reference = this.reference(position)
        value += text.slice(copied, position) + reference.value
        length += reference.decodedLength
        position = reference.end
        copied = position
      } else if (c === CR) {
        // Line ends become LF (XML 1.0, 2.11): CR LF and a lone CR alike.
        value += `${text.slice(copied, position)}\n`
        position++
        length++
        if (text.charCodeAt(position) === LF) {
          position++
          length++
        }
        copied = position
      } else {
        if (c === RIGHT_BRACKET && text.startsWith(']]>', position)) {
          refuseAt('XML_MALFORMED', text, position, "']]>' is not allowed in text (write ]]&gt;)")
        }
        if (c === GT) greater = true
        length++
        position++
      }
    }
    this.addText(offset, length)
    if (copied === offset) {
      // No reference and no CR: the text is its own value, canonical unless it holds a '>'.
      if (greater) this.canonical = false
      this.pending += text.slice(offset, position)
    } else {
      const decoded = value + text.slice(copied, position)
      if (this.canonical) this.canonical = escapeText(decoded) === text.slice(offset, position)
      this.pending += decoded
    }
    return position
  }

  /** Before or after the root only white space may appear; it is not part of the tree. */
  private outsideRoot(offset: number): number {
    const { text } = this
    this.canonical = false // the canonical form is the root element alone
    let position = offset
    while (position < text.length) {
      const c = text.charCodeAt(position)
      if (c === LT) break
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
    }
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

  /** Adjacent text and CDATA become one text node; an empty result is no node at all. */
  private flushText(element: OpenElement): void {
    if (this.pending.length > 0) element.children.push({ kind: 'text', value: this.pending })
    this.pending = ''
  }
}
