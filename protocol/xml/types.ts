/**
 * The parsed form of an XML document: a small, namespace-resolved tree. Names are compared by
 * namespace URI and local name, never by prefix; the prefix is kept only for error messages.
 */

export interface XmlName {
  /** Namespace URI, '' for no namespace. */
  readonly ns: string
  readonly local: string
  /** The prefix as written ('' for none), for messages only: never compare it. */
  readonly prefix: string
}

/** An attribute as the reader hands it to namespace resolution: its name as written, its value already normalized and decoded. */
export interface RawAttribute {
  readonly name: string
  readonly value: string
}

export interface XmlAttribute extends XmlName {
  readonly value: string
}

export interface XmlElement extends XmlName {
  readonly kind: 'element'
  /** Attributes other than namespace declarations, in document order. */
  readonly attributes: readonly XmlAttribute[]
  /** Namespace declarations made on this element: prefix ('' for the default) to URI. */
  readonly namespaces: ReadonlyMap<string, string>
  readonly children: readonly XmlNode[]
}

export interface XmlText {
  readonly kind: 'text'
  /** Text with references resolved; CDATA sections are text too. */
  readonly value: string
}

export interface XmlComment {
  readonly kind: 'comment'
  readonly value: string
}

export type XmlNode = XmlElement | XmlText | XmlComment

/** Limits applied to untrusted XML. Every limit has a safe default (see DEFAULT_XML_LIMITS). */
export interface XmlLimits {
  /** Largest input accepted, in bytes, checked before anything else. */
  readonly maxBytes: number
  /** Deepest element nesting (the root is depth 1). */
  readonly maxDepth: number
  /** Most elements in the document. */
  readonly maxElements: number
  /** Most attributes (namespace declarations included) on one element. */
  readonly maxAttributesPerElement: number
  /** Most character and entity references (&#..; &amp; ...) in the document. */
  readonly maxReferences: number
  /** Longest single text node or attribute value, in characters. */
  readonly maxValueLength: number
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 100_000,
  maxAttributesPerElement: 32,
  maxReferences: 20_000,
  maxValueLength: 64 * 1024,
}
