/**
 * The operator's commands against two real node processes (China and Kazakhstan), each command
 * run as the sis process an operator runs: status and peers; a transit declared and acted on
 * while Kazakhstan is down, its outbox listed and retried; show, log, search, export and an
 * auditor's `sis log verify`; a backup of the running node, a restore refused on a live or a full
 * store or from a damaged file, and a node started on the restored folder holding the same
 * document.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import type { MessageTypeName } from '../protocol/messages/index.ts'
import { createFederation, eventually, exampleGuaranteeBody, sis } from '../test-network/index.ts'
import type { LocalNode } from '../test-network/index.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-ops-'))
const MRN = EXAMPLE_CONTEXT.mrn
let cn: LocalNode
let kz: LocalNode
let restored: ChildProcess | undefined

function bodyFile(type: MessageTypeName): string {
  const { Header: _, ...rest } = exampleMessage(type) as unknown as Record<string, unknown>
  void _
  const file = join(base, `${type}.json`)
  writeFileSync(file, JSON.stringify(rest))
  return file
}

/** sis with --json, parsed; the exit status must be `status`. */
function sisJson<T>(status: number, ...args: string[]): T {
  const r = sis(...args, '--json')
  expect(r.status, `sis ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(status)
  return JSON.parse(r.stdout) as T
}

beforeAll(async () => {
  ;[cn, kz] = (await createFederation(base, ['CN', 'KZ'])) as [LocalNode, LocalNode]
  await Promise.all([cn.start(), kz.start()])
}, 120_000)

afterAll(async () => {
  restored?.kill('SIGKILL')
  await Promise.all([cn.kill(), kz.kill()])
  rmSync(base, { recursive: true, force: true })
})

interface Status {
  country: string
  membership: { version: number; valid: boolean }
  peers: { country: string; connected: boolean; outboxDepth: number }[]
  outboxTotal: number
}

describe('sis on a running federation', () => {
  it('status and peers', async () => {
    await eventually('CN and KZ to connect', async () =>
      (await cn.get<{ peers: number }>('/health/ready')).body.peers === 1 ? true : undefined,
    )
    const s = sisJson<Status>(0, 'status', '--data', cn.dir, '--token', cn.adminToken)
    expect(s).toMatchObject({
      country: 'CN',
      membership: { version: 1, valid: true },
      peers: [{ country: 'KZ', connected: true, outboxDepth: 0 }],
      outboxTotal: 0,
    })
    const peers = sis('peers', '--data', kz.dir, '--token', kz.adminToken, '--lang', 'ru')
    expect(peers.status, peers.stderr).toBe(0)
    expect(peers.stdout).toMatch(/страна\s+связь\s+очередь/)
    expect(peers.stdout).toMatch(/CN\s+да\s+0/)
    // An officer's token is refused with a hint, and exit 5.
    const wrong = sis('status', '--data', cn.dir, '--token', 'not-a-token')
    expect(wrong.status).toBe(5)
    expect(wrong.stderr).toContain('sis token create --role admin')
  }, 120_000)

  it('declare and act while KZ is down; the outbox waits, retry, and KZ catches up', async () => {
    await kz.stop()
    const xml = join(base, 'declaration.xml')
    writeFileSync(xml, encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged')))
    // The guarantee the declaration names, registered by its issuer first (L11).
    const g = await fetch(`${cn.api}/v1/guarantees`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cn.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ guarantee: exampleGuaranteeBody() }),
    })
    expect(g.status).toBe(201)
    expect(
      sisJson<{ documentId: string }>(0, 'transit', 'declare', xml, '--data', cn.dir, '--token', cn.token).documentId,
    ).toBe(MRN)
    expect(
      sisJson<{ status: string }>(
        0,
        'transit',
        'act',
        MRN,
        'accept',
        '--body',
        bodyFile('DeclarationAccepted'),
        '--data',
        cn.dir,
        '--token',
        cn.token,
      ).status,
    ).toBe('accepted')
    // The issuer's node records the coverage just after the acceptance; a release before it is
    // refused (exit 1, nothing signed) and the officer tries again.
    const release = await eventually(
      'the release once the coverage is on record',
      async () => {
        const r = sis(
          'transit',
          'act',
          MRN,
          'release',
          '--body',
          bodyFile('ReleasedForTransit'),
          '--data',
          cn.dir,
          '--token',
          cn.token,
          '--json',
        )
        return r.status === 0 ? (JSON.parse(r.stdout) as { status: string }) : undefined
      },
      15_000,
    )
    expect(release.status).toBe('released')
    // For KZ: the transit's four entries and the guarantee's registration and reservation.
    const waiting = sisJson<{ total: number; items: { peer: string; documentId: string }[] }>(
      0,
      'outbox',
      'list',
      '--data',
      cn.dir,
      '--token',
      cn.adminToken,
      '--peer',
      'KZ',
    )
    expect(waiting.total).toBe(6)
    expect(waiting.items.every((o) => o.peer === 'KZ' && [MRN, EXAMPLE_CONTEXT.grn].includes(o.documentId))).toBe(true)
    expect(waiting.items.filter((o) => o.documentId === MRN)).toHaveLength(4)
    expect(
      sisJson<{ rescheduled: number }>(0, 'outbox', 'retry', '--data', cn.dir, '--token', cn.adminToken).rescheduled,
    ).toBe(6)
    await kz.start()
    await eventually(
      'KZ to hold the released transit',
      async () =>
        (await kz.get<{ status: string }>(`/v1/transits/${MRN}`)).body.status === 'released' ? true : undefined,
      30_000,
    )
    const outboxTotal = async () =>
      (
        (await (
          await fetch(`${cn.api}/v1/outbox`, { headers: { authorization: `Bearer ${cn.adminToken}` } })
        ).json()) as { total: number }
      ).total
    await eventually('the CN outbox to drain', async () => ((await outboxTotal()) === 0 ? true : undefined))
  }, 120_000)

  it('show, log, search, export, and the auditor verifies the export', () => {
    const show = sis('transit', 'show', MRN, '--data', kz.dir, '--token', kz.token)
    expect(show.status, show.stderr).toBe(0)
    expect(show.stdout).toMatch(new RegExp(`document\\s+${MRN}`))
    expect(show.stdout).toMatch(/status\s+released/)
    const log = sis('transit', 'log', MRN, '--data', kz.dir, '--token', kz.token, '--lang', 'zh')
    expect(log.stdout).toMatch(/序号\s+类型\s+作者/)
    expect(log.stdout).toMatch(/1\s+DeclarationLodged\s+CN/)
    expect(log.stdout.split('\n').filter((l) => / CN /.test(l))).toHaveLength(4)
    const found = sisJson<{ documentId: string }[]>(
      0,
      'transit',
      'search',
      '--status',
      'released',
      '--data',
      kz.dir,
      '--token',
      kz.token,
    )
    expect(found.map((d) => d.documentId)).toEqual([MRN])
    const tar = join(base, `${MRN}.tar`)
    expect(sis('log', 'export', MRN, '--out', tar, '--data', kz.dir, '--token', kz.token).status).toBe(0)
    // The auditor gives the signed membership.json every node keeps.
    const verified = sis('log', 'verify', tar, '--membership', join(base, 'membership.json'))
    expect(verified.status, verified.stdout + verified.stderr).toBe(0)
    expect(verified.stdout).toMatch(/status\s+released/)
    // Which member holds which entry, with the receipt's signature checked (issue 11).
    const receipts = sis('transit', 'receipts', MRN, '--data', cn.dir, '--token', cn.token, '--lang', 'ru')
    expect(receipts.status, receipts.stderr).toBe(0)
    expect(receipts.stdout).toMatch(/KZ\s+\S+\s+.*проверена/)
    const held = sisJson<{ receipts: { peer: string; entryIds: string[]; verified: boolean }[] }>(
      0,
      'transit',
      'receipts',
      MRN,
      '--data',
      cn.dir,
      '--token',
      cn.token,
    )
    expect(new Set(held.receipts.filter((r) => r.peer === 'KZ').flatMap((r) => r.entryIds)).size).toBe(4)
    expect(held.receipts.every((r) => r.verified)).toBe(true)
    const missing = sis('transit', 'show', '26CN652100000099J1', '--data', kz.dir, '--token', kz.token)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('sis transit search')
  }, 120_000)

  it('backup of the running node; restore refused on a live store, a full store and a damaged file; a node on the restored folder holds the same document', async () => {
    const file = join(base, 'kz.sisbak')
    const b = sisJson<{ records: number; country: string }>(
      0,
      'backup',
      '--out',
      file,
      '--data',
      kz.dir,
      '--token',
      kz.adminToken,
    )
    expect(b.country).toBe('KZ')
    expect(b.records).toBeGreaterThan(5)
    const before = (await kz.get<{ stateHash: string }>(`/v1/transits/${MRN}`)).body.stateHash

    const live = sisJson<{ errors: { code: string }[] }>(2, 'restore', file, '--data', kz.dir)
    expect(live.errors[0]?.code).toBe('STORE_LOCKED')

    const damaged = join(base, 'damaged.sisbak')
    const bytes = readFileSync(file)
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff
    writeFileSync(damaged, bytes)
    const elsewhere = join(base, 'KZ-damaged')
    expect(sisJson<{ errors: { code: string }[] }>(1, 'restore', damaged, '--data', elsewhere).errors[0]?.code).toBe(
      'BACKUP_INVALID',
    )
    expect(existsSync(join(elsewhere, 'store'))).toBe(false)

    await kz.stop()
    const dir = join(base, 'KZ-restored')
    mkdirSync(dir, { mode: 0o700 })
    for (const f of ['node.json', 'tokens.json', 'signing.pem', 'p2p.key', 'membership.json'])
      copyFileSync(join(kz.dir, f), join(dir, f))
    expect(sisJson<{ records: number }>(0, 'restore', file, '--data', dir).records).toBe(b.records)
    expect(sisJson<{ errors: { code: string }[] }>(2, 'restore', file, '--data', dir).errors[0]?.code).toBe(
      'STORE_NOT_EMPTY',
    )

    restored = spawn(
      join(import.meta.dirname, '..', 'node_modules', '.bin', 'node'),
      [join(import.meta.dirname, 'bin', 'sis.ts'), 'start', '--data', dir, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    await new Promise<void>((resolve, reject) => {
      let out = ''
      restored!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('"ready":true')) resolve()
      })
      restored!.on('exit', (code) => reject(new Error(`the restored node exited with ${code}`)))
    })
    const doc = sisJson<{ status: string; stateHash: string }>(
      0,
      'transit',
      'show',
      MRN,
      '--data',
      dir,
      '--token',
      kz.token,
    )
    expect(doc).toMatchObject({ status: 'released', stateHash: before })
  }, 120_000)
})
