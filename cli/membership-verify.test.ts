/**
 * `sis message verify` and `sis log verify` take the signed membership file that
 * `sis federation create|sign` write and every node keeps ({document, signatures}), check its
 * signatures and the version chain, and judge each message or entry by the version of its time.
 * Real processes: a federation of two made with sis init and sis federation; the auditor's bundle
 * is the test federation's lifecycle, its membership signed with the library.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage } from '../protocol/messages/index.ts'
import { membershipHash, signMembership } from '../protocol/membership/index.ts'
import type { MembershipDocument, SignedMembership } from '../protocol/membership/index.ts'
import { CAREC_COUNTRY_CODES } from '../protocol/codes/index.ts'
import { keyIdOf, testKey, testMembershipDocument } from '../protocol/testing/federation.ts'
import { transitLifecycle } from '../protocol/testing/scenario.ts'
import { sisProcess } from './cli.testkit.ts'
import type { SisRun } from './cli.testkit.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-membership-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sis = sisProcess({ timeoutMs: 30_000 })
const at = (path: string) => join(dir, path)

function ok(r: SisRun): SisRun {
  expect(r.status, r.stdout + r.stderr).toBe(0)
  return r
}

/** The first error of a --json run that failed with exit 1. */
function refusal(r: SisRun): { code: string; message: string; details?: Record<string, unknown> } {
  expect(r.status, r.stdout + r.stderr).toBe(1)
  return (JSON.parse(r.stdout) as { errors: { code: string; message: string; details?: Record<string, unknown> }[] })
    .errors[0]!
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 2) + '\n')
const second = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

/** A DeclarationLodged by CN with `keyId`, claimed at `time`, signed with the CN node's key. */
function signedDeclaration(name: string, keyId: string, time: string): string {
  const m = exampleMessage('DeclarationLodged')
  m.Header = { ...m.Header, authorCountry: 'CN', authorKeyId: keyId, preparationDateAndTime: time }
  writeFileSync(at(`${name}.xml`), encodeMessage('DeclarationLodged', m))
  ok(sis('message', 'sign', '--key', at('cn/signing.pem'), at(`${name}.xml`), '--out', at(`${name}.signed.xml`)))
  return at(`${name}.signed.xml`)
}

