/**
 * The host across real processes on loopback: two members (KZ, UZ) and a stranger, each a
 * separate Node process running peer-process.ts, talking over TCP + Noise + yamux. Nothing of
 * libp2p is mocked. The tests share the processes and run in order; the last one kills KZ.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Member } from './members.ts'
import { PeerProcess, killAll, makeKeyFile, writeMembersFile } from './testing/peers.ts'
import { freePort } from '../testing/helpers.ts'
import type { PeerLine } from './testing/peers.ts'

type Peer = Awaited<ReturnType<typeof PeerProcess.start>>

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const connected =
  (country: string) =>
  (status: PeerLine): boolean =>
    (status.connectedMembers as string[]).includes(country)

describe('P2PHost between processes', () => {
  let dir: string
  let kz: Peer
  let uz: Peer
  let kzKey: string
  let kzPort: number
  let members: Member[]
  let stranger: { keyFile: string; peerId: string }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'carec-p2p-'))
    const [kzKeys, uzKeys] = await Promise.all([makeKeyFile(dir, 'kz'), makeKeyFile(dir, 'uz')])
    stranger = await makeKeyFile(dir, 'stranger')
    kzKey = kzKeys.keyFile
    kzPort = await freePort()
    const uzPort = await freePort()
    members = [
      { country: 'KZ', peerId: kzKeys.peerId, addresses: [`/ip4/127.0.0.1/tcp/${kzPort}`] },
      { country: 'UZ', peerId: uzKeys.peerId, addresses: [`/ip4/127.0.0.1/tcp/${uzPort}`] },
    ]
    const membersFile = writeMembersFile(dir, 'federation', members)
    ;[kz, uz] = await Promise.all([
      PeerProcess.start({ keyFile: kzKeys.keyFile, membersFile, listen: `/ip4/127.0.0.1/tcp/${kzPort}` }),
      PeerProcess.start({ keyFile: uzKeys.keyFile, membersFile, listen: `/ip4/127.0.0.1/tcp/${uzPort}` }),
    ])
  })

  afterAll(async () => {
    await killAll()
    rmSync(dir, { recursive: true, force: true })
  })

  it('connects two members, which echo each other byte for byte (a 1 MB frame included)', async () => {
    await kz.waitForStatus(connected('UZ'))
    await uz.waitForStatus(connected('KZ'))
    const frames = [
      new Uint8Array(0),
      Uint8Array.from({ length: 256 }, (_, i) => i),
      randomBytes(1024 * 1024),
      randomBytes(7),
    ]
    for (const [from, to] of [
      [kz, 'UZ'],
      [uz, 'KZ'],
    ] as const) {
      const answer = await from.command({ cmd: 'request', country: to, name: 'echo', frames: frames.map(b64) })
      expect(answer.ok, JSON.stringify(answer).slice(0, 500)).toBe(true)
      expect(answer.frames).toEqual(frames.map(b64))
    }
  })

  it('keeps a non-member out: its requests fail and no member holds a connection to it', async () => {
    const membersFile = writeMembersFile(dir, 'stranger', members)
    const outsider = await PeerProcess.start({ keyFile: stranger.keyFile, membersFile })
    const answer = await outsider.command({
      cmd: 'request',
      country: 'KZ',
      name: 'echo',
      frames: [b64(randomBytes(16))],
      timeoutMs: 3_000,
    })
    expect(answer.ok).toBe(false)
    expect(['NOT_MEMBER', 'UNREACHABLE']).toContain(answer.code)
    // KZ saw the stranger knock (after Noise proved its PeerId) and turned it away.
    await kz.waitFor(
      (line) => line.event === 'denied' && line.peerId === stranger.peerId && line.direction === 'inbound',
    )
    const status = await kz.command({ cmd: 'status' })
    expect(status.connectedPeers).not.toContain(stranger.peerId)
    expect(status.connectedMembers).toEqual(['UZ'])
    expect((await uz.command({ cmd: 'status' })).connectedPeers).not.toContain(stranger.peerId)
    await outsider.kill()
  })

  it('refuses an oversized frame with TOO_LARGE and keeps serving', async () => {
    const big = await kz.command({
      cmd: 'request',
      country: 'UZ',
      name: 'echo-limited',
      frames: [b64(randomBytes(100 * 1024))],
    })
    expect(big).toMatchObject({ ok: false, code: 'TOO_LARGE', remote: true })
    const small = randomBytes(1000)
    const again = await kz.command({ cmd: 'request', country: 'UZ', name: 'echo-limited', frames: [b64(small)] })
    expect(again).toMatchObject({ ok: true, frames: [b64(small)] })
    expect((await uz.command({ cmd: 'status' })).connectedMembers).toEqual(['KZ'])
  })

  it('reconnects a member killed with SIGKILL and restarted on the same port', async () => {
    await kz.kill('SIGKILL')
    await uz.waitFor((line) => line.event === 'disconnected' && line.country === 'KZ')
    // The restarted KZ knows UZ but no address of it: it cannot dial, so UZ must be the one that reconnects.
    const acceptOnly = members.map((m) => (m.country === 'UZ' ? { ...m, addresses: [] } : m))
    const membersFile = writeMembersFile(dir, 'kz-restart', acceptOnly)
    const restartedAt = Date.now()
    kz = await PeerProcess.start({ keyFile: kzKey, membersFile, listen: `/ip4/127.0.0.1/tcp/${kzPort}` })
    await uz.waitForStatus(connected('KZ'), 10_000)
    expect(Date.now() - restartedAt).toBeLessThan(10_000)
    await kz.waitForStatus(connected('UZ'))
    const frame = randomBytes(32)
    expect(await uz.command({ cmd: 'request', country: 'KZ', name: 'echo', frames: [b64(frame)] })).toMatchObject({
      ok: true,
      frames: [b64(frame)],
    })
  })
})
