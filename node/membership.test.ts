/**
 * MembershipKeeper.adopt: the same version handed over twice (two peers at once) is adopted and
 * logged once; another document under a version number already held is refused, not taken as done.
 */
import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { CAREC_COUNTRY_CODES } from '../protocol/codes/index.ts'
import { membershipHash, signMembership, verifySignedMembership } from '../protocol/membership/index.ts'
import type { SignedMembership } from '../protocol/membership/index.ts'
import { keyIdOf, testKey, testMembershipDocument } from '../protocol/testing/federation.ts'
import { MembershipKeeper } from './membership.ts'
import { MemoryStore } from './storage/index.ts'

const NOW = '2026-11-23T12:00:00Z'
const signedBy = (doc: SignedMembership['document'], countries: readonly string[]): SignedMembership =>
  countries.reduce<SignedMembership>((s, c) => signMembership(s, c, keyIdOf(c), testKey(c)), {
    document: doc,
    signatures: [],
  })
const founding = signedBy(testMembershipDocument(), CAREC_COUNTRY_CODES)
const next = (quorum: number) =>
  signedBy(
    { ...founding.document, version: 2, issuedAt: NOW, previous: membershipHash(founding.document), quorum },
    CAREC_COUNTRY_CODES.slice(0, 6),
  )

async function keeper(): Promise<{ keeper: MembershipKeeper; lines: string[] }> {
  const lines: string[] = []
  const logger = pino({ base: null }, { write: (s: string) => lines.push((JSON.parse(s) as { msg: string }).msg) })
  const store = new MemoryStore()
  await store.open()
  const k = new MembershipKeeper({
    country: 'KZ',
    store,
    initial: verifySignedMembership(founding, NOW),
    signed: founding,
    now: () => NOW,
    adopted: () => undefined,
    logger: () => logger,
    transport: () => undefined,
  })
  await k.load()
  return { keeper: k, lines }
}

describe('adopting a membership version', () => {
  it('the same version from two peers at once: adopted once, logged once', async () => {
    const { keeper: k, lines } = await keeper()
    const v2 = next(6)
    expect(await Promise.all([k.adopt(v2), k.adopt(v2)])).toEqual([2, 2])
    expect(lines.filter((l) => l === 'membership updated')).toHaveLength(1)
  })

  it('another document under a version already held is refused', async () => {
    const { keeper: k } = await keeper()
    expect(await k.adopt(next(6))).toBe(2)
    await expect(k.adopt(next(5))).rejects.toMatchObject({ code: 'MEMBERSHIP_INVALID' })
    expect(k.current.document.quorum).toBe(6)
  })
})
