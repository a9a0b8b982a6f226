/**
 * The outbound path: a transit's log entries in the national format. `sis` hands over the signed
 * entries as they are (the national side can check them against the published XSDs); `ncts`
 * writes the NCTS message that corresponds (the outbound writers of ncts/catalogue.ts) and the
 * SIS entry for the steps NCTS has no message for; `cusres` writes one CUSRES per step.
 */
import { decodeMessage } from '../protocol/index.ts'
import type { DeliveredItem, LogEntryView } from './contract.ts'
import { CUSRES_STATUS, toCusres } from './edifact/index.ts'
import { outboundFor } from './ncts/index.ts'
import type { MapResult, NctsEnvelope } from './ncts/index.ts'
import { logBodies } from './log-bodies.ts'

export type OutputFormat = 'sis' | 'ncts' | 'cusres'

export interface RenderContext {
  readonly sender: string
  readonly recipient: string
  readonly now: string
}

/** A mapping that cannot succeed however often it is tried (dead-letter it at once). */
export class RenderError extends Error {
  override readonly name = 'RenderError'
}

function unwrap(r: MapResult<string>): string {
  if (!r.ok) throw new RenderError(r.errors.map((e) => `${e.path}: ${e.code} ${e.message}`).join('; '))
  return r.value
}

/** Renders `entry` of a transit whose whole (effective) log is `log`; undefined = nothing to send. */
export function render(
  format: OutputFormat,
  entry: LogEntryView,
  log: readonly LogEntryView[],
  ctx: RenderContext,
): DeliveredItem | undefined {
  const mrn = decodeMessage(entry.xml).message.Header.documentId
  const base = `${mrn}-${String(entry.seq).padStart(4, '0')}-${entry.author}`
  const enc = new TextEncoder()
  const sis = (): DeliveredItem => ({
    documentId: mrn,
    kind: entry.type,
    name: `${base}-${entry.type}.xml`,
    bytes: enc.encode(entry.xml),
  })
  if (format === 'sis') return sis()
  const bodies = logBodies(log)
  const decl = bodies.last('DeclarationLodged')
  const env: NctsEnvelope = {
    sender: ctx.sender,
    recipient: ctx.recipient,
    messageId: `${mrn.slice(-10)}${String(entry.seq).padStart(4, '0')}`,
    preparedAt: ctx.now,
    correlationId: decl?.TransitOperation.LRN ?? mrn,
  }
  if (format === 'cusres') {
    const status = CUSRES_STATUS[entry.type]
    if (status === undefined) return undefined
    const rej = entry.type === 'DeclarationRejected' ? bodies.last('DeclarationRejected') : undefined
    const errors = rej?.FunctionalError?.map((e) => ({
      code: e.errorCode,
      pointer: e.errorPointer,
      reason: e.errorReason,
    }))
    const text = toCusres({
      sender: ctx.sender,
      recipient: ctx.recipient,
      preparedAt: ctx.now,
      controlReference: `${mrn.slice(-8)}${String(entry.seq).padStart(4, '0')}`,
      mrn,
      ...(decl === undefined ? {} : { lrn: decl.TransitOperation.LRN }),
      status,
      ...(errors === undefined ? {} : { errors }),
    })
    return { documentId: mrn, kind: 'CUSRES', name: `${base}-CUSRES-${status}.edi`, bytes: enc.encode(text) }
  }
  const ncts = (kind: string, xml: string): DeliveredItem => ({
    documentId: mrn,
    kind,
    name: `${base}-${kind}.xml`,
    bytes: enc.encode(xml),
  })
  const mapping = outboundFor(entry.type)
  if (mapping?.write === undefined) return sis()
  return ncts(mapping.type, unwrap(mapping.write.render(bodies, env, {})))
}
