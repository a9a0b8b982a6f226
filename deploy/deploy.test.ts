/**
 * The deployment files: the systemd unit passes `systemd-analyze verify` and keeps its hardening;
 * the Containerfile, which cannot be built here (no image builder), is checked by its structure.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENVIRONMENT } from '../node/config-env.ts'
import { containerfileProblems, envOf, parseContainerfile } from './containerfile.ts'

const UNIT = readFileSync(join(import.meta.dirname, 'sis-node@.service'), 'utf8')
const CONTAINERFILE = readFileSync(join(import.meta.dirname, 'Containerfile'), 'utf8')
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p))
const UNIT_NODE = '/opt/carec-sis/node_modules/.bin/node'

/** `systemd-analyze verify` of the unit as instance kz, its node the one running this test; what it printed about the unit. */
function verify(unit: string): { status: number | null; said: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sis-unit-'))
  try {
    const file = join(dir, 'sis-node@kz.service')
    writeFileSync(file, unit.replaceAll(UNIT_NODE, process.execPath))
    const r = spawnSync(ANALYZE as string, ['verify', file], { encoding: 'utf8' })
    const said = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.includes('sis-node@'))
      .join('\n')
    return { status: r.status, said }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function settings(unit: string): Map<string, string[]> {
  const m = new Map<string, string[]>()
  for (const [, k, v] of unit.matchAll(/^(\w+)=(.*)$/gm)) m.set(k ?? '', [...(m.get(k ?? '') ?? []), v ?? ''])
  return m
}

describe('deploy/sis-node@.service', () => {
  const verifyTitle = `passes systemd-analyze verify, and a broken copy does not${ANALYZE === undefined ? ' (skipped: systemd-analyze is not installed)' : ''}`
  it.skipIf(ANALYZE === undefined)(verifyTitle, () => {
    expect(UNIT).toContain(`ExecStart=${UNIT_NODE} `)
    expect(verify(UNIT)).toEqual({ status: 0, said: '' })
    expect(verify(UNIT.replace('ProtectSystem=strict', 'ProtectSystm=strict')).said).toContain(
      "Unknown key 'ProtectSystm'",
    )
    expect(verify(UNIT.replace(`ExecStart=${UNIT_NODE}`, 'ExecStart=/nonexistent/node')).status).not.toBe(0)
  })
  it('runs as sis, writes only its data folder, and keeps the hardening that does not break Node', () => {
    const s = settings(UNIT)
    const one = (k: string) => s.get(k)?.at(-1)
    expect(one('User')).toBe('sis')
    expect(one('ExecStart')).toMatch(/ cli\/bin\/sis\.ts start --data \/var\/lib\/sis\/%i$/)
    expect(one('ReadWritePaths')).toBe('/var/lib/sis/%i')
    expect(one('ProtectSystem')).toBe('strict')
    for (const k of ['NoNewPrivileges', 'PrivateTmp', 'ProtectHome', 'PrivateDevices', 'RestrictSUIDSGID'])
      expect(one(k), k).toBe('yes')
    expect(one('Restart')).toBe('on-failure')
    expect(one('RestartSec')).toMatch(/^\d+s?$/)
    expect(one('KillSignal')).toBe('SIGTERM')
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThanOrEqual(10)
    expect(Number(one('LimitNOFILE'))).toBeGreaterThanOrEqual(4096)
    expect(one('CapabilityBoundingSet')).toBe('')
    // V8 compiles code at run time: W^X memory would kill the process.
    expect(s.has('MemoryDenyWriteExecute')).toBe(false)
  })
})

describe('deploy/Containerfile', () => {
  it('runs sis start as an unprivileged user on the data volume, with a health check and pinned base image', () => {
    expect(containerfileProblems(CONTAINERFILE)).toEqual([])
  })

  it('sets every environment variable sis start reads', () => {
    const env = envOf(parseContainerfile(CONTAINERFILE))
    for (const v of ENVIRONMENT) expect(env.has(v.name), v.name).toBe(true)
  })

  it.each([
    ['FROM docker.io/library/node:24.21.0-bookworm-slim', 'FROM node', 'is not pinned by a tag'],
    ['FROM docker.io/library/node:24.21.0-bookworm-slim', 'FROM node:latest', 'is not pinned by a tag'],
    ['USER 10001:10001', 'USER root', 'runs as root'],
    ['USER 10001:10001', '', 'runs as root'],
    ['HEALTHCHECK --interval', 'HEALTHCHECK NONE\n#', 'no HEALTHCHECK'],
    ['VOLUME ["/var/lib/sis"]', 'VOLUME ["/data"]', 'no VOLUME covers the data folder'],
    ['COPY cli/ cli/', 'ADD https://example.org/x.tar.gz /opt/', 'ADD of a URL'],
    ['EXPOSE 4001/tcp 8080/tcp', 'EXPOSE 4001/tcp', 'the API port (SIS_API_PORT) is not exposed'],
    ['CMD ["start"]', 'CMD ["demo"]', 'not "node cli/bin/sis.ts start"'],
  ])('finds the problem when %s becomes %s', (from, to, problem) => {
    expect(CONTAINERFILE).toContain(from)
    expect(containerfileProblems(CONTAINERFILE.replace(from, to)).join('\n')).toContain(problem)
  })

  it('reads continuation lines and the exec form as the builder does', () => {
    const [run, cmd] = parseContainerfile('RUN a \\\n  # a comment\n  && b\nCMD ["node", "x y"]\n')
    expect(run).toMatchObject({ keyword: 'RUN', raw: 'a  && b', line: 1 })
    expect(cmd).toMatchObject({ keyword: 'CMD', args: ['node', 'x y'], line: 4 })
  })
})
