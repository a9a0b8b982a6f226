/**
 * The inbound path shared by every adapter: decode a national record, then lodge or act on the
 * node with retries, exactly once. Idempotency: a declaration's MRN is derived from its LRN, so
 * a repeated lodge is a 409 LOG_DUPLICATE that we recognise as "already done"; an action records
 * an intent (how many entries of its type the transit had) in the journal before the call, and
 * a retry or a restart first checks the node's log to see whether the action already landed.
 */
import { sha256Hex } from '../protocol/crypto/index.ts'
import { ACTION_MESSAGE_TYPES, NodeClientError } from './contract.ts'
import type { FieldError, IngestOutcome, NationalRecord, NodeClient, TransitAction } from './contract.ts'
import { decodeNational } from './formats.ts'
import type { Decoded } from './formats.ts'
import { isRetryable, withRetry } from './isolation.ts'
import type { Journal, RetryPolicy } from './isolation.ts'
import type { ImportOptions } from './ncts/index.ts'
import { declarationOnNode } from './log-bodies.ts'

export type JournalRecord =
  | {
      readonly kind: 'intent'
      readonly key: string
      readonly operation: 'lodge' | TransitAction
      readonly documentId: string
      readonly lrn?: string
      readonly before?: number
    }
  | {
      readonly kind: 'acked'
      readonly key: string
      readonly operation: 'lodge' | TransitAction
      readonly documentId: string
      readonly lrn?: string
      readonly entryId?: string
    }
  | { readonly kind: 'delivered'; readonly entryId: string; readonly documentId: string }
  | { readonly kind: 'cursor'; readonly at: string }

/** A transient failure that outlived its retries: the record stays where it is for later. */
export class NodeUnavailable extends Error {
  override readonly name = 'NodeUnavailable'
}

function nodeError(e: NodeClientError, path: string): FieldError {
  return { path, code: e.code, message: e.message }
}

/** Every error of the node's refusal (details.errors, docs/errors.md; a problem's `errors` over HTTP), each at its field. */
function refusalErrors(e: NodeClientError): FieldError[] {
  const at = (details: Readonly<Record<string, unknown>> | undefined) =>
    typeof details?.field === 'string' ? details.field : '/'
  const listed = e.details.errors
  if (!Array.isArray(listed)) return [{ path: at(e.details), code: e.code, message: e.message }]
  // Items as the node's errors list them (message) or as a problem's faults carry them (detail).
  type Item = { code: string; message?: string; detail?: string; details?: Readonly<Record<string, unknown>> }
  return (listed as Item[]).map((x) => ({ path: at(x.details), code: x.code, message: x.message ?? x.detail ?? '' }))
}

export class Ingestor {
  readonly journal: Journal<JournalRecord>
  readonly #client: NodeClient
  readonly #retry: RetryPolicy | undefined
  readonly #import: ImportOptions

  constructor(opts: {
    client: NodeClient
    journal: Journal<JournalRecord>
    retry?: RetryPolicy
    import?: ImportOptions
  }) {
    this.#client = opts.client
    this.journal = opts.journal
    this.#retry = opts.retry
    // Messages that carry part of a declaration (CC029C, CC170C) complete it from the node's log.
    this.#import = {
      declarationOf: (mrn) => withRetry(() => declarationOnNode(opts.client, mrn), this.#opts()),
      mrnOfLrn: (lrn) => this.documentForLrn(lrn),
      ...opts.import,
    }
  }

  static key(bytes: Uint8Array): string {
    return sha256Hex(bytes)
  }

