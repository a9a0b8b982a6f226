/**
 * The pure parts of node/p2p: backoff, the redial loop's bookkeeping, the member directory and
 * its addresses, protocol ids, error mapping and the key file.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { P2PError, toP2PError } from './errors.ts'
import { staticMemberDirectory } from './members.ts'
import { generatePeerKey, peerIdOfKey, readPeerKeyFile, writePeerKeyFile } from './peer-key.ts'
import { DEFAULT_PROTOCOL_IDS, kadProtocolId, requestProtocolId } from './protocols.ts'
import { DEFAULT_BACKOFF, MemberDialer, backoffDelay } from './reconnect.ts'
import { KeyedLimiter, memberMultiaddrs, silentLogger } from './support.ts'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const OTHER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

describe('backoffDelay', () => {
  it('doubles from 0.5 s, stays between half and all of the ceiling, and caps at 30 s', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(250)
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 1)).toBe(500)
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(4_000)
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 1)).toBe(30_000)
    expect(backoffDelay(1_000, DEFAULT_BACKOFF, () => 0)).toBe(15_000)
    for (let attempt = 0; attempt < 12; attempt++) {
      const delay = backoffDelay(attempt, DEFAULT_BACKOFF)
      const ceiling = Math.min(30_000, 500 * 2 ** attempt)
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
      expect(delay).toBeLessThanOrEqual(ceiling)
    }
  })
})

describe('MemberDialer', () => {
  it('retries a failing member with growing delays until it connects, then forgets it', async () => {
    const attempts: number[] = []
    let connected = false
    const dialer = new MemberDialer({
      dial: async () => {
        attempts.push(Date.now())
        if (attempts.length < 3) throw new Error('ECONNREFUSED')
        connected = true
      },
      isConnected: () => connected,
      isMember: () => true,
      policy: { initialDelayMs: 20, maxDelayMs: 80, stableAfterMs: 10_000 },
    })
    dialer.ensure(PEER)
    dialer.ensure(PEER) // a second call while pending changes nothing
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(attempts).toHaveLength(3)
    const [first = 0, second = 0, third = 0] = attempts
    expect(second - first).toBeGreaterThanOrEqual(15) // attempt 1: 20..40 ms
    expect(third - second).toBeGreaterThanOrEqual(35) // attempt 2: 40..80 ms
    expect(dialer.pending()).toEqual([])
    dialer.stop()
  })

  it('keeps backing off from a peer that accepts the dial and hangs up at once', async () => {
    const dials: number[] = []
    let up = false
    const dialer = new MemberDialer({
      dial: async () => {
        dials.push(Date.now())
        up = true
        dialer.connected(PEER)
      },
      isConnected: () => up,
      isMember: () => true,
      policy: { initialDelayMs: 40, maxDelayMs: 1_000, stableAfterMs: 10_000 },
    })
    const hangUp = async (): Promise<void> => {
      const before = dials.length
      while (dials.length === before) await new Promise((resolve) => setTimeout(resolve, 2))
      up = false
      dialer.disconnected(PEER)
    }
    dialer.ensure(PEER)
    for (let i = 0; i < 4; i++) await hangUp()
    dialer.stop()
    const gaps = dials.slice(1).map((at, i) => at - (dials[i] ?? 0))
    // Attempts 1, 2, 3 after flaps: at least half of 80, 160 and 320 ms, not the 20 ms of a fresh loss.
    expect(gaps[0]).toBeGreaterThanOrEqual(38)
    expect(gaps[1]).toBeGreaterThanOrEqual(78)
    expect(gaps[2]).toBeGreaterThanOrEqual(158)
  })

  it('stops dialing a peer that is no longer a member, and everything at stop()', async () => {
    let member = true
    let dials = 0
    const dialer = new MemberDialer({
      dial: async () => {
        dials++
        throw new Error('refused')
      },
      isConnected: () => false,
      isMember: () => member,
      policy: { initialDelayMs: 10, maxDelayMs: 10, stableAfterMs: 10_000 },
    })
    dialer.ensure(PEER)
    await new Promise((resolve) => setTimeout(resolve, 50))
    member = false
    await new Promise((resolve) => setTimeout(resolve, 50))
    const seen = dials
    expect(seen).toBeGreaterThan(0)
    expect(dialer.pending()).toEqual([])
    member = true
    dialer.ensure(OTHER)
    dialer.stop()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(dials).toBe(seen)
  })
})

describe('KeyedLimiter', () => {
  it('lets `limit` holders per key through, queues the rest in order, and drops a waiter whose signal aborts', async () => {
    const limiter = new KeyedLimiter(2)
    const never = new AbortController().signal
    const first = await limiter.acquire('KZ', never)
    const second = await limiter.acquire('KZ', never)
    const other = await limiter.acquire('UZ', never)
    const order: string[] = []
    const third = limiter.acquire('KZ', never).then((release) => {
      order.push('third')
      return release
    })
    const timedOut = limiter.acquire('KZ', AbortSignal.timeout(20)).then(
      () => 'got a slot',
      () => 'aborted',
    )
    const fourth = limiter.acquire('KZ', never).then((release) => {
      order.push('fourth')
      return release
    })
    expect(await timedOut).toBe('aborted')
    first()
    first() // releasing twice frees one slot only
    ;(await third)()
    const releaseFourth = await fourth
    expect(order).toEqual(['third', 'fourth'])
    second()
    releaseFourth()
    other()
    await limiter.acquire('KZ', never) // everything released: a slot is free at once
  })
})

describe('membership', () => {
  it('answers countryOf and refuses a PeerId or a country listed twice', () => {
    const directory = staticMemberDirectory([{ country: 'KZ', peerId: PEER, addresses: ['/ip4/10.0.0.1/tcp/4001'] }])
    expect(directory.countryOf(PEER)).toBe('KZ')
    expect(directory.countryOf(OTHER)).toBeUndefined()
    expect(() =>
      staticMemberDirectory([
        { country: 'KZ', peerId: PEER, addresses: [] },
        { country: 'UZ', peerId: PEER, addresses: [] },
      ]),
    ).toThrow(/twice/)
    expect(() =>
      staticMemberDirectory([
        { country: 'KZ', peerId: PEER, addresses: [] },
        { country: 'KZ', peerId: OTHER, addresses: [] },
      ]),
    ).toThrow(/twice/)
  })

  it('dials the listed addresses, drops a matching /p2p/ and skips bad or foreign ones', () => {
    const addresses = memberMultiaddrs(
      {
        country: 'KZ',
        peerId: PEER,
        addresses: [
          '/ip4/10.0.0.1/tcp/4001',
          `/ip4/10.0.0.2/tcp/4001/p2p/${PEER}`,
          `/ip4/10.0.0.3/tcp/4001/p2p/${OTHER}`,
          'not an address',
        ],
      },
      silentLogger,
    )
    expect(addresses.map(String)).toEqual(['/ip4/10.0.0.1/tcp/4001', '/ip4/10.0.0.2/tcp/4001'])
  })
})

describe('protocol ids and errors', () => {
  it('builds versioned ids under the private prefix and refuses odd names', () => {
    expect(DEFAULT_PROTOCOL_IDS).toEqual({
      kad: '/carec-sis/kad/1.0.0',
      identify: '/carec-sis/id/1.0.0',
      ping: '/carec-sis/ping/1.0.0',
      echo: '/carec-sis/echo/1.0.0',
    })
    expect(requestProtocolId('/test-net', 'replicate')).toBe('/test-net/replicate/1.0.0')
    expect(kadProtocolId('/carec-sis')).toBe('/carec-sis/kad/1.0.0')
    for (const name of ['', 'Echo', '../x', 'a/b', 'x'.repeat(64)])
      expect(() => requestProtocolId('/carec-sis', name)).toThrow(TypeError)
    expect(() => requestProtocolId('carec-sis', 'echo')).toThrow(TypeError)
  })

  it('maps libp2p failures to stable codes', () => {
    const named = (name: string): Error => Object.assign(new Error('x'), { name })
    expect(toP2PError(named('InvalidDataLengthError'), 'c').code).toBe('TOO_LARGE')
    expect(toP2PError(named('UnsupportedProtocolError'), 'c').code).toBe('PROTOCOL')
    expect(toP2PError(named('DialDeniedError'), 'c').code).toBe('UNREACHABLE')
    expect(toP2PError(named('StreamResetError'), 'c', true).code).toBe('TIMEOUT')
    const own = new P2PError('BUSY', 'b', { remote: true })
    expect(toP2PError(own, 'c')).toBe(own)
  })
})

describe('peer key file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carec-p2p-key-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('round-trips with the same PeerId, never overwrites, and refuses a readable file', async () => {
    const key = await generatePeerKey()
    const file = join(dir, 'node.key')
    writePeerKeyFile(file, key)
    expect(peerIdOfKey(readPeerKeyFile(file))).toBe(peerIdOfKey(key))
    expect(() => writePeerKeyFile(file, key)).toThrow(/EEXIST/)
    chmodSync(file, 0o644)
    expect(() => readPeerKeyFile(file)).toThrow(/chmod 600/)
  })
})
