/**
 * What one NCTS message type maps to (NctsMapping), and the small helpers the catalogue's
 * entries share: a writer's missing context, a declaration read as a lodge, a body read as a
 * transit action, a read body checked by the protocol.
 */
import { checkMessage } from '../../protocol/index.ts'
import type { Message, MessageTypeName } from '../../protocol/index.ts'
import type { FieldError, TransitAction } from '../contract.ts'
import type { NodeOperation } from '../operation.ts'
import { placeholderHeader } from './cc015c.ts'
import type { ImportOptions } from './cc015c.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'

export type Body<T extends MessageTypeName> = Omit<Message<T>, 'Header'>

/** The effective log of one transit, by message type (the last entry of a type wins). */
export interface LogBodies {
  last<T extends MessageTypeName>(type: T): Body<T> | undefined
}

export interface WriteOptions {
  readonly language?: string
}

export interface NctsMapping {
  /** CC015C, ... (the root element and the messageType). */
  readonly type: string
  readonly title: string
  /** The SIS message of protocol/messages it means. */
  readonly sis: MessageTypeName
  /** A national record of this type as a node operation (after the schema and federation checks). */
  readonly read?: (xml: string, opts: ImportOptions) => MapResult<NodeOperation> | Promise<MapResult<NodeOperation>>
  /**
   * Dotted paths of the SIS body (`LocationOfGoods.location`, `Consignment.Carrier`) that do not
   * survive export then import (dropped or defaulted); the round-trip test compares the rest.
   */
  readonly lossy?: readonly string[]
  /** The NCTS message for an entry of type `sis`; `outbound` if the ncts output format writes it. */
  readonly write?: {
    readonly outbound: boolean
    readonly render: (log: LogBodies, env: NctsEnvelope, opts: WriteOptions) => MapResult<string>
  }
}

/** A body the writer needs that the transit's log lacks: a refusal, not a crash. */
export function lacking(type: string, what: string): MapResult<string> {
  return {
    ok: false,
    errors: [{ path: `/${type}`, code: 'NCTS_NO_SOURCE', message: `the transit has no ${what} in its log` }],
    warnings: [],
  }
}

export function needing<T extends MessageTypeName>(
  type: string,
  log: LogBodies,
  sis: T,
  what: string,
  f: (b: Body<T>) => MapResult<string>,
): MapResult<string> {
  const b = log.last(sis)
  return b === undefined ? lacking(type, what) : f(b)
}

export const lodge = (r: MapResult<Body<'DeclarationLodged'>>): MapResult<NodeOperation> =>
  r.ok
    ? {
        ok: true,
        value: { kind: 'lodge', lrn: r.value.TransitOperation.LRN, declaration: r.value },
        warnings: r.warnings,
      }
    : r

/** A mapped body as the transit action that writes it, on the MRN it names. */
export function act(
  action: TransitAction,
  r: MapResult<{ TransitOperation: { MRN: string } }>,
): MapResult<NodeOperation> {
  return r.ok
    ? {
        ok: true,
        value: {
          kind: 'act',
          action,
          documentId: r.value.TransitOperation.MRN,
          body: r.value as unknown as Record<string, unknown>,
        },
        warnings: r.warnings,
      }
    : r
}

/**
 * A body read from an NCTS message, checked by the protocol as the node will check it; each
 * error's path is rewritten from our model (`ArrivalNotified/...`) to the partner's message by
 * `rename`, so a refusal names the element the partner wrote.
 */
export function protocolChecked<T extends MessageTypeName>(
  sis: T,
  body: Body<T>,
  sink: { errors: readonly FieldError[]; warnings: readonly FieldError[] },
  rename: (sisPath: string) => string,
): MapResult<Body<T>> {
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors, warnings: sink.warnings }
  const mrn = (body as { TransitOperation?: { MRN?: string } }).TransitOperation?.MRN ?? ''
  const checked = checkMessage(sis, { Header: placeholderHeader(mrn, sis), ...body } as Message<T>)
  if (checked.ok) return { ok: true, value: body, warnings: sink.warnings }
  return {
    ok: false,
    warnings: sink.warnings,
    errors: checked.errors.map((e) => ({
      path: rename(String(e.details.field ?? sis).replace(new RegExp(`^${sis}`), '')),
      code: e.code,
      message: e.message.replace(/^\S+: /, ''),
      ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
    })),
  }
}
