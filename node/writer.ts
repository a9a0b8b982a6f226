/**
 * Writing as this node: an entry drafted on the document's log (header from authoring.ts),
 * dry-run through its kind's machine (an entry the node's own rules judge ineffective is refused,
 * never signed), signed and stored through the replicator in one serialized step. Also what the
 * node lends its document kinds (KindContext, node/kinds/kind.ts), the kinds' commands, and their
 * reactions to changed documents, one at a time.
 */
import type { Logger } from 'pino'
import type { SigningKey } from '../protocol/crypto/index.ts'
import { signXml } from '../protocol/dsig/index.ts'
import { kindOfType } from '../protocol/kinds/index.ts'
import { DocumentLog, dryRun, entryOf, readAllEntries } from '../protocol/log/index.ts'
import type { DocumentState } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { encodeMessage } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName, TypedMessage } from '../protocol/messages/index.ts'
import { SerialQueue } from '../shared/serial.ts'
import { sees } from './access.ts'
import { headerFor } from './authoring.ts'
import type { DocumentCache } from './documents.ts'
import { stateOf } from './documents.ts'
import { NodeError } from './errors.ts'
import type { KindContext } from './kinds/kind.ts'
import { NODE_KINDS, nodeKind } from './kinds/registry.ts'
import { mayWrite } from './kinds/scope.ts'
import type { Frames, IngestResult, Replicator, Transport } from './replication.ts'
import type { Principal, SubmitResult } from './service.ts'
import type { DocumentSlice, EntrySlice } from './storage/types.ts'

export interface WriterDeps {
  readonly country: string
  /** The key id and key this node signs its entries with. */
  readonly keyId: string
  readonly signingKey: SigningKey
  readonly replicator: Pick<Replicator, 'serial' | 'ingestUnlocked'>
  readonly docs: Pick<DocumentCache, 'get'>
  readonly store: Pick<DocumentSlice, 'getDocument' | 'search'> & Pick<EntrySlice, 'entriesOf'>
  /** The membership in force. */
  membership(): Membership
  now(): string
  /** The transport and the logger once the node is starting (undefined before). */
  transport(): Pick<Transport, 'request'> | undefined
  logger(): Logger | undefined
}

export class Writer {
  readonly #deps: WriterDeps
  #serialCounter = 0
  /** Kind reactions run one at a time, each on the state as it is then (no double reservation). */
  readonly #reactions = new SerialQueue()

  constructor(deps: WriterDeps) {
    this.#deps = deps
  }

