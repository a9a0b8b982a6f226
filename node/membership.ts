/**
 * The node's membership keeping (docs/protocol/membership.md): the version in force and every
 * version adopted before it (entries are judged under the version of their time). At start it
 * stores the version it was given and replays the newer stored ones in sequence; later it adopts
 * a newer version an admin hands over (updateMembership) or a peer sends (the membership
 * protocol), each verified against the one in force, stored, then adopted.
 */
import type { Logger } from 'pino'
import { SisError, isSisError } from '../protocol/errors.ts'
import type { Membership } from '../protocol/membership/index.ts'
import {
  inForce,
  membershipHash,
  SignedMembership,
  verifySignedMembership,
  withHistory,
} from '../protocol/membership/index.ts'
import { NodeError } from './errors.ts'
import type { Transport } from './replication.ts'
import type { Principal } from './service.ts'
import type { MembershipSlice } from './storage/types.ts'
import { SerialQueue } from '../shared/serial.ts'

export interface MembershipKeeperDeps {
  readonly country: string
  readonly store: MembershipSlice
  /** The membership the node was configured with, and its signed file as read (JSON). */
  readonly initial: Membership
  readonly signed?: unknown
  /** This node's PeerId and signing key: the version in force must list them, or every member would refuse it. */
  readonly self?: { readonly peerId: string; readonly keyId: string; readonly publicKey: string }
  now(): string
  /** Called with the view over every version adopted (history included) after each adoption. */
  adopted(view: Membership): void
  /** The logger and the transport once the node is started. */
  logger(): Logger | undefined
  transport():
    | (Pick<Transport, 'request'> & Partial<Pick<Transport, 'connectedMembers'>> & { membersChanged?(): Promise<void> })
    | undefined
}

export class MembershipKeeper {
  readonly #deps: MembershipKeeperDeps
  #current: Membership
  /** Every version adopted, oldest first: entries are judged under the version of their time. */
  #versions: Membership[] = []
  /** Adoptions one at a time: peers answering at once hand over the same version twice. */
  readonly #adopting = new SerialQueue()
  /** Members this node is fetching newer versions from now (behind). */
  readonly #fetching = new Set<string>()

  constructor(deps: MembershipKeeperDeps) {
    this.#deps = deps
    this.#current = deps.initial
  }

  /** The membership in force (the newest adopted). */
  get current(): Membership {
    return this.#current
  }

