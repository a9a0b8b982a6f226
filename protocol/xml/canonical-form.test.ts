// The reader's canonical-form verdict (DocumentForm) against the slow path it replaces on
// canonical input: canonicalize the parsed tree and compare with the decoded text (no BOM). It
// may say "not canonical" for a canonical text and cost only speed, but saying "canonical" for
// any other spelling would let a second spelling of a signed entry through S5, so the verdict
// must equal the reference on random documents, on mutated signed messages (attribute order,
// namespace redeclarations, CR/LF, references, white space, comments, CDATA, BOM, XML
// declaration, quotes, empty-element tags), and on xmllint's own canonical output.
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signXml, verifyXml } from '../dsig/index.ts'
import { encodeMessage, exampleMessage } from '../messages/index.ts'
import { testKey } from '../testing/federation.ts'
import { canonicalText } from './c14n.ts'
import { elementTree, serializeDocument, URIS } from './documents.testkit.ts'
import { parseXmlText } from './index.ts'

const key = testKey('KZ')
const SIGNED = (['BorderPassageRecorded', 'DeclarationLodged', 'GuaranteeRegistered'] as const).map((type) => new TextDecoder().decode(signXml(encodeMessage(type, exampleMessage(type)), key)))

/** The reference: the reader's verdict and the signature's span as the canonicalizer gives them. */
function check(input: string | Uint8Array): 'canonical' | 'not canonical' | 'refused' {
  let parsed: ReturnType<typeof parseXmlText>
  try {
    parsed = parseXmlText(input)
  } catch {
    return 'refused'
  }
  const { root, text, form } = parsed
  const bom = typeof input === 'string' ? input.startsWith('\uFEFF') : input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf
  const last = root.children.findLast((c) => c.kind === 'element')
  const whole = canonicalText(root, {}, last)
  const reference = whole.text === text && !bom
  expect(form.canonical, JSON.stringify(input)).toBe(reference)
  if (form.canonical) {
    expect(form.lastChild?.element).toBe(last)
    if (last !== undefined) expect([form.lastChild?.start, form.lastChild?.end]).toEqual([whole.markStart, whole.markEnd])
  }
  return reference ? 'canonical' : 'not canonical'
}

// Edits that change the spelling (or the content) at a random place.
const SNIPPETS = [' ', '\n', '\r', '\r\n', '\t', '>', '&gt;', '&#62;', '&amp;', '&#38;', '&lt;', '&#65;', '&#x41;', '&#xD;', '&#13;', '&#x9;', '&#xA;', '&quot;', '&apos;', "'", '"', '/', '<!--c-->',
  '<![CDATA[x]]>', '<![CDATA[]]>', ' a="1"', ' a="x&#x9;y"', ' b="&gt;"', ' xml:lang="en"', ' xmlns="urn:carec:sis:1"', ' xmlns=""', ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#"',
  ' xmlns:p="urn:a"', ' xmlns:sis="urn:carec:sis:1"', '\u00a0', 'Ж', '\uFEFF']
type Edit = { readonly at: number; readonly kind: number; readonly pick: number }
const edit: fc.Arbitrary<Edit> = fc.record({ at: fc.nat(), kind: fc.nat({ max: 10 }), pick: fc.nat() })

