/**
 * The NCTS phase 6 messages the adapter knows, one entry each (mapping.ts says what an entry
 * holds): the SIS message it means, how a national record of that type becomes a node
 * operation (`read`), and how a log entry becomes that NCTS message (`write`). Generic code
 * (inspect.ts, render.ts, `sis adapter validate`, the docs table test) goes through this list
 * and never names a type.
 */
import { DEPARTURE } from './catalogue-departure.ts'
import { DESTINATION } from './catalogue-destination.ts'
import { INVALIDATION } from './catalogue-invalidation.ts'
import type { NctsMapping } from './mapping.ts'

export type { Body, LogBodies, NctsMapping, WriteOptions } from './mapping.ts'

export const NCTS_CATALOGUE: readonly NctsMapping[] = [...DEPARTURE, ...INVALIDATION, ...DESTINATION]

export function nctsMapping(type: string): NctsMapping | undefined {
  return NCTS_CATALOGUE.find((m) => m.type === type)
}

/** The mapping the ncts output format uses for an entry of this SIS type. */
export function outboundFor(sis: string): NctsMapping | undefined {
  return NCTS_CATALOGUE.find((m) => m.sis === sis && m.write?.outbound === true)
}
