// Exclusive XML Canonicalization against xmllint (libxml2), byte for byte: the corpus in
// testdata/c14n/ as whole documents, every element of it as a subtree with its inherited
// namespaces, with and without comments, with the enveloped signature excluded, and with
// inclusive prefixes (compared with inclusive c14n). See testdata/c14n/README.md.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serialize } from '../testing/serialize.ts'
import { canonicalize, findElements } from './c14n.ts'
import { parseXml } from './index.ts'
import type { XmlElement } from './index.ts'

const CORPUS = join(import.meta.dirname, 'testdata', 'c14n')
const files = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.xml'))
  .sort()
const read = (name: string): Buffer => readFileSync(join(CORPUS, name))
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** xmllint's canonical form of a document: --exc-c14n (exclusive) or --c14n (inclusive), both with comments. */
function xmllint(document: string | Uint8Array, mode: '--exc-c14n' | '--c14n' = '--exc-c14n'): string {
  const run = spawnSync('xmllint', ['--nonet', mode, '-'], { input: document })
  if (run.error !== undefined) throw new Error(`xmllint could not run (install libxml2-utils): ${run.error.message}`)
  if (run.status !== 0) throw new Error(`xmllint ${mode} failed: ${run.stderr.toString()}`)
  return run.stdout.toString('utf8')
}

/**
 * libxml2 writes namespace URIs unescaped, so '&' in one comes out raw (not even well-formed).
 * C14N says namespace nodes are escaped like attributes; we do that, and these files say so.
 */
const LIBXML2_UNESCAPED_NAMESPACE = new Set(['29-namespace-uri-escaping.xml'])
const escapeNamespaceAmpersands = (canonical: string): string =>
  canonical.replace(
    /( xmlns(?::[^=]+)?=")([^"]*)"/g,
    (_all, name: string, uri: string) => `${name}${uri.replace(/&/g, '&amp;')}"`,
  )

function expectedExclusive(name: string): string {
  const theirs = xmllint(read(name))
  return LIBXML2_UNESCAPED_NAMESPACE.has(name) ? escapeNamespaceAmpersands(theirs) : theirs
}

describe('the corpus (testdata/c14n)', () => {
  it('has at least 25 documents', () => {
    expect(files.length).toBeGreaterThanOrEqual(25)
  })

  it.each(files)('%s: whole document, with comments, equals xmllint --exc-c14n', (name) => {
    expect(decode(canonicalize(parseXml(read(name)), { withComments: true }))).toBe(expectedExclusive(name))
  })

  it.each(files)('%s: without comments, equals xmllint with the comments taken out', (name) => {
    // Outside comments '<' is always escaped, so '<!--' in canonical output starts a comment.
    const expected = expectedExclusive(name).replace(/<!--[\s\S]*?-->/g, '')
    expect(decode(canonicalize(parseXml(read(name))))).toBe(expected)
    expect(decode(canonicalize(parseXml(read(name)), { withComments: false }))).toBe(expected)
  })

  it.each(files)('%s: every element as a subtree with its inherited namespaces (inScope)', (name) => {
    // xmllint sees the subtree as a document of its own, with the inherited namespaces
    // declared on its root: unused ones must vanish, utilized ones appear, exactly as inside.
    for (const { element, inScope } of findElements(parseXml(read(name)), () => true)) {
      const standalone: XmlElement = { ...element, namespaces: new Map([...inScope, ...element.namespaces]) }
      const theirs = xmllint(serialize(standalone))
      const expected = LIBXML2_UNESCAPED_NAMESPACE.has(name) ? escapeNamespaceAmpersands(theirs) : theirs
      expect(decode(canonicalize(element, { withComments: true, inScope }))).toBe(expected)
    }
  })

  it.each(files.filter((name) => !LIBXML2_UNESCAPED_NAMESPACE.has(name)))(
    '%s: every prefix inclusive equals xmllint --c14n',
    (name) => {
      // With every declared prefix (and the default) in the InclusiveNamespaces PrefixList, the
      // namespace rules of exclusive c14n become those of inclusive c14n, for a whole document.
      const root = parseXml(read(name))
      const prefixes = new Set(['#default'])
      for (const { element } of findElements(root, () => true))
        for (const prefix of element.namespaces.keys()) if (prefix !== '') prefixes.add(prefix)
      expect(decode(canonicalize(root, { withComments: true, inclusivePrefixes: [...prefixes] }))).toBe(
        xmllint(read(name), '--c14n'),
      )
    },
  )
})

describe('the enveloped-signature transform (exclude)', () => {
  const name = '22-enveloped-signature.xml'
  const isSignature = (e: XmlElement): boolean =>
    e.local === 'Signature' && e.ns === 'http://www.w3.org/2000/09/xmldsig#'

  it('removes ds:Signature and its subtree, keeping the white space around it', () => {
    const text = decode(read(name))
    const without = text.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
    expect(without).not.toBe(text)
    expect(decode(canonicalize(parseXml(text), { exclude: isSignature }))).toBe(
      xmllint(without).replace(/<!--[\s\S]*?-->/g, ''),
    )
  })

  it('canonicalizes ds:SignedInfo found inside the document as xmllint does standalone', () => {
    const [found] = findElements(parseXml(read(name)), (e) => e.local === 'SignedInfo')
    if (found === undefined) throw new Error('no SignedInfo')
    expect([...found.inScope]).toEqual([
      ['sis', 'urn:carec:sis:message:1'],
      ['ds', 'http://www.w3.org/2000/09/xmldsig#'],
    ])
    const canonical = decode(canonicalize(found.element, { inScope: found.inScope }))
    expect(canonical.startsWith('<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">')).toBe(true)
    expect(canonical).toBe(xmllint(serialize({ ...found.element, namespaces: new Map(found.inScope) })))
  })

  it('gives nothing when the apex itself is excluded, and ignores exclude for others', () => {
    const root = parseXml(read(name))
    expect(canonicalize(root, { exclude: () => true })).toEqual(new Uint8Array(0))
    expect(canonicalize(root, { exclude: () => false })).toEqual(canonicalize(root))
  })
})
