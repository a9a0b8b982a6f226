/**
 * What the parts of replication share (docs/protocol/replication.md): the frames and the
 * transport they travel on, the sync protocol's request and head, what an ingest returns, what
 * replication reports to the node, and the small codec of the JSON frames.
 */
import { sha256Hex } from '../../protocol/crypto/index.ts'
import { SisError } from '../../protocol/errors.ts'
import type { LoadedDocument } from '../documents.ts'

export type Frames = Uint8Array[]

/** What replication needs of the libp2p host (node/p2p/host.ts implements it). */
export interface Transport {
  handle(
    name: string,
    handler: (request: Frames, from: { peerId: string; country: string }) => Promise<Frames>,
  ): void | Promise<void>
  request(country: string, name: string, frames: Frames, options?: { timeoutMs?: number }): Promise<Frames>
  connectedMembers(): string[]
}

/**
 * One document of a sync request: the ids the asker holds (`have`), or only a digest of them
 * (a full sync of many documents): a document whose digest differs is answered with all its
 * entries, and the asker drops those it holds by their ids, cheaply.
 */
export interface SyncDocument {
  readonly id: string
  readonly have?: readonly string[]
  readonly digest?: string
}

export interface SyncRequest {
  readonly documents: readonly SyncDocument[]
  /**
   * 2: the answer starts with a JSON head frame (SyncHead). Without it the answer is entries
   * only (the first version of the protocol), cut at SYNC_BATCH; the asker asks again.
   */
  readonly v?: 2
  /**
   * The cursor of this answerer's last complete answer to the asker, and then only its `have`
   * documents and those the answerer changed after the cursor are considered (a cursor it does
   * not know, after a restart, is answered with `resync`). Absent: every shared document, and
   * a document the asker does not list is one it lacks.
   */
  readonly since?: string
  /** Rounds of one exchange: documents from this id on (a previous answer's `next`)... */
  readonly from?: string
  /** ...less the first `skip` entries the `from` document lacks (sent already). */
  readonly skip?: number
}

export interface SyncHead {
  readonly v: 2
  /** An opaque token for the answerer's changes up to this answer (its next `since`). */
  readonly cursor: string
  /** The answer was cut: ask again from this document, skipping `skip` of its entries. */
  readonly next?: string
  readonly skip?: number
  /**
   * Progress of a cut exchange: the shared documents this exchange considers (`total`) and how
   * many of them, from `next` on, are still to answer (`left`). Counted over documents the
   * asker shares only, so they tell it nothing of the rest.
   */
  readonly total?: number
  readonly left?: number
  /** `since` was not known here: ask again without it (every shared document). */
  readonly resync?: true
}

export interface IngestResult {
  readonly accepted: string[]
  readonly held: string[]
  readonly pending: string[]
  readonly refused: { id?: string; code: string; error: SisError }[]
}

/** What replication reports to the node (its log, metrics and event stream). */
export interface ReplicationEvents {
  /** A document's log grew and is stored (the change feed, changes.ts). */
  documentChanged(doc: LoadedDocument): void
  /** An entry was refused (intake.ts); `peer` undefined: offered by this node. */
  refused(peer: string | undefined, error: SisError): void
  /** A peer's receipt acknowledged `count` entries (outbox.ts). */
  delivered(peer: string, count: number): void
  /** An ingest stored `count` new entries (intake.ts). */
  received(peer: string | undefined, count: number): void
  /** A sync answer from `peer` brought these entries, now stored (sync-client.ts): they are owed a receipt. */
  synced?(peer: string, entryIds: readonly string[]): void
  /** A sync with `peer` that takes several rounds went one round further (sync-client.ts). */
  catchUp?(peer: string, progress: CatchUpProgress): void
}

/** How far a catch-up with one peer has come: entries taken, and shared documents answered of the total. */
export interface CatchUpProgress {
  readonly entries: number
  readonly documentsDone: number
  readonly documentsTotal: number
  /** The last round: the exchange is complete. */
  readonly done: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A JSON frame. */
export const json = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v))

/** The JSON of a frame (not checked: the caller checks its shape). */
export function parse<T>(b: Uint8Array | undefined): T {
  if (b === undefined) throw new SisError('MSG_INVALID_VALUE', 'replication: a frame is missing', {})
  return JSON.parse(decoder.decode(b)) as T
}

/** A digest of a set of entry ids (order-free). */
export function idsDigest(ids: readonly string[]): string {
  return sha256Hex(encoder.encode([...ids].sort().join(','))).slice(0, 32)
}

/** Entries are XML (they start with '<'); the head of a version-2 answer is a JSON object. */
export const isHead = (frame: Uint8Array | undefined): boolean => frame !== undefined && frame[0] === 0x7b
