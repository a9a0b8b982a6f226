/**
 * The NCTS phase 6 messages the adapter knows, one line each: the SIS message it corresponds
 * to, how a national record of that type becomes a node operation (`read`), and how a log
 * entry becomes that NCTS message (`write`). Generic code (inspect.ts, render.ts, the validate
 * command, docs/adapters.md's table test) goes through this list and never names a type.
 */
import type { Message, MessageTypeName } from '../../protocol/index.ts'
import type { NodeOperation } from '../operation.ts'
import { fromCC015C, toCC015C } from './cc015c.ts'
import type { ImportOptions } from './cc015c.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { fromCC007C, toCC007C, toCC025C, toCC029C, toCC056C } from './messages.ts'

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

function needing<T extends MessageTypeName>(
  type: string,
  log: LogBodies,
  sis: T,
  what: string,
  f: (b: Body<T>) => MapResult<string>,
): MapResult<string> {
  const b = log.last(sis)
  return b === undefined ? lacking(type, what) : f(b)
}

const lodge = (r: MapResult<Body<'DeclarationLodged'>>): MapResult<NodeOperation> =>
  r.ok
    ? {
        ok: true,
        value: { kind: 'lodge', lrn: r.value.TransitOperation.LRN, declaration: r.value },
        warnings: r.warnings,
      }
    : r

export const NCTS_CATALOGUE: readonly NctsMapping[] = [
  {
    type: 'CC015C',
    title: 'declaration data',
    sis: 'DeclarationLodged',
    read: (xml, opts) => lodge(fromCC015C(xml, opts)),
    write: {
      outbound: true,
      render: (log, env, o) => needing('CC015C', log, 'DeclarationLodged', 'declaration', (d) => toCC015C(d, env, o)),
    },
  },
  {
    type: 'CC029C',
    title: 'release for transit',
    sis: 'ReleasedForTransit',
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC029C', log, 'DeclarationLodged', 'declaration', (d) =>
          needing('CC029C', log, 'DeclarationAccepted', 'acceptance', (a) =>
            needing('CC029C', log, 'ReleasedForTransit', 'release', (r) => toCC029C(d, a, r, env, o)),
          ),
        ),
    },
  },
  {
    type: 'CC007C',
    title: 'arrival notification',
    sis: 'ArrivalNotified',
    read: (xml) => {
      const r = fromCC007C(xml)
      return r.ok
        ? {
            ok: true,
            value: {
              kind: 'act',
              action: 'arrival',
              documentId: r.value.TransitOperation.MRN,
              body: r.value as unknown as Record<string, unknown>,
            },
            warnings: r.warnings,
          }
        : r
    },
    write: {
      outbound: true,
      render: (log, env) => needing('CC007C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC007C(a, env)),
    },
  },
  {
    type: 'CC025C',
    title: 'goods release notification',
    sis: 'ControlResultsRecorded',
    write: {
      outbound: true,
      render: (log, env) =>
        needing('CC025C', log, 'ControlResultsRecorded', 'control results', (c) =>
          needing('CC025C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC025C(c, a, env)),
        ),
    },
  },
  {
    type: 'CC056C',
    title: 'rejection from the office of departure',
    sis: 'DeclarationRejected',
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC056C', log, 'DeclarationRejected', 'rejection', (r) =>
          toCC056C(r, log.last('DeclarationLodged'), env, o),
        ),
    },
  },
]

export function nctsMapping(type: string): NctsMapping | undefined {
  return NCTS_CATALOGUE.find((m) => m.type === type)
}

/** The mapping the ncts output format uses for an entry of this SIS type. */
export function outboundFor(sis: string): NctsMapping | undefined {
  return NCTS_CATALOGUE.find((m) => m.sis === sis && m.write?.outbound === true)
}
