/**
 * A log entry: the exact signed bytes of a message, their id, and the decoded message read from
 * the verified tree. readEntry runs intake steps 1-3 of docs/protocol/log.md (limits and
 * well-formedness, signature and key, message); the rest is DocumentLog's.
 */
import { SisError } from '../errors.ts'
import { prepareVerification } from '../dsig/index.ts'
import type { KeyResolver, PreparedVerification, VerifyOptions } from '../dsig/index.ts'
import { sha256Hex } from '../crypto/index.ts'
import { validateElement } from '../messages/index.ts'
import type { Catalogue, CheckResult, Message, MessageTypeName, TypedMessage } from '../messages/index.ts'
import { isDirected } from '../kinds/registry.ts'
import type { XmlElement } from '../xml/index.ts'
import type { Membership } from '../membership/index.ts'

/** The logged message types: directed messages are answered, not logged (L4). */
export type LogEntryType = {
  [T in MessageTypeName]: Catalogue[T] extends { readonly directed: true } ? never : T
}[MessageTypeName]

export interface LogEntry {
  /** SHA-256 of `bytes`, lowercase hex (L1). */
  readonly id: string
  readonly bytes: Uint8Array
  readonly type: LogEntryType
  readonly message: Message
  readonly documentId: string
  readonly author: string
  readonly keyId: string
  readonly seq: number
  readonly previous: string | undefined
  readonly parents: readonly string[]
  readonly authRefs: readonly string[]
  readonly claimedAt: string
}

export function entryId(bytes: Uint8Array): string {
  return sha256Hex(bytes)
}

/** The header fields a key is chosen by, read from the (not yet verified) tree. */
function headerField(root: XmlElement, name: string): string {
  for (const c of root.children) {
    if (c.kind !== 'element' || c.local !== 'Header') continue
    for (const f of c.children) {
      if (f.kind === 'element' && f.local === name)
        return f.children.map((t) => (t.kind === 'text' ? t.value : '')).join('')
    }
  }
  throw new SisError('SIG_UNKNOWN_KEY', `the header has no ${name}, so no pinned key can be chosen`, {
    reason: 'no-author',
  })
}

/** What verification takes: the Ed25519 backend and the XML limits. */
export type ReadOptions = VerifyOptions

/** The key an entry is verified with: the pinned key of its author (header authorCountry and authorKeyId) at its claimed time. */
export function authorKey(membership: Membership): KeyResolver {
  return (root) =>
    membership.key(
      headerField(root, 'authorCountry'),
      headerField(root, 'authorKeyId'),
      headerField(root, 'preparationDateAndTime'),
    )
}

/**
 * Verifies a signed message against the pinned key of its author (header authorCountry and
 * authorKeyId, at its claimed time) and validates it; any message type, log entry or directed.
 */
export function readSignedMessage(bytes: Uint8Array, membership: Membership, options: ReadOptions = {}): TypedMessage {
  const prepared = prepareMessage(bytes, membership, options)
  prepared.complete()
  return messageOf(validateElement(prepared.root))
}

/** readSignedMessage up to the Ed25519 verification: parse, S1, digest, the author's pinned key. */
function prepareMessage(bytes: Uint8Array, membership: Membership, options: ReadOptions): PreparedVerification {
  return prepareVerification(bytes, authorKey(membership), options)
}

function messageOf(result: CheckResult<TypedMessage>): TypedMessage {
  if (!result.ok) throw result.errors[0] ?? new SisError('MSG_INVALID_VALUE', 'invalid message', {})
  return result.message
}

/** A log entry of bytes and the message they hold (read from them, or about to be signed: a draft). */
export function entryOf(bytes: Uint8Array, { type, message }: TypedMessage): LogEntry {
  if (isDirected(type))
    throw new SisError('LOG_NOT_A_LOG_ENTRY', `${type} is a directed message, not a log entry`, { type })
  const h = message.Header
  return {
    id: entryId(bytes),
    bytes,
    type: type as LogEntryType,
    message,
    documentId: h.documentId,
    author: h.authorCountry,
    keyId: h.authorKeyId,
    seq: Number(h.sequenceNumber),
    previous: h.previousEntry,
    parents: h.parentEntry ?? [],
    authRefs: h.authorityEntry ?? [],
    claimedAt: h.preparationDateAndTime,
  }
}

/** Steps 1-3: parse within limits, verify against the pinned key, validate the message. */
export function readEntry(bytes: Uint8Array, membership: Membership, options: ReadOptions = {}): LogEntry {
  return entryOf(bytes, readSignedMessage(bytes, membership, options))
}

/** How many entries readEntries reads at a time. */
const GROUP = 32

/**
 * readEntry for many entries: for each, the entry or the SisError readEntry would throw (other
 * exceptions, bugs, propagate). Up to 32 entries at a time go through each stage together: all
 * are parsed (and their digests and keys checked), then all decoded, then all Ed25519
 * signatures verified back to back, where OpenSSL's tables stay in the CPU's caches; a
 * verification between parsing and decoding costs about a fifth more here. A message is decoded
 * before its signature is checked (work, not trust: nothing of it is returned unless the
 * signature holds), and its refusal waits for the signature's, so every entry is refused for
 * the reason readEntry gives.
 */
export function readEntries(
  list: readonly Uint8Array[],
  membership: Membership,
  options: ReadOptions = {},
): (LogEntry | SisError)[] {
  const out: (LogEntry | SisError)[] = []
  for (let start = 0; start < list.length; start += GROUP) {
    const group = list.slice(start, start + GROUP)
    const prepared = group.map((bytes) => attempt(() => prepareMessage(bytes, membership, options)))
    const decoded = prepared.map((p) => (p instanceof SisError ? undefined : validateElement(p.root)))
    for (let i = 0; i < group.length; i++) {
      const p = prepared[i] as PreparedVerification | SisError
      const result = decoded[i] as CheckResult<TypedMessage>
      out.push(
        p instanceof SisError
          ? p
          : attempt(() => {
              p.complete()
              return entryOf(group[i] as Uint8Array, messageOf(result))
            }),
      )
    }
  }
  return out
}

/** readEntries for a list that must be read whole: its entries, or the first refusal, thrown. */
export function readAllEntries(
  list: readonly Uint8Array[],
  membership: Membership,
  options: ReadOptions = {},
): LogEntry[] {
  return readEntries(list, membership, options).map((e) => {
    if (e instanceof SisError) throw e
    return e
  })
}

function attempt<T>(f: () => T): T | SisError {
  try {
    return f()
  } catch (e) {
    if (e instanceof SisError) return e
    throw e
  }
}

/** Every entry this one depends on (L7): its previous entry, parents and authority entries. */
export function dependenciesOf(e: LogEntry): string[] {
  const deps = new Set<string>([...e.parents, ...e.authRefs])
  if (e.previous !== undefined) deps.add(e.previous)
  deps.delete(e.id)
  return [...deps]
}