  #acked(key: string): JournalRecord | undefined {
    return this.journal.records.find((r) => r.kind === 'acked' && r.key === key)
  }

  #intent(key: string): Extract<JournalRecord, { kind: 'intent' }> | undefined {
    return this.journal.records.findLast(
      (r): r is Extract<JournalRecord, { kind: 'intent' }> => r.kind === 'intent' && r.key === key,
    )
  }

  /** The MRN the journal knows for an LRN (national systems often know only their LRN). */
  documentForLrn(lrn: string): string | undefined {
    return this.journal.records.findLast(
      (r): r is Extract<JournalRecord, { kind: 'acked' }> =>
        r.kind === 'acked' && r.operation === 'lodge' && r.lrn === lrn,
    )?.documentId
  }

  async #countOf(documentId: string, type: string): Promise<number> {
    const log = await this.#client.log(documentId)
    return (log ?? []).filter((e) => e.type === type).length
  }

  /**
   * Decodes one record with this ingestor's import options, which complete partial NCTS messages
   * from the node's log. Throws NodeUnavailable when the node stayed unreachable meanwhile.
   */
  async decode(record: NationalRecord): Promise<Decoded> {
    try {
      return await decodeNational(record, this.#import)
    } catch (e) {
      if (isRetryable(e)) throw new NodeUnavailable(`the node did not answer: ${(e as Error).message}`, { cause: e })
      throw e
    }
  }

  /** Decodes and hands over one record. Throws NodeUnavailable when the node stayed unreachable. */
  async ingest(record: NationalRecord, decoded?: Decoded): Promise<IngestOutcome> {
    decoded ??= await this.decode(record)
    if (!decoded.ok) return { ok: false, errors: decoded.errors }
    const key = Ingestor.key(record.bytes)
    const done = this.#acked(key)
    if (done !== undefined && done.kind === 'acked')
      return {
        ok: true,
        documentId: done.documentId,
        operation: done.operation,
        ...(done.entryId === undefined ? {} : { entryId: done.entryId }),
        duplicate: true,
      }
    const op = decoded.operation
    try {
      if (op.kind === 'lodge') {
        const mrn = op.declaration.TransitOperation.MRN
        this.journal.append({ kind: 'intent', key, operation: 'lodge', documentId: mrn, lrn: op.lrn })
        try {
          const r = await withRetry(() => this.#client.lodge({ json: op.declaration }), this.#opts())
          this.journal.append({
            kind: 'acked',
            key,
            operation: 'lodge',
            documentId: r.documentId,
            lrn: op.lrn,
            entryId: r.entryId,
          })
          return { ok: true, documentId: r.documentId, operation: 'lodge', entryId: r.entryId, duplicate: false }
        } catch (e) {
          if (!(e instanceof NodeClientError) || e.code !== 'LOG_DUPLICATE') throw e
          // Lodged before (a retry after a lost answer, or a restart): the same LRN means the same declaration.
          const doc = await withRetry(() => this.#client.document(mrn), this.#opts())
          if (doc?.index.keys.lrn?.[0] !== op.lrn) return { ok: false, errors: [nodeError(e, '/TransitOperation/MRN')] }
          this.journal.append({ kind: 'acked', key, operation: 'lodge', documentId: mrn, lrn: op.lrn })
          return { ok: true, documentId: mrn, operation: 'lodge', duplicate: true }
        }
      }
      const documentId = op.documentId ?? (op.lrn === undefined ? undefined : this.documentForLrn(op.lrn))
      if (documentId === undefined)
        return {
          ok: false,
          errors: [
            {
              path: '/lrn',
              code: 'INPUT_UNKNOWN_DOCUMENT',
              message: `no transit lodged through this adapter has LRN ${op.lrn ?? ''}`,
              value: op.lrn ?? '',
            },
          ],
        }
      const type = ACTION_MESSAGE_TYPES[op.action]
      const pending = this.#intent(key)
      const before = pending?.before ?? (await withRetry(() => this.#countOf(documentId, type), this.#opts()))
      if (pending === undefined) this.journal.append({ kind: 'intent', key, operation: op.action, documentId, before })
      const r = await withRetry(async (attempt) => {
        // After a restart or a lost answer the action may already be in the log: do not write it twice.
        if ((pending !== undefined || attempt > 1) && (await this.#countOf(documentId, type)) > before) return undefined
        return await this.#client.act(documentId, op.action, op.body)
      }, this.#opts())
      this.journal.append({
        kind: 'acked',
        key,
        operation: op.action,
        documentId,
        ...(r === undefined ? {} : { entryId: r.entryId }),
      })
      return {
        ok: true,
        documentId,
        operation: op.action,
        ...(r === undefined ? {} : { entryId: r.entryId }),
        duplicate: r === undefined,
      }
    } catch (e) {
      if (isRetryable(e)) throw new NodeUnavailable(`the node did not answer: ${(e as Error).message}`, { cause: e })
      if (e instanceof NodeClientError) return { ok: false, errors: refusalErrors(e) }
      throw e
    }
  }

  #opts(): { policy?: RetryPolicy } {
    return this.#retry === undefined ? {} : { policy: this.#retry }
  }
}
