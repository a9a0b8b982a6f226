/**
 * A running node, assembled: the store, the libp2p host that admits only members, the transport
 * over it, the metrics, the HTTP API with the data folder's tokens, the logger, and SisNode
 * started on them. `sis start` reads the data folder and its flags, calls runNode, and wires what
 * is cli's (the adapters, through `attach`; the signals; the ready line).
 *
 * stop() brings it down in order: what `attach` started first (adapters still reach an open node
 * with what they have in flight), then the node: API closed, libp2p stopped, store closed. A start
 * that fails half-way closes what it had opened before the error is passed on, so the data folder
 * can be started again at once, and removes the store it created if the API never opened; the
 * ports are checked before the store is opened, and the error names the option to change
 * (node/start-checks.ts). Log lines carry ISO 8601 times.
 */
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Logger } from 'pino'
import { LOCAL_PEER, createApi, createMetrics, startApi } from './api/index.ts'
import type { ApiOptions } from './api/index.ts'
import { DATA_FILES } from './config.ts'
import type { NodeConfig } from './config.ts'
import { SisNode } from './node.ts'
import type { NodeParts } from './node.ts'
import { P2PHost, staticMemberDirectory } from './p2p/index.ts'
import type { MemberDirectory } from './p2p/index.ts'
import { checkStart, explainStartFailure, removePidFile, writePidFile } from './start-checks.ts'
import type { Store } from './storage/types.ts'
import { TokenStore } from './tokens.ts'
import { UserStore } from './users.ts'

export interface RunNodeOptions {
  /** The logger; by default JSON lines on standard output named `sis-<country>`, at `logLevel`. */
  readonly logger?: Logger
  /** debug, info, warn or error (default info); for the logger made here only. */
  readonly logLevel?: string
  /** The API tokens; by default the data folder's tokens.json, managed through /v1/admin/tokens. */
  readonly tokens?: ApiOptions['tokens']
  /** The store; by default the LevelDB store in the data folder. */
  readonly store?: Store
  /**
   * Called once the node is up (its API listening, libp2p started), with the node and the logger;
   * what it returns is stopped first by stop(). cli/ runs the adapters of node.json here, as
   * node/ may not import them.
   */
  readonly attach?: (node: SisNode, logger: Logger) => (() => Promise<void>) | Promise<() => Promise<void>>
}

export interface RunningNode {
  /** The started node: the service its API, its adapters and tests call. */
  readonly node: SisNode
  readonly logger: Logger
  /** The API's base URL (its port chosen by the system when node.json says 0). */
  readonly apiUrl: string
  readonly peerId: string
  /** Listening multiaddrs, each ending in /p2p/<peerId>. */
  addresses(): string[]
  /** Stops it all, once (a second call waits for the first). */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** The members with a PeerId, read from the node's membership on every decision, so a change takes effect at once. */
function liveMemberDirectory(node: SisNode): MemberDirectory {
  const directory = () =>
    staticMemberDirectory(
      node.membership.document.members
        .filter((m) => m.peerId !== undefined)
        .map((m) => ({ country: m.country, peerId: m.peerId as string, addresses: m.addresses ?? [] })),
    )
  return { countryOf: (peerId) => directory().countryOf(peerId), members: () => directory().members() }
}

function transportOver(host: P2PHost): NodeParts['transport'] {
  return {
    handle: (name, handler) => host.handle(name, handler),
    request: (country, name, frames, opts) => host.request(country, name, frames, opts),
    connectedMembers: () => host.connectedMembers(),
    start: () => host.start(),
    stop: () => host.stop(),
    onMemberConnected: (cb) => {
      host.onMemberConnected(cb)
    },
    membersChanged: () => host.syncMembers(),
  }
}

/** Assembles and starts the node of `config` (a data folder read by readNodeConfig). */
export async function runNode(config: NodeConfig, options: RunNodeOptions = {}): Promise<RunningNode> {
  const logger =
    options.logger ??
    pino({
      name: `sis-${config.file.country}`,
      level: options.logLevel ?? 'info',
      redact: ['req.headers.authorization'],
      timestamp: pino.stdTimeFunctions.isoTime,
    })
  const ownStore = options.store === undefined
  const storeFolder = join(config.dataDir, DATA_FILES.store)
  await checkStart(config.file, config.dataDir, ownStore ? storeFolder : undefined)
  const freshStore = ownStore && !existsSync(storeFolder)
  const node = new SisNode(config, options.store)
  const host = await P2PHost.create({
    privateKey: config.p2pKey,
    listen: config.file.listen,
    members: liveMemberDirectory(node),
    logger: logger.child({ part: 'p2p' }),
  })
  // Read at scrape time: the membership in force (a later version's members get their series at once), who is connected.
  const metrics = createMetrics({
    peers: () => node.membership.document.members.map((m) => m.country).filter((c) => c !== node.country),
    connected: () => host.connectedMembers(),
    membership: () => node.membership.document,
  })
  let detach: (() => Promise<void>) | undefined
  let stopping: Promise<void> | undefined
  let apiUrl: string
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await detach?.()
      } finally {
        // While the store is still held: a start waiting for the lock writes its own.
        if (ownStore) removePidFile(config.dataDir)
        await node.stop()
      }
    })()
    return stopping
  }
  try {
    const tokens = options.tokens ?? TokenStore.open(config.dataDir)
    const users = UserStore.open(config.dataDir)
    const app = createApi({ service: node, tokens, users, logger: logger.child({ part: 'api' }), metrics })
    await node.start({
      transport: transportOver(host),
      api: { app, listen: () => startApi(app, { host: config.file.api.host, port: config.file.api.port }) },
      logger,
      metrics: {
        refused: (code, peer) => metrics.rejectsTotal.inc({ code, peer: peer ?? LOCAL_PEER }),
        received: (peer, n) => metrics.entriesIn.inc({ peer }, n),
        delivered: (peer, n) => metrics.entriesOut.inc({ peer }, n),
        outbox: (depths) => {
          for (const [peer, n] of Object.entries(depths)) metrics.outboxDepth.set({ peer }, n)
        },
        peers: (n) => metrics.peersConnected.set(n),
        lag: (peer, seconds) => metrics.replicationLag.set({ peer }, seconds),
      },
    })
    if (node.apiUrl === undefined) throw new Error('the node started without its API')
    apiUrl = node.apiUrl
    if (ownStore) writePidFile(config.dataDir)
    if (options.attach !== undefined) detach = await options.attach(node, logger)
  } catch (e) {
    // Close what was opened (the store's lock, the host, the API port); the start's error is the one to report.
    await stop().catch((closing: unknown) => logger.warn({ error: String(closing) }, 'closing after a failed start'))
    // Nobody could have written to a store whose API never opened: a store this start created goes too.
    if (freshStore && node.apiUrl === undefined) rmSync(storeFolder, { recursive: true, force: true })
    throw explainStartFailure(e, config.file, config.dataDir)
  }
  return {
    node,
    logger,
    apiUrl,
    peerId: host.peerId,
    addresses: () => host.addresses(),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
