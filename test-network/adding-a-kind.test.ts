/**
 * Adding a document kind touches its two folders and one registry line on each side
 * (docs/kinds/adding-a-kind.md). This test does it for real, in a copy of the tree: it writes a
 * small kind, a notice one member sends to every member, into protocol/kinds/notice/ and
 * node/kinds/notice/, adds the two registry lines, regenerates the derived files, and then the
 * copy typechecks, its generic-code check, property test and examples test (xmllint against the
 * generated XSD) pass with the new kind in them, and the real intake, state, audience and search
 * keys of the core serve a signed notice.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const NODE = join(ROOT, 'node_modules', '.bin', 'node')
const copy = mkdtempSync(join(tmpdir(), 'sis-kind-'))

const PROTOCOL_MESSAGES = `/** The notice's one message type. */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import * as c from '../../messages/types/complex.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'

export const NoticeIssued = defineMessage({
  type: 'NoticeIssued',
  title: 'Notice issued',
  purpose: 'A customs service tells every member something, once.',
  sender: 'any member node',
  receivers: ['every member'],
  ncts: 'none',
  body: {
    Notice: z.object({ number: t.Identifier, Text: z.array(c.LangText).min(1).max(8) }),
  },
  rules: [{ code: 'NO-R001', text: 'Only one NoticeIssued per notice.' }],
  example: () => ({ author: 'KZ', body: { Notice: { number: 'KZ-2026-7', Text: [{ lang: 'en', value: 'Khorgos closed on Sunday' }] } } }),
})
`

const PROTOCOL_KIND = `/** A notice from one customs service to every member. */
import { EFFECTIVE, precondition } from '../../log/effect.ts'
import { defineKind } from '../kind.ts'
import { NoticeIssued } from './messages.ts'

export interface NoticeFacts { issuedBy?: string; entry?: string }

export const noticeKind = defineKind({
  name: 'notice',
  title: 'Notice to all members',
  messages: { NoticeIssued },
  identifier: { name: 'notice number', field: 'Notice/number', documentIdOf: (m) => (m.Notice as { number?: string } | undefined)?.number },
  ranks: { NoticeIssued: 0 },
  machine: () => {
    const facts: NoticeFacts = {}
    return {
      facts,
      apply: (e) => {
        if (facts.issuedBy !== undefined) return precondition('the notice is already issued')
        facts.issuedBy = e.author
        facts.entry = e.id
        return EFFECTIVE
      },
    }
  },
  status: (f: NoticeFacts) => (f.issuedBy === undefined ? 'none' : 'issued'),
  audience: () => 'every-member',
  authority: () => [],
})
`

const NODE_KIND = `/** The notice on the node: found by its number and its author. */
import { noticeKind } from '../../../protocol/kinds/notice/index.ts'
import type { NoticeFacts } from '../../../protocol/kinds/notice/index.ts'
import { types } from '../../../protocol/messages/index.ts'
import type { NodeKind } from '../kind.ts'

export const noticeNode: NodeKind = {
  kind: noticeKind,
  searchKeys: { notice: { schema: types.Identifier, description: 'Number of a notice' } },
  keys: ({ state }) => ({ notice: [state.documentId], author: (state.facts as NoticeFacts).issuedBy === undefined ? [] : [(state.facts as NoticeFacts).issuedBy!] }),
  commands: { issue: (ctx, _principal, input) => ctx.write('NoticeIssued', (input as { Notice: { number: string } }).Notice.number, input as Record<string, unknown>) },
}
`

/** What the copy's own code says about a signed notice, run by its own Node there. */
const PROBE = `
import { readEntry, computeState, DocumentLog, audienceOf } from './protocol/log/index.ts'
import { encodeMessage, exampleMessage, MESSAGE_TYPE_NAMES } from './protocol/messages/index.ts'
import { signXml } from './protocol/dsig/index.ts'
import { testKey, testMembership } from './protocol/testing/federation.ts'
import { recordOf } from './node/documents.ts'
const membership = testMembership()
const m = exampleMessage('NoticeIssued')
const bytes = signXml(encodeMessage('NoticeIssued', m), testKey('KZ'))
const entry = readEntry(bytes, membership)
const log = new DocumentLog(entry.documentId)
log.add(entry)
const again = readEntry(signXml(encodeMessage('NoticeIssued', { ...m, Header: { ...m.Header, sequenceNumber: '1', messageIdentification: 'UZ-2', authorCountry: 'UZ', authorKeyId: m.Header.authorKeyId.replace('kz', 'uz') } }), testKey('UZ')), membership)
log.add(again)
const state = computeState({ documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() }, membership)
const audience = audienceOf(state, membership)
const record = recordOf({ log, state, audience }, '2026-11-23T08:00:00.000Z')
console.log(JSON.stringify({ types: MESSAGE_TYPE_NAMES.includes('NoticeIssued'), kind: state.kind, status: state.status, effects: state.entries.map((e) => [e.author, e.effect.effective]), audience, members: membership.document.members.map((x) => x.country).sort(), keys: record.index.keys }))
`

function write(path: string, text: string): void {
  mkdirSync(dirname(join(copy, path)), { recursive: true })
  writeFileSync(join(copy, path), text)
}

function addLine(path: string, from: string, to: string): void {
  const text = readFileSync(join(copy, path), 'utf8')
  if (!text.includes(from)) throw new Error(`${path} has no ${from}`)
  writeFileSync(join(copy, path), text.replace(from, to))
}

function run(args: string[], timeout = 120_000): { status: number | null; out: string } {
  const r = spawnSync(NODE, args, {
    cwd: copy,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, CI: 'true' },
  })
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` }
}

