/**
 * The sis command as a user runs it: a real process on the pinned Node, real files, real xmllint.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MESSAGE_TYPE_NAMES } from '../protocol/messages/index.ts'
import { NODE_BIN, SIS_BIN } from '../test-network/index.ts'
import { sisProcess } from './cli.testkit.ts'

const root = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'sis-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sis = sisProcess({ timeoutMs: 20_000 })

describe('sis message examples, sis schema export, sis message validate', () => {
  const examples = join(dir, 'examples')
  const xsd = join(dir, 'xsd')

  it('writes one example per message type and every XSD', () => {
    expect(sis('message', 'examples', '--out', examples).status).toBe(0)
    expect(readdirSync(examples).sort()).toEqual(MESSAGE_TYPE_NAMES.map((t) => `${t}.xml`).sort())
    const exported = sis('schema', 'export', '--out', xsd, '--json')
    expect(exported.status).toBe(0)
    expect(JSON.parse(exported.stdout).files).toEqual(
      expect.arrayContaining(['common.xsd', 'xml.xsd', 'DeclarationLodged.xsd']),
    )
  })

  it.each(MESSAGE_TYPE_NAMES)(
    '%s: valid under xmllint with the exported XSDs, and OK from sis message validate',
    (type) => {
      const file = join(examples, `${type}.xml`)
      const lint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(xsd, `${type}.xsd`), file], {
        encoding: 'utf8',
      })
      expect(lint.status, lint.stderr).toBe(0)
      const r = sis('message', 'validate', file)
      expect(r.status).toBe(0)
      expect(r.stdout.trim()).toBe(`OK ${type}`)
    },
  )

  it('an invalid message exits 1 with the typed code; --json gives machines the details', () => {
    const file = join(dir, 'bad.xml')
    writeFileSync(
      file,
      readFileSync(join(examples, 'DeclarationLodged.xml'), 'utf8').replace('<currency>USD<', '<currency>XYZ<'),
    )
    const human = sis('message', 'validate', file)
    expect(human.status).toBe(1)
    expect(human.stdout).toContain('CODE_UNKNOWN')
    const json = sis('message', 'validate', '--json', file)
    expect(json.status).toBe(1)
    const parsed = JSON.parse(json.stdout) as {
      ok: boolean
      errors: { code: string; details: Record<string, string> }[]
    }
    expect(parsed.ok).toBe(false)
    expect(parsed.errors[0]).toMatchObject({
      code: 'CODE_UNKNOWN',
      details: { value: 'XYZ', list: 'iso-4217-alpha-3' },
    })
  })

  it('a missing file exits 3 with a hint; a usage error exits 2', () => {
    const missing = sis('message', 'validate', join(dir, 'nope.xml'))
    expect(missing.status).toBe(3)
    expect(missing.stderr).toContain('no such file')
    expect(sis('message', 'validate').status).toBe(2)
  })

  // How fast each is refused is measured in-process (protocol/xml/hostile.test.ts); a process's
  // start-up time on a loaded machine is not the parser's.
  it('refuses hostile files with a typed code, without crashing', () => {
    const cases: [string, string | Buffer, string][] = [
      [
        'laughs.xml',
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><DeclarationLodged>&b;</DeclarationLodged>',
        'XML_DOCTYPE_FORBIDDEN',
      ],
      ['deep.xml', '<a>'.repeat(100_000) + '</a>'.repeat(100_000), 'XML_TOO_DEEP'],
      ['big.xml', Buffer.alloc(5 * 1024 * 1024, 0x20), 'XML_TOO_LARGE'],
      ['empty.xml', '', 'XML_EMPTY'],
      ['json.xml', '{"not": "xml"}', 'XML_MALFORMED'],
    ]
    for (const [name, content, code] of cases) {
      const file = join(dir, name)
      writeFileSync(file, content)
      const r = sis('message', 'validate', '--json', file)
      expect(r.status, name).toBe(1)
      expect((JSON.parse(r.stdout) as { errors: { code: string }[] }).errors[0]?.code, name).toBe(code)
    }
  })

  it('sis help shows examples for a command', () => {
    const r = sis('help', 'message')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('validate')
  })

  it('sis help follows every word to the sub-command; an unknown word is named, with the choices', () => {
    for (const words of [
      ['federation', 'sign'],
      ['transit', 'act'],
      ['log', 'export'],
      ['key', 'rotate'],
    ]) {
      const r = sis('help', ...words)
      expect(r.status, words.join(' ')).toBe(0)
      expect(r.stdout, words.join(' ')).toMatch(new RegExp(`^Usage: sis ${words.join(' ')} `))
    }
    expect(sis('transit', 'help', 'act').stdout).toMatch(/^Usage: sis transit act /)
    const unknown = sis('help', 'transit', 'nope')
    expect(unknown.status).toBe(2)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toContain('UNKNOWN_COMMAND: unknown command "nope" in sis transit; its commands: declare,')
    expect(unknown.stderr).toContain('act, search')
    expect(sis('help', 'status', 'x').stderr).toContain('sis status has no sub-commands')
  })
})

/**
 * Runs sis with `stream` into a real pipe whose reader closes after `lines` lines (0: before sis
 * writes anything, so its write meets a closed pipe: EPIPE); returns the exit code and the other stream.
 */
function closedReader(
  stream: 'stdout' | 'stderr',
  lines: 0 | 1,
  ...args: string[]
): Promise<{ code: number | null; other: string }> {
  const child = spawn(NODE_BIN, [SIS_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const reader = child[stream]
  const other = stream === 'stdout' ? child.stderr : child.stdout
  let got = ''
  if (lines === 0) reader.destroy()
  else
    reader.on('data', (chunk: Buffer) => {
      if (!chunk.includes(0x0a)) return
      reader.destroy()
    })
  other.on('data', (chunk: Buffer) => (got += chunk.toString('utf8')))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, other: got })))
}

describe('output into a reader that closes early (sis help | head -1)', () => {
  it.each([
    ['help', 0],
    ['help', 1],
    ['completion bash', 0],
    ['completion fish', 1],
    ['help transit act', 0],
  ] as const)('sis %s, reader closing after %i lines: no stack trace, exit 0', async (args, lines) => {
    const r = await closedReader('stdout', lines, ...args.split(' '))
    expect(r.other).toBe('')
    expect(r.code).toBe(0)
  })

  it("an error into a closed stderr still ends with the command's own code, quietly", async () => {
    const r = await closedReader('stderr', 0, 'help', 'nope')
    expect(r.other).toBe('')
    expect(r.code).toBe(2)
  })
})

describe('the main job (npm start) runs to completion off a terminal', () => {
  // CI runs the full eleven-node demo (npm start in .ci/run); here a four-node one keeps it short.
  it('shows the message layer, runs the transit through real nodes, gives a passing verdict and exits', () => {
    const r = spawnSync('npm', ['start', '--silent', '--', '--quiet', '--nodes', 'CN,KZ,UZ,KG'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    expect(r.status, r.stderr + r.stdout).toBe(0)
    expect(r.stdout).toMatch(/xmllint --schema DeclarationLodged.xsd: valid/)
    expect(r.stdout).toContain('XML_DOCTYPE_FORBIDDEN')
    expect(r.stdout).toMatch(/All 4 nodes up/)
    expect(r.stdout).toMatch(/Verdict: PASS/)
    expect(r.stdout).toMatch(/no node off the route holds it/)
  }, 180_000)
})