  /** Stores the membership given at start, and adopts any newer stored version (in sequence). */
  async load(): Promise<void> {
    const { store, country } = this.#deps
    const enc = new TextEncoder()
    if (this.#deps.signed !== undefined && (await store.getMembership(this.#current.document.version)) === undefined) {
      await store.putMembership(this.#current.document.version, enc.encode(JSON.stringify(this.#deps.signed)))
    }
    this.#versions = [this.#current]
    const latest = await store.latestMembership()
    for (let v = this.#current.document.version + 1; latest !== undefined && v <= latest.version; v++) {
      const next = await store.getMembership(v)
      if (next === undefined) break
      const signed = JSON.parse(new TextDecoder().decode(next)) as {
        document: { issuedAt?: string; validFrom: string }
      }
      // Each stored version was checked when adopted; replay that check as of its own drafting.
      this.#set(verifySignedMembership(signed, signed.document.issuedAt ?? signed.document.validFrom, this.#current))
    }
    const doc = this.#current.document
    const now = this.#deps.now()
    if (!this.#current.isMember(country))
      throw new SisError(
        'MEMBERSHIP_INVALID',
        `membership: ${country} is not a member of version ${doc.version}: the node fails closed`,
        { version: doc.version },
      )
    const self = this.#deps.self
    const me = doc.members.find((m) => m.country === country)
    if (self !== undefined && me?.peerId !== undefined && me.peerId !== self.peerId)
      throw new SisError(
        'MEMBERSHIP_INVALID',
        `membership: version ${doc.version} lists ${country} with PeerId ${me.peerId}, but this node's p2p.key is ${self.peerId}: every member would refuse its connections (a re-initialised data folder?); put back the p2p.key of that PeerId, or have a version with this node's member card adopted`,
        { version: doc.version },
      )
    if (self !== undefined && !me?.keys.some((k) => k.keyId === self.keyId && k.publicKey === self.publicKey))
      throw new SisError(
        'MEMBERSHIP_INVALID',
        `membership: version ${doc.version} does not pin ${country}'s signing key ${self.keyId} (signing.pem): every member would refuse what this node signs; see sis key rotate|activate`,
        { version: doc.version },
      )
    if (!inForce(doc, now))
      throw new SisError(
        'MEMBERSHIP_INVALID',
        `membership: version ${doc.version}, the newest held, is valid from ${doc.validFrom} to ${doc.validUntil}, not now (${now}): the node fails closed`,
        { version: doc.version },
      )
  }

  #set(m: Membership): void {
    if (this.#versions.at(-1) !== m) this.#versions.push(m)
    this.#current = m
    this.#deps.adopted(withHistory(this.#versions))
  }

  /**
   * Verifies a signed membership against the one in force, stores it, and adopts it; then tells
   * the connected members, so that those behind fetch it at once. A version already held, the
   * same document (two peers handed it over at once), is taken as done, without a second
   * adoption or log line; another document under a held version number is refused as before.
   */
  adopt(signed: unknown): Promise<number> {
    return this.#adopting.run(async () => {
      // The very document of a version held (by its hash): done. Any other goes to the check.
      const given = SignedMembership.safeParse(signed).data?.document
      const held = this.#versions.find((m) => m.document.version === given?.version)?.document
      if (given !== undefined && held !== undefined && membershipHash(held) === membershipHash(given))
        return this.#current.document.version
      const next = verifySignedMembership(signed, this.#deps.now(), this.#current)
      await this.#deps.store.putMembership(next.document.version, new TextEncoder().encode(JSON.stringify(signed)))
      this.#set(next)
      this.#deps.logger()?.info({ version: next.document.version }, 'membership updated')
      await this.#deps.transport()?.membersChanged?.()
      this.#announce()
      return next.document.version
    })
  }

  /**
   * Names the version in force to every connected member (a membership request whose answer is
   * empty for those not behind): a member behind asks back for the newer versions (the handler's
   * `ahead`). Not awaited; a member missed here learns it at its next sync.
   */
  #announce(): void {
    const t = this.#deps.transport()
    for (const country of t?.connectedMembers?.() ?? [])
      t!.request(country, 'membership', [this.#request()], { timeoutMs: 10_000 }).catch(() => undefined)
  }

  /** A member named a newer version than ours (the membership handler): fetch it, once at a time per member. */
  behind(country: string): void {
    if (this.#fetching.has(country)) return
    this.#fetching.add(country)
    this.syncFrom(country)
      .catch((e: unknown) => this.#deps.logger()?.debug({ peer: country, error: String(e) }, 'membership fetch failed'))
      .finally(() => this.#fetching.delete(country))
  }

  /** The membership protocol's request: the version in force here. */
  #request(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ version: this.#current.document.version }))
  }

  /** Asks a peer for the versions newer than the one in force, and adopts them in order. */
  async syncFrom(country: string): Promise<void> {
    const t = this.#deps.transport()
    if (t === undefined) return
    const newer = await t.request(country, 'membership', [this.#request()], { timeoutMs: 10_000 })
    for (const frame of newer) {
      try {
        await this.adopt(JSON.parse(new TextDecoder().decode(frame)))
      } catch (e) {
        this.#deps
          .logger()
          ?.warn(
            { peer: country, code: isSisError(e) ? e.code : 'ERROR' },
            'a newer membership from a peer was refused',
          )
        break
      }
    }
  }

  /** An admin hands over a newer signed version (PUT /v1/admin/membership). */
  async update(principal: Principal, signed: unknown): Promise<{ version: number }> {
    if (principal.role !== 'admin')
      throw new NodeError('NODE_FORBIDDEN', 'only an admin changes the membership', { role: principal.role })
    try {
      return { version: await this.adopt(signed) }
    } catch (e) {
      // A refused document is bad input (400), not a node whose own membership failed (503).
      if (e instanceof SisError && e.code === 'MEMBERSHIP_INVALID')
        throw new SisError('MSG_INVALID_VALUE', e.message, e.details)
      throw e
    }
  }
}