function applyEdit(text: string, { at, kind, pick }: Edit): string {
  const i = at % (text.length + 1)
  const tags = [...text.matchAll(/<([^/!?>\s]+)([^>]*)>/g)]
  const tag = tags[pick % Math.max(1, tags.length)]
  switch (kind) {
    case 0: return text.slice(0, i) + (SNIPPETS[pick % SNIPPETS.length] ?? '') + text.slice(i) // insert anywhere
    case 1: { // insert inside a start tag, just after its name
      if (tag?.index === undefined) return text
      const after = tag.index + 1 + (tag[1]?.length ?? 0)
      return text.slice(0, after) + (SNIPPETS[(pick >> 3) % SNIPPETS.length] ?? '') + text.slice(after)
    }
    case 10: { // insert at the start of an element's content
      if (tag?.index === undefined) return text
      const after = tag.index + tag[0].length
      return text.slice(0, after) + (SNIPPETS[(pick >> 3) % SNIPPETS.length] ?? '') + text.slice(after)
    }
    case 2: { // swap the first two attributes of a tag
      const attributes = tag?.[2]?.match(/ [^\s=]+="[^"]*"/g)
      if (tag?.index === undefined || attributes === null || attributes === undefined || attributes.length < 2) return text
      const [a, b, ...rest] = attributes
      return text.slice(0, tag.index) + `<${tag[1]}${b}${a}${rest.join('')}>` + text.slice(tag.index + tag[0].length)
    }
    case 3: return text.replace(/<([^/!?>\s]+)([^>]*)><\/\1>/, '<$1$2/>') // an empty-element tag
    case 4: return tag?.index === undefined ? text : text.slice(0, tag.index) + tag[0].replace(/"/g, "'") + text.slice(tag.index + tag[0].length) // single quotes
    case 5: return text.replace(/<\/([^>]+)>/, '</$1 >') // white space in an end tag
    case 6: return `<?xml version="1.0" encoding="UTF-8"?>${text}`
    case 7: return i % 2 === 0 ? `${text}\n` : `<!--x-->${text}`
    case 8: return text.slice(0, i) + text.slice(i + 1 + (pick % 3)) // delete a few characters
    default: return text.replace(/<ds:SignedInfo>|<ds:Reference URI="">|<\/ds:Transforms>/, (m) => `${m}\n  `) // white space in SignedInfo
  }
}

const RUNS = Number(process.env['SIS_C14N_RUNS'] ?? 1500)

describe('the reader recognizes canonical input exactly as canonicalization does', () => {
  it('signed messages as they are: canonical, and the signature is the span it reports', () => {
    for (const s of SIGNED) {
      expect(check(s)).toBe('canonical')
      expect(check(new TextEncoder().encode(s))).toBe('canonical')
      expect(check(`\uFEFF${s}`)).toBe('not canonical')
      expect(check(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(s)]))).toBe('not canonical')
    }
  })

  it('mutated signed messages: the same verdict, and verifyXml accepts only the original bytes', () => {
    const seen = { canonical: 0, 'not canonical': 0, refused: 0 }
    fc.assert(
      fc.property(fc.nat({ max: SIGNED.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, edits) => {
        const original = SIGNED[which] ?? ''
        const mutated = edits.reduce(applyEdit, original)
        const verdict = check(mutated)
        seen[verdict]++
        if (verdict === 'refused') return
        let accepted = true
        try { verifyXml(new TextEncoder().encode(mutated), () => key.publicKey) } catch { accepted = false }
        expect(accepted, mutated).toBe(mutated === original)
      }),
      { numRuns: RUNS },
    )
    // The edits must reach both verdicts often, or the test proves little.
    expect(seen['not canonical']).toBeGreaterThan(RUNS / 4)
    expect(seen.canonical).toBeGreaterThan(RUNS / 50)
  })

  it('random documents (references, CDATA, comments, namespaces, quotes) and their canonical forms', () => {
    fc.assert(
      fc.property(elementTree(), fc.boolean(), fc.boolean(), (tree, declaration, outside) => {
        const doc = serializeDocument(tree, { declaration, outside })
        if (check(doc) === 'refused') throw new Error(`the testkit made an ill-formed document: ${doc}`)
        const canonical = canonicalText(parseXmlText(doc).root).text
        expect(check(canonical)).toBe('canonical')
      }),
      { numRuns: RUNS },
    )
  })

  it("xmllint's canonical output is recognized as canonical", () => {
    const trees = elementTree(URIS.filter((uri) => !uri.includes('&'))) // see c14n-property.test.ts
    fc.assert(
      fc.property(trees, (tree) => {
        const doc = serializeDocument(tree, { declaration: false, outside: false }).replace(/<!--[^]*?-->/g, '')
        const run = spawnSync('xmllint', ['--nonet', '--exc-c14n', '-'], { input: doc })
        if (run.status !== 0) throw new Error(`xmllint failed: ${run.stderr.toString()}`)
        expect(check(run.stdout.toString('utf8'))).toBe('canonical')
      }),
      { numRuns: 40 },
    )
  })
})