describe("sis message verify with the federation's membership.json", () => {
  const membership = at('membership.json')
  let cnKey: { keyId: string; validFrom: string }
  let early: string
  beforeAll(() => {
    const cards = ['CN', 'KZ'].map((c, i) => {
      ok(
        sis(
          'init',
          '--country',
          c,
          '--data',
          at(c.toLowerCase()),
          '--listen',
          `/ip4/127.0.0.1/tcp/${24_101 + i}`,
          '--api-port',
          String(24_201 + i),
          '--card',
          at(`${c}.card.json`),
        ),
      )
      return at(`${c}.card.json`)
    })
    cnKey = readJson<{ keys: { keyId: string; validFrom: string }[] }>(cards[0]!).keys[0]!
    ok(sis('federation', 'create', '--card', ...cards, '--out', membership))
    ok(sis('federation', 'sign', membership, '--data', at('cn')))
    writeFileSync(at('cn-only.json'), readFileSync(membership))
    ok(sis('federation', 'sign', membership, '--data', at('kz')))
    // Claimed at the key's first second, so that a revocation from now on comes after it.
    early = signedDeclaration('early', cnKey.keyId, cnKey.validFrom)
  }, 60_000)

  it('takes the signed file as written by sis federation create and sign', () => {
    const r = ok(sis('message', 'verify', '--membership', membership, early))
    expect(r.stdout).toContain(`OK DeclarationLodged signed by CN key ${cnKey.keyId}`)
    expect(JSON.parse(ok(sis('message', 'verify', '--membership', membership, '--json', early)).stdout)).toMatchObject({
      ok: true,
      membershipVersions: [1],
    })
  })

  it('refuses a founding file a founder has not signed, or whose signature was changed, naming the member', () => {
    const unsigned = refusal(sis('message', 'verify', '--membership', at('cn-only.json'), '--json', early))
    expect(unsigned).toMatchObject({ code: 'MEMBERSHIP_INVALID', details: { missing: 'KZ' } })
    expect(unsigned.message).toContain('missing: KZ')
    const signed = readJson<SignedMembership>(membership)
    const tampered = signed.signatures.map((s) =>
      s.country === 'KZ'
        ? {
            ...s,
            signature: Buffer.from(Buffer.from(s.signature, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString(
              'base64',
            ),
          }
        : s,
    )
    writeJson(at('tampered.json'), { ...signed, signatures: tampered })
    const human = sis('message', 'verify', '--membership', at('tampered.json'), early)
    expect(human.status).toBe(1)
    expect(human.stderr).toMatch(/error MEMBERSHIP_INVALID: .*missing: KZ.*tampered\.json/)
    expect(refusal(sis('message', 'verify', '--membership', at('tampered.json'), '--json', early))).toMatchObject({
      code: 'MEMBERSHIP_INVALID',
      details: { missing: 'KZ' },
    })
    writeJson(at('changed.json'), { ...signed, document: { ...signed.document, quorum: 1 } })
    expect(refusal(sis('message', 'verify', '--membership', at('changed.json'), '--json', early))).toMatchObject({
      code: 'MEMBERSHIP_INVALID',
      details: { missing: 'CN,KZ' },
    })
  })

  it('follows the version chain: a key revoked in version 2 signs nothing after its revocation, and earlier messages still verify', async () => {
    while (second(Date.now()) <= cnKey.validFrom) await new Promise((r) => setTimeout(r, 100))
    const v2 = at('v2.json')
    ok(sis('federation', 'propose', '--from', membership, '--revoke', `CN/${cnKey.keyId}`, '--out', v2))
    ok(sis('federation', 'sign', v2, '--data', at('cn')))
    writeFileSync(at('v2-cn-only.json'), readFileSync(v2))
    ok(sis('federation', 'sign', v2, '--data', at('kz')))
    const revokedAt = readJson<SignedMembership>(v2).document.members.find((m) => m.country === 'CN')!.keys[0]!
      .revokedAt!
    const late = signedDeclaration('late', cnKey.keyId, revokedAt)

    // Version 1 alone does not know of the revocation; with version 2 (in either order) it counts.
    ok(sis('message', 'verify', '--membership', membership, late))
    expect(
      refusal(sis('message', 'verify', '--membership', membership, '--membership', v2, '--json', late)),
    ).toMatchObject({ code: 'SIG_UNKNOWN_KEY', details: { reason: 'revoked' } })
    expect(refusal(sis('message', 'verify', '--membership', v2, '--membership', membership, '--json', late)).code).toBe(
      'SIG_UNKNOWN_KEY',
    )
    expect(
      JSON.parse(ok(sis('message', 'verify', '--membership', membership, '--membership', v2, '--json', early)).stdout),
    ).toMatchObject({ ok: true, membershipVersions: [1, 2] })

    // Version 2 under its quorum (2 of 2), alone, or after a bare document: refused, with the reason.
    expect(
      refusal(
        sis('message', 'verify', '--membership', membership, '--membership', at('v2-cn-only.json'), '--json', early),
      ),
    ).toMatchObject({ code: 'MEMBERSHIP_INVALID', details: { signers: 1, quorum: 2 } })
    expect(refusal(sis('message', 'verify', '--membership', v2, '--json', early)).message).toContain(
      'only a founding version 1',
    )
    writeJson(at('bare.json'), readJson<SignedMembership>(membership).document)
    expect(
      refusal(sis('message', 'verify', '--membership', at('bare.json'), '--membership', v2, '--json', early)).message,
    ).toContain('bare membership document')
  }, 60_000)
})

describe('sis log verify with signed membership versions', () => {
  const { e } = transitLifecycle()
  const bundle = at('bundle')
  mkdirSync(bundle)
  Object.values(e).forEach((w, i) => writeFileSync(join(bundle, `${i}.xml`), w.bytes))
  const signedBy = (document: MembershipDocument, countries: readonly string[]): SignedMembership =>
    countries.reduce<SignedMembership>((s, c) => signMembership(s, c, keyIdOf(c), testKey(c)), {
      document,
      signatures: [],
    })
  const v1 = signedBy(testMembershipDocument(), CAREC_COUNTRY_CODES)
  writeJson(at('log-v1.json'), v1)
  // Version 2 revokes CN's key after the control results, before CN writes the transit off.
  const revokedAt = '2026-11-26T12:30:00Z'
  const v2doc: MembershipDocument = {
    ...v1.document,
    version: 2,
    issuedAt: revokedAt,
    previous: membershipHash(v1.document),
    members: v1.document.members.map((m) =>
      m.country === 'CN' ? { ...m, keys: m.keys.map((k) => ({ ...k, revokedAt })) } : m,
    ),
  }
  writeJson(at('log-v2.json'), signedBy(v2doc, CAREC_COUNTRY_CODES.slice(0, 6)))

  it('recomputes the state with the signed founding file', () => {
    const r = ok(sis('log', 'verify', bundle, '--membership', at('log-v1.json')))
    expect(r.stdout).toMatch(/status\s+written-off/)
  })

  it('judges each entry by the version of its time: the write-off signed after the revocation is refused, the rest stands', () => {
    const r = sis(
      'log',
      'verify',
      bundle,
      '--membership',
      at('log-v1.json'),
      '--membership',
      at('log-v2.json'),
      '--json',
    )
    expect(r.status, r.stderr).toBe(1)
    const report = JSON.parse(r.stdout) as {
      membershipVersions: number[]
      refused: { code: string }[]
      documents: { state: { status: string; entries: unknown[] } }[]
    }
    expect(report.membershipVersions).toEqual([1, 2])
    expect(report.refused).toEqual([expect.objectContaining({ code: 'SIG_UNKNOWN_KEY' })])
    expect(report.documents[0]!.state.entries).toHaveLength(Object.keys(e).length - 1)
    expect(report.documents[0]!.state.status).not.toBe('written-off')
  })

  it('refuses a tampered signature and a version that does not name the hash of the one before', () => {
    const tampered = {
      ...v1,
      signatures: v1.signatures.map((s) => (s.country === 'UZ' ? { ...s, signature: v1.signatures[0]!.signature } : s)),
    }
    writeJson(at('log-tampered.json'), tampered)
    expect(refusal(sis('log', 'verify', bundle, '--membership', at('log-tampered.json'), '--json'))).toMatchObject({
      code: 'MEMBERSHIP_INVALID',
      details: { missing: 'UZ' },
    })
    writeJson(at('log-v2-unchained.json'), signedBy({ ...v2doc, previous: '0'.repeat(64) }, CAREC_COUNTRY_CODES))
    const unchained = refusal(
      sis(
        'log',
        'verify',
        bundle,
        '--membership',
        at('log-v1.json'),
        '--membership',
        at('log-v2-unchained.json'),
        '--json',
      ),
    )
    expect(unchained.code).toBe('MEMBERSHIP_INVALID')
    expect(unchained.message).toContain('does not name the hash of version 1')
  })
})
