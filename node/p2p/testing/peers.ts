/**
 * Test support: member nodes as real processes (peer-process.ts on the pinned Node 24), key and
 * membership files (free ports: node/testing/helpers.ts). Every process started here is recorded so a test's afterAll
 * can kill whatever is left with `killAll()`.
 */
import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Member } from '../members.ts'
import { generatePeerKey, peerIdOfKey, writePeerKeyFile } from '../peer-key.ts'

const NODE = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url))
const SCRIPT = fileURLToPath(new URL('./peer-process.ts', import.meta.url))

/** A fresh transport key in `dir`; returns its file and PeerId. */
export async function makeKeyFile(dir: string, name: string): Promise<{ keyFile: string; peerId: string }> {
  const key = await generatePeerKey()
  const keyFile = join(dir, `${name}.key`)
  writePeerKeyFile(keyFile, key)
  return { keyFile, peerId: peerIdOfKey(key) }
}

export function writeMembersFile(dir: string, name: string, members: readonly Member[]): string {
  const file = join(dir, `${name}.members.json`)
  writeFileSync(file, JSON.stringify(members))
  return file
}

export type PeerLine = Record<string, unknown>

const running = new Set<PeerProcess>()

export class PeerProcess {
  readonly lines: PeerLine[] = []
  readonly exited: Promise<number | null>
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>
  readonly #waiters = new Set<() => void>()
  #nextId = 1
  stderr = ''

  private constructor(args: string[]) {
    this.#child = spawn(NODE, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    running.add(this)
    this.exited = new Promise((resolve) =>
      this.#child.on('exit', (code) => {
        running.delete(this)
        resolve(code)
        this.#notify()
      }),
    )
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as PeerLine)
      this.#notify()
    })
  }

  /** Start a peer and wait for its 'ready' line. */
  static async start(options: {
    keyFile: string
    membersFile: string
    listen?: string
  }): Promise<PeerProcess & { peerId: string; addresses: string[] }> {
    const args = [
      '--key',
      options.keyFile,
      '--members',
      options.membersFile,
      '--listen',
      options.listen ?? '/ip4/127.0.0.1/tcp/0',
    ]
    const peer = new PeerProcess(args)
    const ready = await peer.waitFor((line) => line.event === 'ready', 15_000)
    return Object.assign(peer, { peerId: String(ready.peerId), addresses: ready.addresses as string[] })
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  /** The first line (already seen or to come) matching the predicate. */
  async waitFor(match: (line: PeerLine) => boolean, timeoutMs = 10_000): Promise<PeerLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(match)
        if (found !== undefined) finish(() => resolve(found))
        else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          finish(() => reject(new Error(`peer exited before the expected line; stderr: ${this.stderr}`)))
        }
      }
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`timed out; lines: ${JSON.stringify(this.lines).slice(0, 2000)}; stderr: ${this.stderr}`)),
          ),
        timeoutMs,
      )
      const finish = (settle: () => void): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
        settle()
      }
      this.#waiters.add(check)
      check()
    })
  }

  /** Send a command and wait for the line answering it. */
  async command(command: Record<string, unknown>, timeoutMs = 20_000): Promise<PeerLine> {
    const id = this.#nextId++
    this.#child.stdin.write(`${JSON.stringify({ ...command, id })}\n`)
    return this.waitFor((line) => line.id === id, timeoutMs)
  }

  /** Poll 'status' until the predicate holds. */
  async waitForStatus(match: (status: PeerLine) => boolean, timeoutMs = 10_000): Promise<PeerLine> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const status = await this.command({ cmd: 'status' })
      if (match(status)) return status
      if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal)
    await this.exited
  }
}

/** Kill every peer process still running (for afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((peer) => peer.kill('SIGKILL')))
}
