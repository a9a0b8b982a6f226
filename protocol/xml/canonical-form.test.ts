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
import { applyEdit, edit, elementTree, serializeDocument, URIS } from './documents.testkit.ts'
import { parseXmlText } from './index.ts'

const key = testKey('KZ')
const SIGNED = (['BorderPassageRecorded', 'DeclarationLodged', 'GuaranteeRegistered'] as const).map((type) =>
  new TextDecoder().decode(signXml(encodeMessage(type, exampleMessage(type)), key)),
)

/** The reference: the reader's verdict and the signature's span as the canonicalizer gives them. */
function check(input: string | Uint8Array): 'canonical' | 'not canonical' | 'refused' {
  let parsed: ReturnType<typeof parseXmlText>
  try {
    parsed = parseXmlText(input)
  } catch {
    return 'refused'
  }
  const { root, text, form } = parsed
  const bom =
    typeof input === 'string' ? input.startsWith('\uFEFF') : input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf
  const last = root.children.findLast((c) => c.kind === 'element')
  const whole = canonicalText(root, {}, last)
  const reference = whole.text === text && !bom
  expect(form.canonical, JSON.stringify(input)).toBe(reference)
  if (form.canonical) {
    expect(form.lastChild?.element).toBe(last)
    if (last !== undefined)
      expect([form.lastChild?.start, form.lastChild?.end]).toEqual([whole.markStart, whole.markEnd])
  }
  return reference ? 'canonical' : 'not canonical'
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
      fc.property(
        fc.nat({ max: SIGNED.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const original = SIGNED[which] ?? ''
          const mutated = edits.reduce(applyEdit, original)
          const verdict = check(mutated)
          seen[verdict]++
          if (verdict === 'refused') return
          let accepted = true
          try {
            verifyXml(new TextEncoder().encode(mutated), () => key.publicKey)
          } catch {
            accepted = false
          }
          expect(accepted, mutated).toBe(mutated === original)
        },
      ),
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
