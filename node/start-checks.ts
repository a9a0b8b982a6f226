/**
 * A start that cannot go ahead says which option to change. Before runNode opens the store it
 * binds, and at once frees, the API port and the libp2p TCP ports node.json names (after the
 * environment, node/config-env.ts), so a port in use stops the start before anything is created in
 * the data folder; the same failures met later (a port taken in between) get the same words.
 *
 * LevelDB's LOCK file says that the store is held, not by whom: a started node writes its pid to
 * sis.pid in the data folder (atomically, once it holds the lock) and removes it when it stops, and
 * a start refused by the lock reads it. A pid file left by kill -9 is harmless: the lock decides,
 * the pid only names the holder.
 */
import { readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { DATA_FILES } from './config.ts'
import type { NodeFile } from './config.ts'
import { StoreLockedError, inspectStoreFolder } from './storage/level-store.ts'
import { writeFileAtomic } from '../shared/files.ts'

/** What stopped the start: the API's address, a libp2p listen address, or the store held by another process. */
export type StartProblem = 'api-address' | 'p2p-address' | 'store-locked'

export class StartError extends Error {
  override readonly name = 'StartError'
  readonly problem: StartProblem
  /** What the operator can do about it. */
  readonly hint: string
  constructor(problem: StartProblem, message: string, hint: string) {
    super(message)
    this.problem = problem
    this.hint = hint
  }
}

const REASON: Record<string, string> = {
  EADDRINUSE: 'is in use',
  EADDRNOTAVAIL: 'is not an address of this machine',
  EACCES: 'needs a privilege this process lacks (a port below 1024?)',
}

function apiRefused(host: string, port: number, code: string | undefined): StartError {
  const option =
    code === 'EADDRNOTAVAIL' ? '`api.host` in node.json or SIS_API_HOST' : '`api.port` in node.json or SIS_API_PORT'
  const what = code === 'EADDRNOTAVAIL' ? `the API host ${host}` : `the API port ${port}`
  return new StartError(
    'api-address',
    `${what} ${REASON[code ?? ''] ?? `cannot be listened on (${code ?? 'unknown error'})`}: change ${option}`,
    'see docs/configuration.md',
  )
}

function p2pRefused(address: string, code: string | undefined): StartError {
  return new StartError(
    'p2p-address',
    `the libp2p address ${address} ${REASON[code ?? ''] ?? `cannot be listened on (${code ?? 'unknown error'})`}: change \`listen\` in node.json or SIS_LISTEN`,
    'the other members dial the addresses of the membership: keep the port they know, free it, or update your member card',
  )
}

/** The error of binding host:port (then closed at once), or undefined when the port is free. */
function bindError(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/** The IP host and TCP port of a listen multiaddr; undefined for one that names no fixed TCP port on an IP. */
function tcpOf(address: string): { host: string; port: number } | undefined {
  const [ip, tcp] = multiaddr(address).getComponents()
  if ((ip?.name !== 'ip4' && ip?.name !== 'ip6') || tcp?.name !== 'tcp' || ip.value === undefined) return undefined
  const port = Number(tcp.value)
  return port === 0 ? undefined : { host: ip.value, port }
}

/**
 * Refuses the start, before anything is opened, when the store folder is held by another process
 * (`storeFolder`: the data folder's LevelDB, when runNode opens it) or a port node.json names cannot
 * be listened on. The lock first: a second start on a folder also finds its ports taken.
 */
export async function checkStart(file: NodeFile, dataDir: string, storeFolder?: string): Promise<void> {
  if (storeFolder !== undefined && (await inspectStoreFolder(storeFolder)) === 'locked') throw lockedError(dataDir)
  if (file.api.port !== 0) {
    const e = await bindError(file.api.host, file.api.port)
    if (e !== undefined) throw apiRefused(file.api.host, file.api.port, e.code)
  }
  for (const address of file.listen) {
    const tcp = tcpOf(address)
    const e = tcp === undefined ? undefined : await bindError(tcp.host, tcp.port)
    if (e !== undefined) throw p2pRefused(address, e.code)
  }
}

const pidPath = (dataDir: string): string => join(dataDir, DATA_FILES.pid)

/** Records this process as the store's holder; call once the store is open (its lock taken). */
export function writePidFile(dataDir: string): void {
  writeFileAtomic(pidPath(dataDir), `${process.pid}\n`)
}

/** Removes the pid file if it names this process; call while the store is still open. */
export function removePidFile(dataDir: string): void {
  if (lockHolder(dataDir) === process.pid) rmSync(pidPath(dataDir), { force: true })
}

function lockHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidPath(dataDir), 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function lockedError(dataDir: string): StartError {
  const pid = lockHolder(dataDir)
  return new StartError(
    'store-locked',
    `the store is locked by ${pid === undefined ? 'another process' : `process ${pid}`} (another sis start on this data folder)`,
    pid === undefined
      ? 'stop the other node on this folder first'
      : `stop that node first (kill -TERM ${pid}), or start this one on another data folder`,
  )
}

/** The error a failed start reports: the option to change when it is one of the above, else `e` itself. */
export function explainStartFailure(e: unknown, file: NodeFile, dataDir: string): unknown {
  if (e instanceof StartError) return e
  if (e instanceof StoreLockedError) return lockedError(dataDir)
  const errno = e as NodeJS.ErrnoException & { port?: number }
  if (errno.syscall === 'listen' && errno.port === file.api.port)
    return apiRefused(file.api.host, file.api.port, errno.code)
  if (e instanceof Error && e.name === 'UnsupportedListenAddressesError') {
    const code = /\b(EADDRINUSE|EADDRNOTAVAIL|EACCES)\b/.exec(e.message)?.[1]
    const address = file.listen.find((a) => e.message.includes(`${a}:`)) ?? file.listen.join(', ')
    return p2pRefused(address, code)
  }
  return e
}
