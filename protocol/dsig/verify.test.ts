// The two paths of verifyXml must give the same verdict on every input: prepareAsWritten (the
// signature exactly as our signers write it; only the document without it is parsed) either
// declines or ends as prepareParsed (the general path) ends, with the same refusal or the same
// tree. Checked on the transit's entries (wide text included), on targeted edits around the
// signature, and on random edits of signed messages.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { authorKey } from '../log/index.ts'
import { testMembership } from '../testing/federation.ts'
import { transitLifecycle } from '../testing/scenario.ts'
import { applyEdit, edit } from '../xml/documents.testkit.ts'
import type { XmlElement, XmlLimits } from '../xml/index.ts'
import { prepareAsWritten, prepareParsed, verifyXml } from './verify.ts'
import type { PreparedVerification } from './verify.ts'

const membership = testMembership()
const UTF8 = new TextEncoder()
const TEXT = new TextDecoder()

const keyOf = authorKey(membership)

type Outcome = { readonly refused: string; readonly message: string } | { readonly root: XmlElement }

function run(prepare: () => PreparedVerification | undefined): Outcome | 'declined' {
  let prepared: PreparedVerification | undefined
  try {
    prepared = prepare()
    if (prepared === undefined) return 'declined'
    prepared.complete()
  } catch (e) {
    if (!(e instanceof SisError)) throw e
    return { refused: e.code, message: e.message }
  }
  return { root: prepared.root }
}

/** The fast path's outcome, checked against the general path's whenever it does not decline. */
function bothPaths(bytes: Uint8Array, limits?: Partial<XmlLimits>): Outcome | 'declined' {
  const fast = run(() => prepareAsWritten(bytes, keyOf, { limits }))
  const general = run(() => prepareParsed(bytes, keyOf, { limits }))
  if (general === 'declined') throw new Error('the general path never declines')
  if (fast !== 'declined') expect(fast, TEXT.decode(bytes)).toEqual(general)
  return fast
}

const { e } = transitLifecycle()
const entries = Object.values(e)
const passage = TEXT.decode(e.passageKZ?.bytes)

function refusal(outcome: Outcome | 'declined'): string {
  return outcome !== 'declined' && 'refused' in outcome
    ? outcome.refused
    : String(outcome === 'declined' ? 'declined' : 'accepted')
}

describe('verifyXml: the path for entries as written and the general path agree', () => {
  it("every entry of a transit takes the fast path and gets the general path's tree", () => {
    for (const w of entries) {
      const fast = bothPaths(w.bytes)
      expect(fast, w.type).not.toBe('declined')
      expect(fast).toHaveProperty('root')
      expect(verifyXml(w.bytes, keyOf).root).toEqual((fast as { root: XmlElement }).root)
    }
  })

  it('a changed digest, signature or body is refused by the fast path as the general path refuses it', () => {
    const digest = passage.indexOf('<ds:DigestValue>') + '<ds:DigestValue>'.length
    const value = passage.indexOf('<ds:SignatureValue>') + '<ds:SignatureValue>'.length
    const flip = (at: number) => passage.slice(0, at) + (passage[at] === 'A' ? 'B' : 'A') + passage.slice(at + 1)
    expect(refusal(bothPaths(UTF8.encode(flip(digest + 3))))).toBe('SIG_DIGEST_MISMATCH')
    expect(refusal(bothPaths(UTF8.encode(flip(value + 5))))).toBe('SIG_INVALID')
    expect(refusal(bothPaths(UTF8.encode(passage.replace('045 ABC 02', '045 ABC 03'))))).toBe('SIG_DIGEST_MISMATCH')
    expect(refusal(bothPaths(UTF8.encode(passage.replace('<authorCountry>KZ<', '<authorCountry>XX<'))))).toBe(
      'SIG_DIGEST_MISMATCH',
    )
  })

  it('declines whatever it cannot vouch for, and the general path refuses it', () => {
    const root = passage.indexOf('>')
    const signature = passage.indexOf('<ds:Signature')
    const cases: [string, string][] = [
      [
        'the root declares ds',
        passage.slice(0, root) + ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#"' + passage.slice(root),
      ],
      [
        'a second signature in the body',
        passage.replace(
          '<TransitOperation>',
          `<TransitOperation>${passage.slice(signature, passage.lastIndexOf('</'))}`,
        ),
      ],
      ['text after the signature', passage.replace('</ds:Signature>', '</ds:Signature>\n')],
      ['text directly in the root', passage.replace('</Header>', '</Header>stray')],
      ['a newline after the root', `${passage}\n`],
      ['an XML declaration', `<?xml version="1.0" encoding="UTF-8"?>${passage}`],
      ['a comment', passage.replace('<Header>', '<Header><!--x-->')],
      [
        'padding bits set in the digest',
        passage.replace(
          /(<ds:DigestValue>[^<]{42})(.)(=)/,
          (_, a: string, c: string, p: string) => a + (c === 'A' ? 'B' : String.fromCharCode(c.charCodeAt(0) + 1)) + p,
        ),
      ],
    ]
    for (const [what, text] of cases) {
      expect(text, what).not.toBe(passage)
      const fast = bothPaths(UTF8.encode(text))
      expect(fast, what).toBe('declined')
      expect(() => verifyXml(UTF8.encode(text), keyOf), what).toThrow(SisError)
    }
    // Limits the signature itself would break are the general path's to apply.
    for (const limits of [
      { maxDepth: 5 },
      { maxValueLength: 80 },
      { maxElements: 10 },
      { maxBytes: passage.length - 1 },
    ]) {
      expect(bothPaths(UTF8.encode(passage), limits), JSON.stringify(limits)).toBe('declined')
      expect(() => verifyXml(UTF8.encode(passage), keyOf, { limits }), JSON.stringify(limits)).toThrow(SisError)
    }
  })

  it('random edits of signed entries: the same verdict on both paths', () => {
    const signed = [e.lodged, e.passageKZ, e.incident, e.control].map((w) => TEXT.decode(w?.bytes))
    const seen = { declined: 0, refused: 0, accepted: 0 }
    fc.assert(
      fc.property(
        fc.nat({ max: signed.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const original = signed[which] ?? ''
          const mutated = edits.reduce(applyEdit, original)
          const fast = bothPaths(UTF8.encode(mutated))
          seen[fast === 'declined' ? 'declined' : 'root' in fast ? 'accepted' : 'refused']++
          if (fast !== 'declined' && 'root' in fast) expect(mutated).toBe(original)
        },
      ),
      { numRuns: Number(process.env['SIS_C14N_RUNS'] ?? 800) },
    )
    // The edits must reach the fast path's own verdicts too, or the test proves little.
    expect(seen.refused).toBeGreaterThan(0)
    expect(seen.declined).toBeGreaterThan(seen.refused)
  })
})
