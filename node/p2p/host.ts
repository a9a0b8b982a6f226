/**
 * The node's libp2p host: TCP + Noise + yamux, identify, ping and a members-only Kademlia for peer
 * routing, all under the private protocol prefix. Only federation members get through: the gater
 * refuses everyone else after Noise has proven who they are, every connection that opens is
 * checked again (the membership may have changed since the handshake began), and every request
 * handler checks the sender once more. Members are dialed at start and redialed with backoff for
 * as long as they are away.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import type { Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { P2PError, toP2PError } from './errors.ts'
import { checkFrames, resolveLimits } from './framing.ts'
import type { FrameLimits, Frames } from './framing.ts'
import { membershipGater } from './members.ts'
import type { DeniedListener, MemberDirectory } from './members.ts'
import {
  DEFAULT_PROTOCOL_PREFIX,
  checkProtocolPrefix,
  kadProtocolId,
  requestProtocolId,
  serviceProtocolPrefix,
} from './protocols.ts'
import { DEFAULT_BACKOFF, MemberDialer } from './reconnect.ts'
import type { BackoffPolicy } from './reconnect.ts'
import { exchange, serveRequests } from './rpc.ts'
import type { RequestHandler } from './rpc.ts'
import { KeyedLimiter, Listeners, memberMultiaddrs, silentLogger } from './support.ts'
import type { P2PLogger } from './support.ts'

export interface P2PHostOptions {
  /** The node's libp2p identity (Ed25519); its PeerId is what the membership lists. */
  readonly privateKey: PrivateKey
  /** Multiaddrs to listen on, e.g. '/ip4/0.0.0.0/tcp/4001' ('/tcp/0' picks a free port). */
  readonly listen: readonly string[]
  readonly members: MemberDirectory
  /** Default '/carec-sis'. */
  readonly protocolPrefix?: string
  readonly logger?: P2PLogger
  /** Redial backoff for absent members; default 0.5 s doubling to 30 s, with jitter. */
  readonly reconnect?: Partial<BackoffPolicy>
  /** One dial attempt's limit; default 5 s. */
  readonly dialTimeoutMs?: number
  /**
   * Requests in flight to one member; more wait their turn (within their timeout). Default 8,
   * the default per-peer limit of `handle`, so a burst is queued here rather than refused BUSY.
   */
  readonly maxOutboundPerMember?: number
}

export interface HandleOptions extends Partial<FrameLimits> {
  /** Concurrent requests of one peer on this protocol (over all its connections); default 8. */
  readonly maxInboundStreams?: number
  /** Reading the request, running the handler and writing the answer; default 30 s. */
  readonly timeoutMs?: number
}

export interface RequestOptions extends Partial<FrameLimits> {
  /** Dialing, sending and receiving the whole answer; default 10 s. */
  readonly timeoutMs?: number
}

type Services = { identify: Identify; ping: Ping; dht: KadDHT }

export class P2PHost {
  readonly peerId: string
  readonly protocolPrefix: string
  readonly #libp2p: Libp2p<Services>
  readonly #members: MemberDirectory
  readonly #logger: P2PLogger
  readonly #dialer: MemberDialer
  readonly #dialTimeoutMs: number
  readonly #outbound: KeyedLimiter
  /** The country each connected member had when it connected, to report its departure even after removal. */
  readonly #connected = new Map<string, string>()
  readonly #onConnected = new Listeners<[country: string]>()
  readonly #onDisconnected = new Listeners<[country: string]>()
  readonly #onDenied = new Listeners<Parameters<DeniedListener>>()

