/**
 * protocol/xml: the hardened XML parsing layer and exclusive canonicalization. Everything
 * outside this folder imports from here, never from the files behind it.
 */

export { parseXml, parseXmlText } from './parse.ts'
export type { DocumentForm } from './reader.ts'
export { resolveLimits } from './limits.ts'
export { canonicalize, canonicalText, findElements } from './c14n.ts'
export type { CanonicalizeOptions, CanonicalText, FoundElement } from './c14n.ts'
export { XML_NAMESPACE, XMLNS_NAMESPACE } from './namespaces.ts'
export { DEFAULT_XML_LIMITS } from './types.ts'
export type { XmlAttribute, XmlComment, XmlElement, XmlLimits, XmlName, XmlNode, XmlText } from './types.ts'
