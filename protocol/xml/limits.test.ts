// Every limit at its boundary: exactly at the limit parses, one past it is refused with the
// limit's code and the limit in the details. Custom limits keep the documents small.
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import type { ErrorCode } from '../errors.ts'
import { DEFAULT_XML_LIMITS, parseXml, resolveLimits } from './index.ts'
import type { XmlLimits } from './index.ts'

function refusal(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): SisError {
  try {
    parseXml(input, limits)
  } catch (error) {
    if (error instanceof SisError) return error
    throw error
  }
  throw new Error('the input was accepted')
}

function expectBoundary(
  limits: Partial<XmlLimits>,
  atLimit: string,
  pastLimit: string,
  code: ErrorCode,
  limit: number,
): void {
  expect(() => parseXml(atLimit, limits)).not.toThrow()
  const error = refusal(pastLimit, limits)
  expect(error.code, error.message).toBe(code)
  expect(error.details['limit']).toBe(limit)
  expect(error.message).toContain(String(limit))
}

const nested = (depth: number): string => '<e>'.repeat(depth) + '</e>'.repeat(depth)

describe('limits', () => {
  it('maxDepth counts the root as depth 1, self-closing elements included', () => {
    expectBoundary({ maxDepth: 3 }, '<a><b><c/></b></a>', '<a><b><c><d/></c></b></a>', 'XML_TOO_DEEP', 3)
    expectBoundary({}, nested(32), nested(33), 'XML_TOO_DEEP', 32)
  })

  it('maxElements counts every element, the root included', () => {
    expectBoundary({ maxElements: 3 }, '<r><a/><b/></r>', '<r><a/><b/><c/></r>', 'XML_TOO_MANY_ELEMENTS', 3)
  })

  it('maxAttributesPerElement counts namespace declarations too', () => {
    expectBoundary(
      { maxAttributesPerElement: 2 },
      '<r xmlns="urn:x" a="1"><b c="1" d="2"/></r>',
      '<r xmlns="urn:x" xmlns:p="urn:p" a="1"/>',
      'XML_TOO_MANY_ATTRIBUTES',
      2,
    )
  })

  it('maxReferences counts character and entity references in text and attributes', () => {
    expectBoundary(
      { maxReferences: 3 },
      '<r a="&amp;">&#65;&lt;</r>',
      '<r a="&amp;">&#65;&lt;&#x42;</r>',
      'XML_TOO_MANY_REFERENCES',
      3,
    )
    // Comments and CDATA hold no references, so they do not count.
    expect(() => parseXml('<r><!-- &amp; &amp; --><![CDATA[&amp;&amp;]]>&amp;</r>', { maxReferences: 1 })).not.toThrow()
  })

  it('maxValueLength measures decoded text nodes, CDATA merged, comments splitting', () => {
    expectBoundary({ maxValueLength: 5 }, '<r>abcde</r>', '<r>abcdef</r>', 'XML_VALUE_TOO_LONG', 5)
    // Lengths are JS string lengths (UTF-16 code units): U+1F600 counts 2, as in value.length.
    expectBoundary(
      { maxValueLength: 5 },
      '<r>&amp;&lt;&gt;&#x1F600;</r>',
      '<r>&amp;&lt;&gt;&#65;&#x1F600;</r>',
      'XML_VALUE_TOO_LONG',
      5,
    )
    expectBoundary(
      { maxValueLength: 5 },
      '<r>abcd<!-- split -->efgh</r>',
      '<r>abc<![CDATA[def]]></r>',
      'XML_VALUE_TOO_LONG',
      5,
    )
    expect(refusal('<r>abc<![CDATA[def]]></r>', { maxValueLength: 5 }).details).toMatchObject({
      actual: 6,
      line: 1,
      column: 4,
    })
  })

  it('maxValueLength measures decoded attribute values', () => {
    expectBoundary({ maxValueLength: 5 }, '<r a="ab&amp;de"/>', '<r a="ab&amp;def"/>', 'XML_VALUE_TOO_LONG', 5)
  })

  it('maxBytes counts UTF-8 bytes, for strings as for bytes, BOM included for bytes', () => {
    expectBoundary({ maxBytes: 10 }, '<a>xyz</a>', '<a>wxyz</a>', 'XML_TOO_LARGE', 10)
    // 'ü' is one UTF-16 unit but two UTF-8 bytes: 9 bytes in 8 characters.
    expect(refusal('<a>ü</a>', { maxBytes: 8 }).details).toEqual({ limit: 8, actual: 9 })
    expect(refusal('<a>😀</a>', { maxBytes: 10 }).details).toEqual({ limit: 10, actual: 11 })
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<a/>')])
    expect(refusal(withBom, { maxBytes: 6 }).code).toBe('XML_TOO_LARGE')
    expect(() => parseXml(withBom, { maxBytes: 7 })).not.toThrow()
  })

  it('resolves partial limits over the defaults and refuses nonsense limits as a programming error', () => {
    expect(resolveLimits()).toEqual(DEFAULT_XML_LIMITS)
    expect(resolveLimits({ maxDepth: 5, maxBytes: undefined })).toEqual({ ...DEFAULT_XML_LIMITS, maxDepth: 5 })
    expect(resolveLimits({ maxElements: Number.POSITIVE_INFINITY }).maxElements).toBe(Number.POSITIVE_INFINITY)
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => parseXml('<a/>', { maxDepth: bad })).toThrow(RangeError)
    }
  })

  it('leaves DEFAULT_XML_LIMITS as documented', () => {
    expect(DEFAULT_XML_LIMITS).toEqual({
      maxBytes: 4 * 1024 * 1024,
      maxDepth: 32,
      maxElements: 100_000,
      maxAttributesPerElement: 32,
      maxReferences: 20_000,
      maxValueLength: 64 * 1024,
    })
  })

  it('parses 100,000-deep nesting when a caller raises the limits: nothing recurses, nothing is quadratic', () => {
    const started = performance.now()
    let element = parseXml(`${nested(100_000).slice(0, 300_000)}deep${nested(100_000).slice(300_000)}`, {
      maxDepth: 100_000,
    })
    for (let depth = 1; depth < 100_000; depth++) {
      const [next] = element.children
      if (next?.kind !== 'element') throw new Error(`no child at depth ${depth}`)
      element = next
    }
    expect(element.children).toEqual([{ kind: 'text', value: 'deep' }])
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('parses a document near every default limit at once', () => {
    const item = '<Item code="0101.21" qty="0012345">Ткань хлопковая &amp; 棉布</Item>'
    const doc = `<r>${nested(30)}${item.repeat(20_000)}</r>`
    const started = performance.now()
    const root = parseXml(doc)
    expect(root.children.length).toBe(20_001)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})
