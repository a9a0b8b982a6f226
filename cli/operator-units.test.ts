/**
 * The operator CLI's parts, in process and fast: tables, colour, the completion script (run by a
 * real bash), the API client against a real loopback API, and key rotation through real data
 * folders and membership files. (The message catalogue: i18n.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publicKeyToBase64 } from '../protocol/crypto/index.ts'
import { verifySignedMembership } from '../protocol/membership/index.ts'
import { readSigningKey } from '../node/keys.ts'
import { startTestApi, TOKENS } from '../node/api/fake-service.testkit.ts'
import type { TestApi } from '../node/api/fake-service.testkit.ts'
import { ApiClient, resolveConnection } from './client.ts'
import { bashCompletion, completionTree, zshCompletion } from './commands/completion.ts'
import { fishCompletion } from './commands/completion-fish.ts'
import { nextKeyId } from './commands/node-ops.ts'
import { translator } from './i18n.ts'
import { buildProgram, main } from './main.ts'
import { CliError, EXIT, colourEnabled, paint } from './output.ts'
import { displayWidth, table } from './table.ts'
import { sisInProcess } from './cli.testkit.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-ops-units-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const en = translator('en')

describe('tables and colour', () => {
  it('aligns columns by terminal width: colour codes take none, Chinese characters two', () => {
    const p = paint(true)
    const text = table(
      ['国家', 'outbox'],
      [
        ['KZ', p.warn('12')],
        ['CN', '3'],
      ],
      ['left', 'right'],
    )
    const lines = text.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')) // eslint-disable-line no-control-regex
    expect(lines).toEqual(['国家  outbox', '----  ------', 'KZ        12', 'CN         3'])
    expect(displayWidth('延迟(秒)')).toBe(8)
  })

  it('colour only on a terminal and without NO_COLOR', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true)
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(false)
    expect(colourEnabled({ isTTY: false }, {})).toBe(false)
    expect(paint(false).bad('x')).toBe('x')
  })
})

describe('shell completion', () => {
  const program = buildProgram()
  const script = join(dir, 'sis.bash')
  beforeAll(() => writeFileSync(script, bashCompletion(program)))

  /** What bash offers for the words typed so far (the last one is being completed). */
  function complete(...words: string[]): string[] {
    const line = ['sis', ...words]
    const cmd = `source ${JSON.stringify(script)}; COMP_WORDS=(${line.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${line.length - 1}; _sis; printf '%s\\n' "\${COMPREPLY[@]}"`
    const r = spawnSync('bash', ['--norc', '-c', cmd], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout.split('\n').filter((l) => l !== '')
  }

  it('covers every command, subcommand and option of the tree', () => {
    const tree = completionTree(program)
    const paths = tree.map((n) => n.path)
    for (const p of [
      'status',
      'peers',
      'transit declare',
      'transit act',
      'outbox list',
      'outbox retry',
      'backup',
      'restore',
      'key rotate',
      'key activate',
      'log export',
      'log verify',
      'completion',
      'message validate',
    ])
      expect(paths).toContain(p)
    const all = (cmd: ReturnType<typeof buildProgram>): number => 1 + cmd.commands.reduce((n, c) => n + all(c), 0)
    expect(tree).toHaveLength(all(program))
    expect(zshCompletion(program)).toContain('compdef _sis sis')
  })

  it('bash offers subcommands, options and action names in context', () => {
    expect(complete('tr')).toEqual(['transit'])
    expect(complete('transit', '')).toEqual(expect.arrayContaining(['declare', 'show', 'log', 'act', 'search']))
    expect(complete('outbox', 'list', '--p')).toEqual(['--peer'])
    expect(complete('transit', 'act', '--data', 'x', 'MRN', 'write')).toEqual(['write-off'])
    // After an option that takes a value, no words: bash falls back to file names.
    expect(complete('backup', '--out', '')).toEqual([])
    expect(complete('completion', '').filter((w) => !w.startsWith('-'))).toEqual(['bash', 'zsh', 'fish'])
    expect(complete('help', 'tr')).toEqual(['transit'])
  })
})

