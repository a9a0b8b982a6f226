/**
 * `sis federation join` refuses what would leave a node unable to start or trusting the wrong
 * federation, each with the reason: a chain with a version missing, a version under quorum, a
 * version in force that does not list this node's PeerId, and a folder of another federation.
 * (The join that works, from a member over libp2p, is test-network/joining.test.ts.)
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sis } from '../test-network/index.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-join-cli-'))
const path = (f: string) => join(base, f)

function ok(...args: string[]): string {
  const r = sis(...args)
  expect(r.status, `sis ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0)
  return r.stdout
}

beforeAll(() => {
  for (const c of ['CN', 'KZ', 'TJ', 'AF'])
    ok('init', '--country', c, '--data', path(c), '--listen', '/ip4/127.0.0.1/tcp/0', '--card', path(`${c}.json`))
  ok('federation', 'create', '--card', path('CN.json'), path('KZ.json'), '--out', path('v1.json'))
  for (const c of ['CN', 'KZ']) ok('federation', 'sign', path('v1.json'), '--data', path(c))
  ok('federation', 'propose', '--from', path('v1.json'), '--add-card', path('TJ.json'), '--out', path('v2.json'))
  ok('federation', 'sign', path('v2.json'), '--data', path('CN'))
  copyFileSync(path('v2.json'), path('v2-short.json'))
  ok('federation', 'sign', path('v2.json'), '--data', path('KZ'))
  const v3 = ok('federation', 'propose', '--from', path('v2.json'), '--remove', 'KZ', '--out', path('v3.json'))
  expect(v3).toMatch(/version 3/)
}, 120_000)

afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('sis federation join refuses', () => {
  it('a chain with a version missing, and a version under quorum', () => {
    const gap = sis('federation', 'join', '--data', path('TJ'), '--membership', path('v1.json'), path('v3.json'))
    expect(gap.status).toBe(1)
    expect(gap.stderr).toMatch(/every version from 1 to the one in force; got 1, 3/)
    const short = sis(
      'federation',
      'join',
      '--data',
      path('TJ'),
      '--membership',
      path('v1.json'),
      path('v2-short.json'),
    )
    expect(short.status).toBe(1)
    expect(short.stderr).toMatch(/version 2 is not valid: .*signed by 1 current members \(CN\), the quorum is 2/)
  })

  it('a version in force that does not admit this node, and a folder of another federation', () => {
    const other = sis('federation', 'join', '--data', path('AF'), '--membership', path('v1.json'), path('v2.json'))
    expect(other.status).toBe(1)
    expect(other.stderr).toMatch(/AF is not a member of version 2/)
    // TJ's card under AF's folder: the PeerId and the key are not this node's.
    const card = JSON.parse(readFileSync(path('AF.json'), 'utf8')) as { peerId: string }
    const v2 = JSON.parse(readFileSync(path('v2.json'), 'utf8')) as {
      document: { members: { country: string; peerId: string }[] }
    }
    expect(v2.document.members.find((m) => m.country === 'TJ')!.peerId).not.toBe(card.peerId)
    writeFileSync(join(path('TJ'), 'membership.json'), readFileSync(path('v2.json')))
    const taken = sis('federation', 'join', '--data', path('TJ'), '--membership', path('v1.json'), path('v2.json'))
    expect(taken.status).toBe(2)
    expect(taken.stderr).toMatch(/holds another founding membership/)
    rmSync(join(path('TJ'), 'membership.json'))
    expect(ok('federation', 'join', '--data', path('TJ'), '--membership', path('v2.json'), path('v1.json'))).toMatch(
      /TJ joins .* at version 2/,
    )
    expect(ok('federation', 'show', '--data', path('TJ'))).toMatch(/\nin force\n/)
  })
})

describe('sis federation join --from', () => {
  it('an address without the member PeerId is a usage error (exit 2), before any dial', () => {
    const r = sis('federation', 'join', '--data', path('TJ'), '--from', '/ip4/127.0.0.1/tcp/4101')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/names no member: end it with \/p2p\/<PeerId of the member>/)
  })
})
