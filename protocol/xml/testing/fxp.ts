/**
 * The one place that configures fast-xml-parser. The options make it a faithful tokenizer and
 * nothing more: no value coercion, no trimming, no entity expansion of its own, every node kept
 * in document order. The shapes it returns are described by FxpNode so the tree builder can
 * check them instead of trusting `any`.
 */

import { XMLParser } from 'fast-xml-parser'
import type { X2jOptions } from 'fast-xml-parser'
import { SisError } from '../../errors.ts'

/** Key prefix of attributes. '@' cannot start an XML name, so no element can collide with it. */
export const ATTRIBUTE_PREFIX = '@'
/** Keys of text, comment and CDATA nodes. '#' cannot start an XML name either. */
export const TEXT_KEY = '#text'
export const COMMENT_KEY = '#comment'
export const CDATA_KEY = '#cdata'
/** Where fast-xml-parser puts the attributes of an element node when preserveOrder is on. */
export const ATTRIBUTES_KEY = ':@'

/** One node of fast-xml-parser's preserveOrder output, before we check its shape. */
export type FxpNode = Readonly<Record<string, unknown>>

function options(maxDepth: number): X2jOptions {
  return {
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTRIBUTE_PREFIX,
    textNodeName: TEXT_KEY,
    commentPropName: COMMENT_KEY,
    cdataPropName: CDATA_KEY,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    allowBooleanAttributes: false,
    // fast-xml-parser 5.12 decodes only &amp; &lt; &gt; &quot; &apos; unless htmlEntities is on,
    // leaving &#65; as written. Decoding numeric references ourselves afterwards would decode
    // '&amp;#60;' twice (to '<'), so it decodes nothing and we decode everything in one pass.
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    // By default names such as toString or hasOwnProperty are renamed to __toString: we want
    // names exactly as written (our lookups use Map, and the prescan refuses __proto__ & co).
    onDangerousProperty: (name: string) => name,
    // The prescan has already held nesting to maxDepth; this is the parser's own backstop.
    maxNestedTags: maxDepth + 1,
    // With jPath on, fast-xml-parser builds the path string 'a.b.c…' for every node it adds,
    // which makes parsing quadratic in depth (10,000 levels: 0.9 s; 100,000: minutes).
    jPath: false,
  }
}

/** Runs fast-xml-parser on prescanned, validated text and returns its top-level nodes. */
export function runParser(text: string, maxDepth: number): readonly FxpNode[] {
  let output: unknown
  try {
    output = new XMLParser(options(maxDepth)).parse(text)
  } catch (cause) {
    throw new SisError('XML_MALFORMED', 'the input is not well-formed XML (the parser failed on it)', {}, { cause })
  }
  if (!Array.isArray(output)) {
    throw new SisError('XML_MALFORMED', 'the input is not well-formed XML (the parser returned no node list)')
  }
  return output as readonly FxpNode[]
}