  /**
   * The entry this node would write: header from the log, body as given, encoded (which
   * validates it) and dry-run through the kind's machine. Nothing is signed unless the entry
   * would take effect (an honest node never signs an entry its own rules reject). `doc` is the
   * document as held (its cached state is that of its log).
   */
  #draft(
    type: string,
    body: Record<string, unknown>,
    documentId: string,
    doc: { readonly log: DocumentLog; readonly state: DocumentState },
  ): Uint8Array {
    const membership = this.#deps.membership()
    const { log, state } = doc
    const kind = kindOfType(type)
    if (kind === undefined)
      throw new NodeError('NODE_CONFLICT', `${type} is not a log entry of any document kind`, { type })
    if (log.size > 0 && state.kind !== kind.name)
      throw new NodeError('NODE_CONFLICT', `${documentId} is a ${state.kind} document: ${type} does not belong in it`, {
        documentId,
        type,
      })
    const header = headerFor(type, {
      country: this.#deps.country,
      keyId: this.#deps.keyId,
      documentId,
      log,
      authority: kind.authority(type, state.facts),
      now: this.#deps.now(),
    })
    const message = { ...body, Header: header } as unknown as Message
    const xml = encodeMessage(type as MessageTypeName, message)
    const draft = entryOf(new TextEncoder().encode(xml), { type, message } as TypedMessage)
    const effect = dryRun(
      { documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
      draft,
      membership,
    )
    if (!effect.effective) {
      // On an empty log nothing conflicts: the document does not exist here (yet), and the
      // refusal says so rather than pointing at entries that are not there.
      const code =
        effect.code === 'not-authorised' ? 'NODE_FORBIDDEN' : log.size === 0 ? 'NODE_NOT_FOUND' : 'NODE_CONFLICT'
      const where = log.size === 0 ? `a new ${kind.name} ${documentId} (none is held here yet)` : documentId
      throw new NodeError(
        code,
        `${type} on ${where} would not take effect (${effect.code}): ${effect.reason}; nothing was signed`,
        { documentId, type, reason: effect.code },
      )
    }
    return signXml(xml, this.#deps.signingKey)
  }

  /** Writes one entry as this node and stores it; resolves after the synced write. */
  async write(type: string, documentId: string, body: Record<string, unknown>): Promise<SubmitResult> {
    // Header (seq, previous, parents), signature and storage in one serialized step: two
    // concurrent writes must never both take the same seq (the node would equivocate).
    const { replicator } = this.#deps
    const r = await replicator.serial(async () => {
      const doc = await this.#deps.docs.get(documentId)
      return replicator.ingestUnlocked([this.#draft(type, body, documentId, doc)])
    })
    return this.#written(documentId, r)
  }

  async #written(documentId: string, r: IngestResult): Promise<SubmitResult> {
    if (r.refused[0] !== undefined) throw r.refused[0].error
    const own = r.accepted.at(-1)
    if (own === undefined)
      throw new NodeError(
        'NODE_CONFLICT',
        `the entry was not stored (${r.refused.map((x) => x.code).join(', ') || 'pending'})`,
        { documentId },
      )
    const after = await this.#deps.docs.get(documentId)
    return { documentId, entryId: own, status: after.state.status }
  }

  /** A peer's log of a document, verified, with this node's entry on top: all stored, or nothing. */
  async #writeOnto(
    frames: Frames,
    from: string,
    type: string,
    documentId: string,
    body: Record<string, unknown>,
  ): Promise<SubmitResult> {
    const { replicator } = this.#deps
    const r = await replicator.serial(async () => {
      const log = new DocumentLog(documentId)
      for (const e of readAllEntries(frames, this.#deps.membership())) log.add(e)
      const doc = { log, state: stateOf(log, this.#deps.membership()) }
      return replicator.ingestUnlocked([...frames, this.#draft(type, body, documentId, doc)], from)
    })
    return this.#written(documentId, r)
  }

  /** Year, country and a serial unique on this node, for the identifiers it allocates. */
  #allocation(): { year: number; country: string; serial: string } {
    this.#serialCounter = (this.#serialCounter + 1) % 1296
    const now = this.#deps.now()
    return {
      year: Number(now.slice(0, 4)),
      country: this.#deps.country,
      serial: (Date.parse(now).toString(36) + this.#serialCounter.toString(36).padStart(2, '0'))
        .toUpperCase()
        .slice(-12),
    }
  }

  /** What the node lends its kinds (node/kinds/kind.ts). */
  context(): KindContext {
    const { store } = this.#deps
    return {
      country: this.#deps.country,
      membership: () => this.#deps.membership(),
      logger: this.#deps.logger(),
      now: () => this.#deps.now(),
      allocation: () => this.#allocation(),
      document: (id) => this.#deps.docs.get(id),
      record: (id) => store.getDocument(id),
      search: (query) => store.search(query),
      sees: (p, r) => sees(p, r),
      write: (type, id, body) => this.write(type, id, body),
      writeOnto: (frames, from, type, id, body) => this.#writeOnto(frames, from, type, id, body),
      request: (country, protocol, frames, options) => {
        const t = this.#deps.transport()
        if (t === undefined) return Promise.reject(new NodeError('NODE_UNAVAILABLE', 'the node is not started', {}))
        return t.request(country, protocol, frames, options)
      },
      entryBytes: async (id) => (await store.entriesOf(id)).map((e) => e.bytes),
    }
  }

  /** A kind's named command, run for a local user who may write. */
  async command(principal: Principal, kind: string, name: string, input: unknown): Promise<SubmitResult> {
    mayWrite(principal)
    const run = nodeKind(kind)?.commands[name]
    if (run === undefined)
      throw new NodeError('NODE_NOT_FOUND', `no command ${name} for ${kind} documents`, { kind, command: name })
    return run(this.context(), principal, input)
  }

  /** Queues every kind's reaction to a changed document (a failed one is retried on its next change). */
  react(documentId: string): void {
    void this.#reactions
      .run(async () => {
        const doc = await this.#deps.docs.get(documentId)
        for (const k of NODE_KINDS) {
          if (k.react === undefined) continue
          try {
            await k.react(this.context(), doc)
          } catch (e) {
            this.#deps
              .logger()
              ?.warn(
                { kind: k.kind.name, documentId, err: e instanceof Error ? e.message : String(e) },
                'a kind reaction failed; retried on the next change of the document',
              )
          }
        }
      })
      .catch(() => undefined)
  }
}