describe('fish completion', () => {
  const program = buildProgram()
  const text = fishCompletion(program)
  const script = join(dir, 'sis.fish')
  beforeAll(() => writeFileSync(script, text))
  const fish = spawnSync('fish', ['--version'], { encoding: 'utf8' }).status === 0

  it('has a rule for every command, subcommand and option of the tree, under its command', () => {
    const tree = completionTree(program)
    expect(tree.length).toBeGreaterThan(40)
    for (const n of tree) {
      const rules = text
        .split('\n')
        .filter((l) => l.startsWith(`complete -c sis -n '__sis_at ${JSON.stringify(n.path)}' `))
      expect(rules.length, n.path).toBeGreaterThan(0)
      for (const sub of n.subcommands)
        expect(
          rules.some((r) => r.includes(` -a '${sub}' -d '`)),
          `${n.path} ${sub}`,
        ).toBe(true)
      for (const o of n.optionSpecs) {
        const flag =
          o.long === undefined ? ` -s ${o.short!.slice(1)}` : ` -l ${o.long.slice(2)}${o.takesValue ? ' -' : ' -d'}`
        expect(
          rules.some((r) => r.includes(flag)),
          `${n.path} ${o.long ?? o.short}`,
        ).toBe(true)
      }
    }
    expect(text).toContain("-l lang -x -a 'en ru zh'")
  })

  /** What fish offers for the command line typed so far (the words before the cursor). */
  function complete(line: string): string[] {
    const r = spawnSync('fish', ['--no-config', '-c', `source ${script}; complete -C ${JSON.stringify(line)}`], {
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0]!)
  }

  // Skipped, and so reported, where fish is not installed (apt-get install fish).
  it.skipIf(!fish)('fish parses the script (fish --no-execute) and offers words in context', () => {
    const parsed = spawnSync('fish', ['--no-execute', script], { encoding: 'utf8' })
    expect(parsed.status, parsed.stderr).toBe(0)
    expect(complete('sis tr')).toEqual(['transit'])
    expect(complete('sis transit ')).toEqual(expect.arrayContaining(['declare', 'show', 'log', 'act', 'search']))
    expect(complete('sis outbox list --p')).toEqual(['--peer'])
    expect(complete('sis transit act --data x MRN write')).toEqual(['write-off'])
    expect(complete('sis --lang ')).toEqual(['en', 'ru', 'zh'])
    expect(complete('sis completion ')).toEqual(['bash', 'fish', 'zsh'])
  })
})

describe('the API client', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(async () => api.close())

  it('finds the node from node.json, the token from SIS_TOKEN, and reads the status', async () => {
    const data = join(dir, 'node')
    const port = new URL(api.url).port
    await main(['node', 'sis', 'init', '--country', 'KZ', '--data', data, '--api-port', port, '--json']).finally(
      () => undefined,
    )
    const c = resolveConnection({ data }, en, { SIS_TOKEN: TOKENS.admin })
    expect(c).toEqual({ base: api.url, token: TOKENS.admin })
    expect(resolveConnection({ api: 'http://127.0.0.1:1/', token: 't' }, en, {})).toEqual({
      base: 'http://127.0.0.1:1',
      token: 't',
    })
    const status = await new ApiClient(c, en).get<{ country: string }>('/v1/status')
    expect(status.country).toBe('KZ')
  })

  it('turns refusals into typed errors with an exit code and a hint of what to do next', async () => {
    const call = (token: string | undefined, path = '/v1/status') =>
      new ApiClient({ base: api.url, token }, en).get(path).then(
        () => undefined,
        (e: unknown) => e as CliError,
      )
    const unauth = await call('wrong')
    expect(unauth).toMatchObject({ code: 'API_UNAUTHENTICATED', exitCode: EXIT.AUTH })
    expect(unauth?.hint).toContain('sis token create --role admin')
    expect(await call(TOKENS.trader)).toMatchObject({ code: 'API_FORBIDDEN', exitCode: EXIT.AUTH })
    expect(await call(TOKENS.admin, '/v1/transits/26KZ000000000001A0')).toMatchObject({ exitCode: EXIT.INVALID })
    expect(await call(undefined)).toMatchObject({ exitCode: EXIT.AUTH, hint: en('hint.noToken') })
    const down = await new ApiClient({ base: 'http://127.0.0.1:9', token: 't' }, en).get('/v1/status').then(
      () => undefined,
      (e: unknown) => e as CliError,
    )
    expect(down).toMatchObject({ code: 'NODE_UNREACHABLE', exitCode: EXIT.UNAVAILABLE })
    expect(down?.hint).toContain('sis start --data DIR')
    expect(() => resolveConnection({}, en, {})).toThrow(CliError)
  })
})