  private constructor(
    libp2p: Libp2p<Services>,
    options: P2PHostOptions,
    prefix: string,
    denied: Listeners<Parameters<DeniedListener>>,
  ) {
    this.#libp2p = libp2p
    denied.add((peerId, direction) => this.#denied(peerId, direction))
    this.peerId = libp2p.peerId.toString()
    this.protocolPrefix = prefix
    this.#members = options.members
    this.#logger = options.logger ?? silentLogger
    this.#dialTimeoutMs = options.dialTimeoutMs ?? 5_000
    this.#outbound = new KeyedLimiter(options.maxOutboundPerMember ?? 8)
    this.#dialer = new MemberDialer({
      dial: async (peerId) => {
        await this.#libp2p.dial(peerIdFromString(peerId), { signal: AbortSignal.timeout(this.#dialTimeoutMs) })
      },
      isConnected: (peerId) => this.#libp2p.getConnections(peerIdFromString(peerId)).length > 0,
      isMember: (peerId) => this.#members.countryOf(peerId) !== undefined,
      policy: { ...DEFAULT_BACKOFF, ...options.reconnect },
      onAttemptFailed: (peerId, attempt, error, nextDelayMs) =>
        this.#logger.debug(
          { country: this.#members.countryOf(peerId), attempt, nextDelayMs, error: String(error) },
          'p2p: dial failed, retrying',
        ),
    })
    libp2p.addEventListener('connection:open', ({ detail: connection }) => {
      // Second line behind the gater: the membership may have changed during the handshake.
      const peerId = connection.remotePeer.toString()
      if (this.#members.countryOf(peerId) === undefined) {
        this.#denied(peerId, connection.direction)
        connection.abort(new P2PError('NOT_MEMBER', 'not a federation member'))
      }
    })
    libp2p.addEventListener('peer:connect', ({ detail }) => this.#peerConnected(detail.toString()))
    libp2p.addEventListener('peer:disconnect', ({ detail }) => this.#peerDisconnected(detail.toString()))
  }

  /** Builds the host without starting it: register handlers, then `start()`. */
  static async create(options: P2PHostOptions): Promise<P2PHost> {
    const prefix = checkProtocolPrefix(options.protocolPrefix ?? DEFAULT_PROTOCOL_PREFIX)
    const self = peerIdFromPrivateKey(options.privateKey).toString()
    // The gater exists before the host does; it reports refusals through this relay.
    const denied = new Listeners<Parameters<DeniedListener>>()
    const libp2p = await createLibp2p<Services>({
      start: false,
      privateKey: options.privateKey,
      addresses: { listen: [...options.listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      // A member that opens many streams the moment it connects (an outbox flush) must not
      // have the connection aborted: yamux allows only 10 streams before libp2p takes over.
      streamMuxers: [yamux({ maxEarlyStreams: 64 })],
      connectionGater: membershipGater(options.members, self, (peerId, direction) =>
        denied.emit(silentLogger, peerId, direction),
      ),
      connectionManager: { dialTimeout: options.dialTimeoutMs ?? 5_000 },
      nodeInfo: { userAgent: 'carec-sis-node' },
      services: {
        identify: identify({ protocolPrefix: serviceProtocolPrefix(prefix) }),
        ping: ping({ protocolPrefix: serviceProtocolPrefix(prefix) }),
        // Server mode: members are dialable by definition; passthrough keeps LAN and loopback
        // addresses, which the default mapper would strip as "private".
        dht: kadDHT({ protocol: kadProtocolId(prefix), clientMode: false, peerInfoMapper: passthroughMapper }),
      },
    })
    return new P2PHost(libp2p, options, prefix, denied)
  }

  async start(): Promise<void> {
    this.#dialer.resume()
    await this.#libp2p.start()
    await this.syncMembers()
  }

  async stop(): Promise<void> {
    this.#dialer.stop()
    await this.#libp2p.stop()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Listening multiaddrs, each ending in /p2p/<peerId>. */
  addresses(): string[] {
    return this.#libp2p.getMultiaddrs().map((address) => address.toString())
  }

  /** Countries of the members with an open connection, sorted. */
  connectedMembers(): string[] {
    const countries = new Set<string>()
    for (const peer of this.#libp2p.getPeers()) {
      const country = this.#members.countryOf(peer.toString())
      if (country !== undefined) countries.add(country)
    }
    return [...countries].sort()
  }

  /** Every PeerId with an open connection (members only, unless the gate failed): for diagnostics. */
  connectedPeers(): string[] {
    return this.#libp2p.getPeers().map((peer) => peer.toString())
  }

  onMemberConnected(listener: (country: string) => void): () => void {
    return this.#onConnected.add(listener)
  }

  onMemberDisconnected(listener: (country: string) => void): () => void {
    return this.#onDisconnected.add(listener)
  }

  /** Called whenever the gate refuses a peer (a stranger knocking, or a dial to a non-member). */
  onPeerDenied(listener: DeniedListener): () => void {
    return this.#onDenied.add(listener)
  }

  /**
   * Re-read the membership: hang up on peers that are no longer members, learn the members'
   * addresses and dial those not connected. Called by start(), and by the node after a change.
   */
  async syncMembers(): Promise<void> {
    for (const connection of this.#libp2p.getConnections()) {
      if (this.#members.countryOf(connection.remotePeer.toString()) === undefined) {
        connection.abort(new P2PError('NOT_MEMBER', 'removed from the membership'))
      }
    }
    for (const member of this.#members.members()) {
      if (member.peerId === this.peerId) continue
      let peerId: PeerId
      try {
        peerId = peerIdFromString(member.peerId)
      } catch (error) {
        // One malformed entry must not keep the node from reaching the other members.
        this.#logger.warn(
          { country: member.country, peerId: member.peerId, error: String(error) },
          'p2p: skipped a member with an invalid PeerId',
        )
        continue
      }
      const multiaddrs = memberMultiaddrs(member, this.#logger)
      if (multiaddrs.length > 0) await this.#libp2p.peerStore.merge(peerId, { multiaddrs })
      if (this.#libp2p.getConnections(peerId).length === 0) this.#dialer.ensure(member.peerId)
    }
  }

  /** Serve `${prefix}/${name}/1.0.0`. A handler that throws answers REMOTE_ERROR (a P2PError keeps its code). */
  async handle(name: string, handler: RequestHandler, options: HandleOptions = {}): Promise<void> {
    const protocol = requestProtocolId(this.protocolPrefix, name)
    const maxInboundPerPeer = options.maxInboundStreams ?? 8
    await this.#libp2p.handle(
      protocol,
      serveRequests({
        protocol,
        handler,
        limits: resolveLimits(options),
        timeoutMs: options.timeoutMs ?? 30_000,
        maxInboundPerPeer,
        countryOf: (peerId) => this.#members.countryOf(peerId),
        logger: this.#logger,
      }),
      {
        // libp2p's own cap is per connection; ours (per peer, in serveRequests) answers BUSY instead
        // of a bare reset. The slack leaves room for refused streams still draining.
        maxInboundStreams: 2 * maxInboundPerPeer + 2,
      },
    )
  }

  async unhandle(name: string): Promise<void> {
    await this.#libp2p.unhandle(requestProtocolId(this.protocolPrefix, name))
  }

  /** Send a request to a member country and wait for its answer, dialing it if needed. */
  async request(country: string, name: string, frames: Frames, options: RequestOptions = {}): Promise<Frames> {
    const protocol = requestProtocolId(this.protocolPrefix, name)
    const member = this.#members.members().find((m) => m.country === country)
    if (member === undefined || this.#members.countryOf(member.peerId) !== country) {
      throw new P2PError('NOT_MEMBER', `${country} is not a federation member`)
    }
    if (member.peerId === this.peerId) throw new P2PError('UNREACHABLE', `${country} is this node`)
    const limits = resolveLimits(options)
    checkFrames(frames, limits, 'the request')
    const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000)
    let release: (() => void) | undefined
    try {
      release = await this.#outbound.acquire(member.peerId, signal)
      const stream = await this.#libp2p.dialProtocol(peerIdFromString(member.peerId), protocol, { signal })
      return await exchange(stream, frames, limits, signal)
    } catch (error) {
      throw toP2PError(error, `${name} to ${country}`, signal.aborted)
    } finally {
      release?.()
    }
  }

  #peerConnected(peerId: string): void {
    const country = this.#members.countryOf(peerId)
    if (country === undefined) return
    this.#dialer.connected(peerId)
    this.#connected.set(peerId, country)
    this.#logger.info({ country, peerId }, 'p2p: member connected')
    this.#onConnected.emit(this.#logger, country)
  }

  #peerDisconnected(peerId: string): void {
    const country = this.#connected.get(peerId)
    if (country === undefined) return
    this.#connected.delete(peerId)
    this.#logger.info({ country, peerId }, 'p2p: member disconnected')
    this.#onDisconnected.emit(this.#logger, country)
    if (this.#libp2p.status === 'started') this.#dialer.disconnected(peerId)
  }

  #denied(peerId: string, direction: Parameters<DeniedListener>[1]): void {
    this.#logger.warn({ peerId, direction }, 'p2p: refused a non-member')
    this.#onDenied.emit(this.#logger, peerId, direction)
  }
}
