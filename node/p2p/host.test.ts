/**
 * The host in one process: two real libp2p hosts on loopback (nothing mocked), for the
 * request/response paths that are quicker to reach from inside: handler errors, timeouts,
 * limits, busy peers, unknown protocols and a membership that changes under a live connection.
 * The tests share the hosts and run in order; the last one removes KZ from TJ's membership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { P2PError } from './errors.ts'
import { P2PHost } from './host.ts'
import type { Member, MemberDirectory } from './members.ts'
import { generatePeerKey, peerIdOfKey } from './peer-key.ts'
import { eventually } from '../testing/helpers.ts'

/** A directory the test can edit while the hosts run. */
function mutableDirectory(list: Member[]): MemberDirectory & { list: Member[] } {
  return {
    list,
    countryOf(peerId) {
      return this.list.find((m) => m.peerId === peerId)?.country
    },
    members() {
      return this.list.map((m) => ({ ...m }))
    },
  }
}

async function failure(promise: Promise<unknown>): Promise<P2PError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof P2PError)) throw new Error(`expected a P2PError, got ${String(error)}`)
  return error
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

describe('P2PHost in process', () => {
  let kz: P2PHost
  let tj: P2PHost
  let kzView: ReturnType<typeof mutableDirectory>
  let tjView: ReturnType<typeof mutableDirectory>
  let release: () => void = () => undefined
  const events: string[] = []

  beforeAll(async () => {
    const [kzKey, tjKey] = await Promise.all([generatePeerKey(), generatePeerKey()])
    const members = (): Member[] => [
      { country: 'KZ', peerId: peerIdOfKey(kzKey), addresses: [] },
      { country: 'TJ', peerId: peerIdOfKey(tjKey), addresses: [] },
    ]
    kzView = mutableDirectory(members())
    tjView = mutableDirectory(members())
    const reconnect = { initialDelayMs: 50, maxDelayMs: 200 }
    kz = await P2PHost.create({ privateKey: kzKey, listen: ['/ip4/127.0.0.1/tcp/0'], members: kzView, reconnect })
    tj = await P2PHost.create({ privateKey: tjKey, listen: ['/ip4/127.0.0.1/tcp/0'], members: tjView, reconnect })
    kz.onMemberConnected((country) => events.push(`kz+${country}`))
    kz.onMemberDisconnected((country) => events.push(`kz-${country}`))
    tj.onPeerDenied((peerId, direction) =>
      events.push(`tj denied ${peerId === kz.peerId ? 'KZ' : peerId} ${direction}`),
    )
    const blocked = new Promise<void>((resolve) => {
      release = resolve
    })
    await tj.handle('echo', async (request) => request)
    await tj.handle('fail', async () => {
      throw new Error('disk /secret/path is full')
    })
    await tj.handle('refuse', async () => {
      throw new P2PError('TOO_LARGE', 'entry over the business limit')
    })
    await tj.handle(
      'slow',
      async (_request, _from, { signal }) => {
        await Promise.race([sleep(5_000), new Promise((resolve) => signal.addEventListener('abort', resolve))])
        return []
      },
      { timeoutMs: 300 },
    )
    await tj.handle(
      'blocked',
      async () => {
        await blocked
        return []
      },
      { maxInboundStreams: 2 },
    )
    await tj.handle('grow', async () => [new Uint8Array(5_000)])
    await tj.handle('tiny', async (request) => request, { maxFrameBytes: 1024, maxFrames: 2 })
    await tj.handle('who', async (_request, from) => [new TextEncoder().encode(`${from.country} ${from.peerId}`)])
    await Promise.all([kz.start(), tj.start()])
    // TJ listens on a port picked at start: tell KZ, which then dials it.
    kzView.list = kzView.list.map((m) => (m.country === 'TJ' ? { ...m, addresses: tj.addresses() } : m))
    await kz.syncMembers()
  })

  afterAll(async () => {
    release()
    await Promise.all([kz.stop(), tj.stop()])
  })

  it('connects the members and reports it on both sides', async () => {
    await eventually(
      'KZ and TJ connected',
      () => (kz.connectedMembers().includes('TJ') && tj.connectedMembers().includes('KZ')) || undefined,
      5_000,
      25,
    )
    expect(events).toContain('kz+TJ')
    expect(kz.addresses().every((a) => a.endsWith(`/p2p/${kz.peerId}`))).toBe(true)
  })

  it('carries many frames, empty ones and none, in order, and tells the handler who asks', async () => {
    const many = Array.from({ length: 500 }, (_, i) => bytes(i % 7 === 0 ? 0 : i, i))
    expect(await kz.request('TJ', 'echo', many)).toEqual(many)
    expect(await kz.request('TJ', 'echo', [])).toEqual([])
    const [who] = await kz.request('TJ', 'who', [])
    expect(new TextDecoder().decode(who)).toBe(`KZ ${kz.peerId}`)
  })

  it('carries a frame of exactly the default limit (16 MiB) both ways', async () => {
    const frame = bytes(16 * 1024 * 1024, 7)
    const [back] = await kz.request('TJ', 'echo', [frame], { timeoutMs: 20_000 })
    expect(back?.byteLength).toBe(frame.byteLength)
    expect(Buffer.compare(back ?? new Uint8Array(0), frame)).toBe(0)
  })

  it('turns handler failures into REMOTE_ERROR without leaking their text; a P2PError keeps its code', async () => {
    const failed = await failure(kz.request('TJ', 'fail', []))
    expect(failed).toMatchObject({ code: 'REMOTE_ERROR', remote: true })
    expect(failed.message).not.toContain('/secret/path')
    expect(await failure(kz.request('TJ', 'refuse', []))).toMatchObject({ code: 'TOO_LARGE', remote: true })
  })

  it('refuses unknown protocols, unknown countries and malformed names', async () => {
    expect(await failure(kz.request('TJ', 'nothing-here', []))).toMatchObject({ code: 'PROTOCOL' })
    expect(await failure(kz.request('XX', 'echo', []))).toMatchObject({ code: 'NOT_MEMBER', remote: false })
    await expect(kz.request('TJ', '../echo', [])).rejects.toThrow(TypeError)
  })

  it('times out on the caller side and on the serving side', async () => {
    expect(await failure(kz.request('TJ', 'slow', [], { timeoutMs: 100 }))).toMatchObject({
      code: 'TIMEOUT',
      remote: false,
    })
    expect(await failure(kz.request('TJ', 'slow', [], { timeoutMs: 3_000 }))).toMatchObject({
      code: 'TIMEOUT',
      remote: true,
    })
  })

  it('enforces the limits: locally before sending, on the answer, and remotely', async () => {
    const overDefault = await failure(kz.request('TJ', 'echo', [new Uint8Array(16 * 1024 * 1024 + 1)]))
    expect(overDefault).toMatchObject({ code: 'TOO_LARGE', remote: false })
    expect(await failure(kz.request('TJ', 'grow', [], { maxFrameBytes: 1_000 }))).toMatchObject({
      code: 'TOO_LARGE',
      remote: false,
    })
    // 8 MiB to a handler taking 1 KiB frames: refused from the length prefix; the caller stops uploading.
    expect(await failure(kz.request('TJ', 'tiny', [new Uint8Array(8 * 1024 * 1024)]))).toMatchObject({
      code: 'TOO_LARGE',
      remote: true,
    })
    expect(await failure(kz.request('TJ', 'tiny', [bytes(1), bytes(2), bytes(3)]))).toMatchObject({
      code: 'TOO_LARGE',
      remote: true,
    })
    expect(await kz.request('TJ', 'tiny', [bytes(1024)])).toEqual([bytes(1024)])
  })

  it('queues a burst of requests to one member instead of tripping its per-peer limit', async () => {
    const burst = Array.from({ length: 40 }, (_, i) => kz.request('TJ', 'echo', [bytes(100, i)]))
    expect(await Promise.all(burst)).toEqual(Array.from({ length: 40 }, (_, i) => [bytes(100, i)]))
  })

  it('answers BUSY beyond the per-peer concurrency limit and serves the rest', async () => {
    const running = [kz.request('TJ', 'blocked', []), kz.request('TJ', 'blocked', [])]
    await sleep(200)
    expect(await failure(kz.request('TJ', 'blocked', []))).toMatchObject({ code: 'BUSY', remote: true })
    release()
    expect(await Promise.all(running)).toEqual([[], []])
  })

  it('re-checks membership in the handler, and hangs up on a removed member at syncMembers', async () => {
    tjView.list = tjView.list.filter((m) => m.country !== 'KZ')
    // The connection from before the change is still open: the handler's own check refuses.
    expect(await failure(kz.request('TJ', 'echo', [bytes(10)]))).toMatchObject({ code: 'NOT_MEMBER', remote: true })
    await tj.syncMembers()
    await eventually('KZ to drop TJ', () => !kz.connectedMembers().includes('TJ') || undefined, 5_000, 25)
    expect(events).toContain('kz-TJ')
    // KZ keeps redialing (it still lists TJ); TJ's gate turns every attempt away after Noise.
    await eventually('TJ to deny KZ', () => events.includes('tj denied KZ inbound') || undefined, 5_000, 25)
    expect(tj.connectedPeers()).not.toContain(kz.peerId)
  })
})
