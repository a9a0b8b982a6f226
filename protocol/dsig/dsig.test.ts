/**
 * The signature profile against the XML signature attack catalogue (THREATS 8-11): wrapping in
 * all its forms, comment injection, removal, algorithm substitution, embedded keys, malleability.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { signXml, verifyXml, ALGORITHMS } from './index.ts'
import { decodeBase64Strict } from './profile.ts'
import { encodeMessage, exampleMessage, validateElement } from '../messages/index.ts'
import { L } from '../crypto/curve.ts'
import { testKey } from '../testing/federation.ts'
import { Xmllint } from '../testing/xmllint.ts'

const xmllint = new Xmllint()
afterAll(() => xmllint[Symbol.dispose]())

const key = testKey('CN')
const pinned = () => key.publicKey
const message = exampleMessage('DeclarationLodged')
const unsigned = encodeMessage('DeclarationLodged', message)
const signed = new TextDecoder().decode(signXml(unsigned, key))
const bytes = (s: string) => new TextEncoder().encode(s)

function refused(xml: string, code: string, reason?: string) {
  let error: unknown
  try {
    verifyXml(bytes(xml), pinned)
  } catch (e) {
    error = e
  }
  expect(error, 'expected a refusal').toMatchObject({ code, ...(reason === undefined ? {} : { details: { reason } }) })
}

describe('a signed message', () => {
  it('verifies, and the caller reads the message from the verified tree', () => {
    const v = verifyXml(bytes(signed), pinned)
    const result = validateElement(v.root)
    expect(result.ok && result.message.message).toEqual(message)
  })

  it('is valid under xmllint with the message XSD and the signature profile XSD', () => {
    const lint = xmllint.validate('DeclarationLodged', signed)
    expect(lint.stderr).toContain('validates')
  })

  it('signs exactly the document: the digest input equals xmllint --exc-c14n of the unsigned document', async () => {
    const { canonicalize, parseXml } = await import('../xml/index.ts')
    expect(Buffer.from(canonicalize(parseXml(unsigned))).equals(xmllint.excC14n(unsigned))).toBe(true)
  })
})

describe('the digest input', () => {
  it('cutting the signature out of the canonical document equals canonicalizing without it', async () => {
    const { canonicalize, parseXml } = await import('../xml/index.ts')
    const { signatureParts } = await import('./index.ts')
    for (const type of ['DeclarationLodged', 'BorderPassageRecorded', 'GuaranteeRegistered'] as const) {
      const bytes = signXml(encodeMessage(type, exampleMessage(type)), key)
      const root = parseXml(bytes)
      const parts = signatureParts(root)
      const own = Buffer.from(
        canonicalize(parts.signature, { inScope: new Map([...root.namespaces, ...parts.signature.namespaces]) }),
      )
      const whole = Buffer.from(canonicalize(root))
      const at = whole.lastIndexOf(own)
      expect(at).toBeGreaterThan(0)
      const cut = Buffer.concat([whole.subarray(0, at), whole.subarray(at + own.length)])
      expect(cut.equals(Buffer.from(canonicalize(root, { exclude: (e) => e === parts.signature })))).toBe(true)
    }
  })
})

describe('the canonical SignedInfo', () => {
  it("is the signer's template: the template is already canonical", async () => {
    const { canonicalize, parseXml } = await import('../xml/index.ts')
    const { signedInfoXml } = await import('./profile.ts')
    const template = signedInfoXml(Buffer.alloc(32, 7).toString('base64'))
    expect(new TextDecoder().decode(canonicalize(parseXml(template)))).toBe(template)
  })

  it('of another spelling is computed, not assumed: a renamed prefix or white space in it breaks the signature', () => {
    // Both re-spellings are canonical documents with the right digest; only SignedInfo's
    // canonical form differs from what was signed.
    const renamed = signed.replaceAll('ds:', 'sig:').replace('xmlns:ds=', 'xmlns:sig=')
    expect(renamed).toContain('<sig:SignedInfo>')
    refused(renamed, 'SIG_INVALID')
    refused(signed.replace('<ds:SignedInfo>', '<ds:SignedInfo> '), 'SIG_INVALID')
  })
})

describe('one byte sequence per signed content (S5)', () => {
  it('re-spellings that canonicalize the same are refused, so nobody can mint a second id for an entry', () => {
    refused(signed + '\n', 'SIG_MALFORMED', 'not-canonical')
    refused('<?xml version="1.0" encoding="UTF-8"?>' + signed, 'SIG_MALFORMED', 'not-canonical')
    refused(signed.replace('<ds:Reference URI="">', "<ds:Reference URI=''>"), 'SIG_MALFORMED', 'not-canonical')
    refused(signed.replace('<Header>', '<Header >'), 'SIG_MALFORMED', 'not-canonical')
    // A BOM is dropped by the decoder, so the text equals the canonical form but the bytes do not.
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(signed)])
    expect(() => verifyXml(withBom, pinned)).toThrow(
      expect.objectContaining({ code: 'SIG_MALFORMED', details: { reason: 'not-canonical' } }),
    )
  })

  it('white space directly inside ds:Signature, signed by nothing and still canonical, is refused', () => {
    // Neither the digest (the signature is cut out) nor SignedInfo covers this text, and a space
    // or a CR written as &#xD; is its own canonical form: only the profile can refuse it.
    for (const ws of [' ', '\n', '&#xD;']) {
      refused(signed.replace(/(<ds:Signature [^>]*>)/, `$1${ws}`), 'SIG_MALFORMED', 'text')
      refused(signed.replace('</ds:SignedInfo>', `</ds:SignedInfo>${ws}`), 'SIG_MALFORMED', 'text')
      refused(signed.replace('</ds:Signature>', `${ws}</ds:Signature>`), 'SIG_MALFORMED', 'text')
    }
  })

  it('a re-spelling with the ds prefix declared on the root still digests the same content, and is refused as not canonical', () => {
    // The canonical form moves the declaration back onto ds:Signature: the digest matches, the
    // signature verifies, and only S5 refuses (the digest is taken from the canonical form).
    const moved = signed.replace(
      '<DeclarationLodged xmlns="urn:carec:sis:message:1">',
      '<DeclarationLodged xmlns="urn:carec:sis:message:1" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
    )
    expect(moved).not.toBe(signed)
    refused(moved, 'SIG_MALFORMED', 'not-canonical')
  })
})

describe('signature wrapping cannot work (THREATS 9)', () => {
  const sigStart = signed.indexOf('<ds:Signature')
  const sigEnd = signed.indexOf('</ds:Signature>') + '</ds:Signature>'.length
  const signature = signed.slice(sigStart, sigEnd)
  const withoutSig = signed.slice(0, sigStart) + signed.slice(sigEnd)

  it('the signature moved to another place is refused', () => {
    refused(withoutSig.replace('<Header>', `${signature}<Header>`), 'SIG_MALFORMED', 'position')
    refused(withoutSig.replace('</Consignment>', `${signature}</Consignment>`), 'SIG_MALFORMED', 'position')
  })

  it('a duplicated signature is refused', () => {
    refused(signed.replace('</DeclarationLodged>', `${signature}</DeclarationLodged>`), 'SIG_MALFORMED', 'count')
  })

  it('the signed document wrapped in another root is refused', () => {
    const inner = signed.replace(/^<\?xml[^>]*>\n/, '')
    refused(
      `<DeclarationLodged xmlns="urn:carec:sis:message:1"><Evil>${inner}</Evil></DeclarationLodged>`,
      'SIG_MALFORMED',
      'position',
    )
  })

  it('an evil copy before or after the signed content breaks the digest', () => {
    refused(
      signed.replace('<Header>', '<Header><messageIdentification>evil</messageIdentification>'),
      'SIG_DIGEST_MISMATCH',
    )
    refused(signed.replace('</Consignment>', '</Consignment><Consignment/>'), 'SIG_DIGEST_MISMATCH')
  })

  it('content hidden in ds:Object, a second SignedInfo, or a KeyInfo with an embedded key is refused', () => {
    refused(
      signed.replace('</ds:SignatureValue>', '</ds:SignatureValue><ds:Object><Header/></ds:Object>'),
      'SIG_MALFORMED',
      'structure',
    )
    const si = signature.slice(
      signature.indexOf('<ds:SignedInfo>'),
      signature.indexOf('</ds:SignedInfo>') + '</ds:SignedInfo>'.length,
    )
    refused(signed.replace('</ds:SignedInfo>', `</ds:SignedInfo>${si}`), 'SIG_MALFORMED', 'structure')
    refused(
      signed.replace(
        '</ds:SignatureValue>',
        '</ds:SignatureValue><ds:KeyInfo><ds:KeyValue>AAAA</ds:KeyValue></ds:KeyInfo>',
      ),
      'SIG_MALFORMED',
      'structure',
    )
  })

  it('a reference to anything but the whole document, or an extra transform, is refused', () => {
    refused(signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#body">'), 'SIG_MALFORMED', 'reference')
    refused(
      signed.replace(
        '</ds:Transforms>',
        `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"></ds:Transform></ds:Transforms>`,
      ),
      'SIG_MALFORMED',
      'structure',
    )
    refused(signed.replace('<ds:Reference URI="">', '<ds:Reference URI="" Id="r1">'), 'SIG_MALFORMED', 'attribute')
  })
})

describe('comments, removal, substitution, keys (THREATS 8, 10, 11)', () => {
  it('a comment injected in a signed value, or in the DigestValue, is refused', () => {
    refused(signed.replace(/<GRN>(\w{8})/, '<GRN>$1<!---->'), 'SIG_MALFORMED', 'comment')
    refused(signed.replace('<ds:DigestValue>', '<ds:DigestValue><!-- x -->'), 'SIG_MALFORMED', 'comment')
  })

  it('a removed signature is SIG_MISSING', () => {
    refused(unsigned, 'SIG_MISSING')
  })

  it('a substituted algorithm is SIG_ALGORITHM', () => {
    refused(signed.replace(ALGORITHMS.signature, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'), 'SIG_ALGORITHM')
    refused(signed.replace(ALGORITHMS.digest, 'http://www.w3.org/2000/09/xmldsig#sha1'), 'SIG_ALGORITHM')
    refused(
      signed.replace(
        `<ds:CanonicalizationMethod Algorithm="${ALGORITHMS.canonicalization}">`,
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">',
      ),
      'SIG_ALGORITHM',
    )
  })

  it('another key than the pinned one does not verify', () => {
    let error: unknown
    try {
      verifyXml(bytes(signed), () => testKey('KZ').publicKey)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'SIG_INVALID' })
  })

  it('a malleated signature (S + L) is refused by strict verification', () => {
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!
    const sig = Buffer.from(value, 'base64')
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!)
    s += L
    for (let i = 0; i < 32; i++) {
      sig[32 + i] = Number(s & 0xffn)
      s >>= 8n
    }
    refused(signed.replace(value, sig.toString('base64')), 'SIG_INVALID')
  })

  it('non-canonical base64 in SignatureValue is refused', () => {
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!
    refused(signed.replace(value, value.slice(0, 40) + '\n' + value.slice(40)), 'SIG_MALFORMED', 'signature-value')
  })

  it('strict base64 takes only the one canonical spelling of the right length', () => {
    const bytes32 = Buffer.alloc(32, 0xfb)
    const good = bytes32.toString('base64')
    expect(decodeBase64Strict(good, 32)).toEqual(new Uint8Array(bytes32))
    const spellings = [
      good.replace(/\+/g, '-').replace(/\//g, '_'), // the URL alphabet
      good.replace(/=$/, ''), // padding left out
      `${good.slice(0, 20)} ${good.slice(20)}`, // white space
      `${good.slice(0, 20)}\n${good.slice(20)}`,
      `${good.slice(0, 20)}*${good.slice(20)}`, // a foreign character
      `${good.slice(0, 42)}${String.fromCharCode(good.charCodeAt(42) + 1)}=`, // padding bits set
      `${good}AAAA`, // too long
    ]
    for (const s of spellings) {
      expect(s).not.toBe(good)
      expect(decodeBase64Strict(s, 32), s).toBeUndefined()
    }
    expect(decodeBase64Strict(good, 31)).toBeUndefined()
  })

  it('a signature made for one document never verifies another (THREATS 11)', () => {
    const other = exampleMessage('DeclarationLodged')
    other.Consignment.grossMass = '12480.6'
    const otherXml = encodeMessage('DeclarationLodged', other)
    const transplanted = otherXml.replace(
      '</DeclarationLodged>',
      signed.slice(signed.indexOf('<ds:Signature'), signed.indexOf('</ds:Signature>') + 15) + '</DeclarationLodged>',
    )
    refused(transplanted, 'SIG_DIGEST_MISMATCH')
  })
})
