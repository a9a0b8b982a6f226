/**
 * `sis start` as an operator runs it, in real processes on real ports: the environment of a
 * container, every standard output line a log line with an ISO 8601 time, and start failures that
 * name the option to change and leave the data folder as it was.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo, Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserStore } from '../node/users.ts'
import { NODE_BIN, SIS_BIN, createFederation } from '../test-network/index.ts'
import type { LocalNode } from '../test-network/index.ts'

interface Started {
  child: ChildProcess
  /** Resolves with the ready line, or rejects when the process exits first. */
  ready: Promise<Record<string, unknown>>
  /** Resolves with the exit code and everything printed. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>
}

function start(env: Record<string, string>, ...args: string[]): Started {
  const child = spawn(NODE_BIN, [SIS_BIN, 'start', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  )
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const line = stdout.split('\n').find((l) => l.includes('"ready":true'))
      if (line !== undefined) resolve(JSON.parse(line) as Record<string, unknown>)
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    void exited.then(({ code }) => reject(new Error(`sis start exited with ${code}: ${stderr}`)))
  })
  ready.catch(() => undefined)
  return { child, ready, exited }
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

async function freePort(): Promise<number> {
  const server = await occupy(0)
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
let base: string
let kz: LocalNode

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'sis-start-'))
  ;[kz] = (await createFederation(base, ['KZ'])) as [LocalNode]
}, 60_000)
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('sis start', () => {
  it('takes its folder, ports and level from the environment, logs the ready line as a log line, and refuses a second start on the folder naming the first', async () => {
    const port = await freePort()
    const first = start({ SIS_DATA: kz.dir, SIS_API_PORT: String(port), SIS_LOG_LEVEL: 'warn' })
    const ready = await first.ready
    expect(ready).toMatchObject({
      level: 30,
      msg: 'ready',
      ready: true,
      country: 'KZ',
      api: `http://127.0.0.1:${port}`,
    })
    expect(ready.time).toMatch(ISO_TIME)
    expect((ready.p2p as string[]).every((a) => a.endsWith(`/p2p/${String(ready.peerId)}`))).toBe(true)
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200)
    expect(readdirSync(kz.dir)).toContain('sis.pid')

    const second = await start({ SIS_DATA: kz.dir, SIS_API_PORT: String(await freePort()) }).exited
    expect(second.code).toBe(3)
    expect(second.stderr).toContain(
      `the store is locked by process ${first.child.pid} (another sis start on this data folder)`,
    )
    expect(second.stdout).toBe('')

    first.child.kill('SIGTERM')
    const { code, stdout } = await first.exited
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    // At warn, the ready line is still printed; every line is a JSON log line with an ISO time.
    expect(lines.length).toBeGreaterThanOrEqual(1)
    for (const line of lines) expect((JSON.parse(line) as { time: unknown }).time).toMatch(ISO_TIME)
    expect(readdirSync(kz.dir)).not.toContain('sis.pid')
  }, 60_000)

  it('names the option when the API port or the libp2p port is in use, and leaves the folder as it was', async () => {
    const apiPort = await freePort()
    const api = await occupy(apiPort)
    const p2pPort = await freePort()
    const p2p = await occupy(p2pPort)
    try {
      rmSync(join(kz.dir, 'store'), { recursive: true, force: true })
      const before = readdirSync(kz.dir).sort()
      const apiRefused = await start({ SIS_API_PORT: String(apiPort) }, '--data', kz.dir).exited
      expect(apiRefused.code).toBe(3)
      expect(apiRefused.stderr).toContain(
        `the API port ${apiPort} is in use: change \`api.port\` in node.json or SIS_API_PORT`,
      )
      const p2pRefused = await start({ SIS_LISTEN: `/ip4/127.0.0.1/tcp/${p2pPort}` }, '--data', kz.dir).exited
      expect(p2pRefused.code).toBe(3)
      expect(p2pRefused.stderr).toContain(
        `the libp2p address /ip4/127.0.0.1/tcp/${p2pPort} is in use: change \`listen\` in node.json or SIS_LISTEN`,
      )
      expect(readdirSync(kz.dir).sort()).toEqual(before)
    } finally {
      api.close()
      p2p.close()
    }
  }, 60_000)

  it('refuses a variable it cannot use, naming it, and asks for a folder when neither --data nor SIS_DATA is given', async () => {
    const badPort = await start({ SIS_DATA: kz.dir, SIS_API_PORT: '80 80' }).exited
    expect(badPort.code).toBe(2)
    expect(badPort.stderr).toContain('SIS_API_PORT="80 80": not a port')
    const badLevel = await start({ SIS_LOG_LEVEL: 'loud' }, '--data', kz.dir).exited
    expect(badLevel.code).toBe(2)
    expect(badLevel.stderr).toContain('SIS_LOG_LEVEL="loud": not a log level')
    const noFolder = await start({}).exited
    expect(noFolder.code).toBe(2)
    expect(noFolder.stderr).toContain('neither --data nor SIS_DATA was given')
  }, 60_000)

  it('serves the pages: an account added to the data folder while the node runs signs in, an audit line is logged', async () => {
    const port = await freePort()
    const node = start({ SIS_DATA: kz.dir, SIS_API_PORT: String(port), SIS_LOG_LEVEL: 'info' })
    try {
      await node.ready
      const pw = 'correct horse battery'
      await UserStore.open(kz.dir).add(
        { login: 'k.officer', displayName: 'K', principal: { role: 'officer', office: 'KZB00100' } },
        pw,
      )
      const url = `http://127.0.0.1:${port}`
      const form = await fetch(`${url}/login`)
      const pre = form.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; ')
      const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!
      const signed = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
        body: new URLSearchParams({ csrf, login: 'k.officer', password: pw }).toString(),
      })
      expect(signed.status).toBe(303)
      const session = signed.headers
        .getSetCookie()
        .find((c) => c.startsWith('sis_session='))!
        .split(';')[0]!
      expect(await (await fetch(`${url}/`, { headers: { cookie: session } })).text()).toContain('office KZB00100')
    } finally {
      node.child.kill('SIGTERM')
    }
    const { stdout } = await node.exited
    expect(stdout).toContain('"event":"login"')
    expect(stdout).not.toContain('correct horse battery')
  }, 60_000)
})