beforeAll(() => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('docs/'))
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue
    mkdirSync(dirname(join(copy, f)), { recursive: true })
    cpSync(join(ROOT, f), join(copy, f))
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
  execFileSync('git', ['init', '-q'], { cwd: copy })
  execFileSync('git', ['add', '-A'], { cwd: copy })
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'before'], { cwd: copy })
  // The whole change: two folders and a line in each registry.
  write('protocol/kinds/notice/messages.ts', PROTOCOL_MESSAGES)
  write('protocol/kinds/notice/index.ts', PROTOCOL_KIND)
  write('node/kinds/notice/index.ts', NODE_KIND)
  addLine(
    'protocol/kinds/registry.ts',
    "import { transitKind } from './transit/index.ts'",
    "import { transitKind } from './transit/index.ts'\nimport { noticeKind } from './notice/index.ts'",
  )
  addLine(
    'protocol/kinds/registry.ts',
    'export const KINDS = [transitKind, guaranteeKind] as const',
    'export const KINDS = [transitKind, guaranteeKind, noticeKind] as const',
  )
  addLine(
    'node/kinds/registry.ts',
    "import { transitNode } from './transit/index.ts'",
    "import { transitNode } from './transit/index.ts'\nimport { noticeNode } from './notice/index.ts'",
  )
  addLine(
    'node/kinds/registry.ts',
    'export const NODE_KINDS: readonly NodeKind[] = [transitNode, guaranteeNode]',
    'export const NODE_KINDS: readonly NodeKind[] = [transitNode, guaranteeNode, noticeNode]',
  )
}, 60_000)

afterAll(() => rmSync(copy, { recursive: true, force: true }))

describe('a new document kind in two folders and two registry lines', () => {
  it('touches only those files, before the derived ones are generated', () => {
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: copy,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.slice(3))
      .sort()
    expect(changed).toEqual([
      'node/kinds/notice/index.ts',
      'node/kinds/registry.ts',
      'protocol/kinds/notice/index.ts',
      'protocol/kinds/notice/messages.ts',
      'protocol/kinds/registry.ts',
    ])
    const lines = execFileSync('git', ['diff', '--numstat'], { cwd: copy, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 2).map(Number))
    // Per registry: its import, and the name in its list.
    expect(lines).toEqual([
      [2, 1],
      [2, 1],
    ])
  })

  it('is served by the core: intake, state, audience (every member) and search keys', () => {
    const r = run(['--input-type=module', '-e', PROBE])
    expect(r.status, r.out).toBe(0)
    const got = JSON.parse(r.out.trim().split('\n')[0]!) as {
      types: boolean
      kind: string
      status: string
      effects: [string, boolean][]
      audience: string[]
      members: string[]
      keys: Record<string, string[]>
    }
    expect(got.types).toBe(true)
    expect(got).toMatchObject({ kind: 'notice', status: 'issued' })
    // Two notices under one number: the first in the kind's order takes effect, the other not.
    expect(got.effects.map(([, effective]) => effective).sort()).toEqual([false, true])
    expect(got.audience).toEqual(got.members)
    expect(got.keys.notice).toEqual(['KZ-2026-7'])
  }, 60_000)

  it('typechecks, regenerates its XSD and docs, and passes the generic checks with the new kind in them', () => {
    const gen = run(['protocol/tools/generate.ts'])
    expect(gen.status, gen.out).toBe(0)
    expect(gen.out).toContain('NoticeIssued')
    const tsc = run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], 180_000)
    expect(tsc.status, tsc.out).toBe(0)
    const tests = run(
      [
        join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        'protocol/kinds/generic.test.ts',
        'protocol/log/property.test.ts',
        'protocol/messages/examples.test.ts',
        'protocol/messages/generated.test.ts',
        '--reporter=verbose',
      ],
      180_000,
    )
    expect(tests.status, tests.out).toBe(0)
    const out = tests.out.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    expect(out).toMatch(/NoticeIssued: is valid under xmllint --schema/)
    expect(out).toMatch(/L12\): notice/)
    expect(out).toMatch(/NoticeIssued\.xsd/)
  }, 400_000)
})
