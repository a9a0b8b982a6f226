// Readiness (Operations.health): the membership in force must be valid now and, with node.json
// readiness 'peer' (the default), another member must be connected; `reasons` says what is missing.
import { describe, expect, it } from 'vitest'
import type { Membership } from '../protocol/membership/index.ts'
import { NodeFile } from './config.ts'
import type { Readiness } from './config.ts'
import { Operations } from './operations.ts'

const NOW = '2026-06-01T00:00:00Z'

function health(opts: {
  countries: string[]
  connected?: string[]
  readiness?: Readiness
  validFrom?: string
  validUntil?: string
}) {
  const document = {
    version: 3,
    validFrom: opts.validFrom ?? '2026-01-01T00:00:00Z',
    validUntil: opts.validUntil ?? '2027-01-01T00:00:00Z',
    members: opts.countries.map((country) => ({ country })),
  }
  const ops = new Operations({
    country: 'KZ',
    keyId: 'k1',
    store: {} as never,
    membership: () => ({ document }) as unknown as Membership,
    now: () => NOW,
    startedAt: () => NOW,
    connectedMembers: () => opts.connected ?? [],
    logger: () => undefined,
    flush: () => undefined,
    readiness: opts.readiness,
  })
  return ops.health()
}

describe('health', () => {
  it('is ready with a valid membership and a member connected', async () => {
    const h = await health({ countries: ['KZ', 'CN', 'UZ'], connected: ['CN'] })
    expect(h).toMatchObject({ live: true, ready: true, reasons: [], readiness: 'peer', peers: 1, members: 3 })
  })

  it("is not ready with readiness 'peer' (the default) while no member is connected", async () => {
    const h = await health({ countries: ['KZ', 'CN', 'UZ'] })
    expect(h.ready).toBe(false)
    expect(h.reasons).toEqual(["no member connected (0 of 2); readiness is 'peer' in node.json"])
  })

  it("is ready without peers with readiness 'always', and as the only member", async () => {
    expect(await health({ countries: ['KZ', 'CN'], readiness: 'always' })).toMatchObject({
      ready: true,
      reasons: [],
      readiness: 'always',
    })
    expect(await health({ countries: ['KZ'] })).toMatchObject({ ready: true, reasons: [] })
  })

  it('is not ready when the membership has expired or is not valid yet, whatever the readiness', async () => {
    const expired = await health({ countries: ['KZ', 'CN'], connected: ['CN'], validUntil: '2026-05-01T00:00:00Z' })
    expect(expired.ready).toBe(false)
    expect(expired.reasons).toEqual(['membership version 3 expired at 2026-05-01T00:00:00Z'])
    const early = await health({ countries: ['KZ'], readiness: 'always', validFrom: '2026-07-01T00:00:00Z' })
    expect(early.reasons).toEqual(['membership version 3 is not valid before 2026-07-01T00:00:00Z'])
    const both = await health({ countries: ['KZ', 'CN'], validUntil: '2026-05-01T00:00:00Z' })
    expect(both.reasons).toHaveLength(2)
    expect(both.live).toBe(true)
  })
})

describe('node.json readiness', () => {
  const file = { country: 'KZ', keyId: 'k1' }
  it("is optional, and 'peer' or 'always' only", () => {
    expect(NodeFile.parse(file).readiness).toBeUndefined()
    expect(NodeFile.parse({ ...file, readiness: 'always' }).readiness).toBe('always')
    const bad = NodeFile.safeParse({ ...file, readiness: 'sometimes' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.path).toEqual(['readiness'])
  })
})