describe('key rotation', () => {
  const run = sisInProcess

  it('derives the next key id', () => {
    expect(nextKeyId('kz-2026-1', new Set(['kz-2026-1']))).toBe('kz-2026-2')
    expect(nextKeyId('kz-2026-1', new Set(['kz-2026-1', 'kz-2026-2']))).toBe('kz-2026-3')
    expect(nextKeyId('kz', new Set(['kz']))).toBe('kz-2')
  })

  it('rotate writes a 0600 key and a proposal the quorum can sign; activate waits for a membership that pins it', async () => {
    const kz = join(dir, 'kz'),
      cn = join(dir, 'cn')
    for (const [c, d] of [
      ['KZ', kz],
      ['CN', cn],
    ] as const)
      expect((await run('init', '--country', c, '--data', d, '--card', `${d}.card.json`, '--json')).code).toBe(0)
    const m1 = join(dir, 'm1.json'),
      m2 = join(dir, 'm2.json')
    expect((await run('federation', 'create', '--card', `${kz}.card.json`, `${cn}.card.json`, '--out', m1)).code).toBe(
      0,
    )
    for (const d of [kz, cn]) expect((await run('federation', 'sign', m1, '--data', d)).code).toBe(0)
    const oldKeyId = (JSON.parse(readFileSync(join(kz, 'node.json'), 'utf8')) as { keyId: string }).keyId

    const rotated = await run('key', 'rotate', '--data', kz, '--membership', m1, '--out', m2, '--json')
    expect(rotated.code, rotated.out).toBe(0)
    const r = JSON.parse(rotated.out) as { keyId: string; publicKey: string; version: number }
    expect(r.version).toBe(2)
    expect(statSync(join(kz, 'signing.next.pem')).mode & 0o777).toBe(0o600)
    expect((await run('key', 'rotate', '--data', kz, '--membership', m1, '--out', join(dir, 'again.json'))).code).toBe(
      EXIT.USAGE,
    )

    const early = await run('key', 'activate', '--data', kz, '--membership', m1, '--json')
    expect(early.code).toBe(EXIT.INVALID)
    expect(early.out).toContain('KEY_NOT_PINNED')

    for (const d of [kz, cn]) expect((await run('federation', 'sign', m2, '--data', d)).code).toBe(0)
    // The proposal is a valid next version: what POST /v1/membership checks.
    const first = JSON.parse(readFileSync(m1, 'utf8')) as { document: { validFrom: string } }
    const v2 = verifySignedMembership(
      JSON.parse(readFileSync(m2, 'utf8')),
      new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      verifySignedMembership(first, first.document.validFrom),
    )
    expect(v2.document.members.find((m) => m.country === 'KZ')?.keys.map((k) => k.keyId)).toEqual([oldKeyId, r.keyId])

    const done = await run('key', 'activate', '--data', kz, '--membership', m2)
    expect(done.code, done.out).toBe(0)
    expect(done.out).toContain('restart')
    expect((JSON.parse(readFileSync(join(kz, 'node.json'), 'utf8')) as { keyId: string }).keyId).toBe(r.keyId)
    expect(publicKeyToBase64(readSigningKey(join(kz, 'signing.pem')).publicKey)).toBe(r.publicKey)
    expect(existsSync(join(kz, `signing.${oldKeyId}.pem`))).toBe(true)
    expect(existsSync(join(kz, 'signing.next.pem'))).toBe(false)
    expect((await run('key', 'activate', '--data', kz, '--membership', m2)).code).toBe(EXIT.USAGE)
  })
})
