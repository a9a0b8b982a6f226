/**
 * The outbound path: a transit's log entries in the national format. `sis` hands over the signed
 * entries as they are (the national side can check them against the published XSDs); `ncts`
 * writes the NCTS message that corresponds (CC015C, CC029C, CC007C, CC025C, CC056C) and the SIS
 * entry for the steps NCTS has no trader message for; `cusres` writes one CUSRES per step.
 */
import { decodeMessage } from '../protocol/index.ts'
import type { Message, MessageTypeName } from '../protocol/index.ts'
import type { DeliveredItem, LogEntryView } from './contract.ts'
import { CUSRES_STATUS, toCusres } from './edifact/index.ts'
import { toCC007C, toCC015C, toCC025C, toCC029C, toCC056C } from './ncts/index.ts'
import type { MapResult, NctsEnvelope } from './ncts/index.ts'

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

type Typed = { type: MessageTypeName; message: Message }

function body<T extends MessageTypeName>(entries: readonly Typed[], type: T): Omit<Message<T>, 'Header'> | undefined {
  const found = entries.findLast((e) => e.type === type)
  if (found === undefined) return undefined
  const { Header: _h, ...rest } = found.message as Message<T> & { Header: unknown }
  return rest as Omit<Message<T>, 'Header'>
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RenderError(`the transit has no ${what} in the log`)
  return v
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
  const typed = log.filter((e) => e.effective).map((e) => decodeMessage(e.xml) as Typed)
  const decl = body(typed, 'DeclarationLodged')
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
    const rej = entry.type === 'DeclarationRejected' ? body(typed, 'DeclarationRejected') : undefined
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
  switch (entry.type) {
    case 'DeclarationLodged':
      return ncts('CC015C', unwrap(toCC015C(need(decl, 'declaration'), env)))
    case 'ReleasedForTransit':
      return ncts(
        'CC029C',
        unwrap(
          toCC029C(
            need(decl, 'declaration'),
            need(body(typed, 'DeclarationAccepted'), 'acceptance'),
            need(body(typed, 'ReleasedForTransit'), 'release'),
            env,
          ),
        ),
      )
    case 'ArrivalNotified':
      return ncts('CC007C', unwrap(toCC007C(need(body(typed, 'ArrivalNotified'), 'arrival'), env)))
    case 'ControlResultsRecorded':
      return ncts(
        'CC025C',
        unwrap(
          toCC025C(
            need(body(typed, 'ControlResultsRecorded'), 'control'),
            need(body(typed, 'ArrivalNotified'), 'arrival notification'),
            env,
          ),
        ),
      )
    case 'DeclarationRejected':
      return ncts('CC056C', unwrap(toCC056C(need(body(typed, 'DeclarationRejected'), 'rejection'), decl, env)))
    default:
      return sis()
  }
}
