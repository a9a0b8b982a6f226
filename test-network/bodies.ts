/** Message bodies for scenarios and the byzantine member: the examples, changed and pointed at a document. */
import { allocateMrn } from '../protocol/codes/index.ts'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import type { MessageTypeName } from '../protocol/messages/index.ts'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep merge of `changes` into `base`; arrays and scalars replace, `null` removes a field. */
function merge(base: unknown, changes: unknown): unknown {
  if (!isObject(base) || !isObject(changes)) return changes
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(changes)) out[k] = v === null ? undefined : merge(base[k], v)
  return out
}

/**
 * The example message of `type` without its header (the node writes it), deep-merged with
 * `changes`, its TransitOperation pointed at `mrn` (or without an MRN, for the node to allocate).
 */
export function exampleBody(
  type: MessageTypeName,
  changes: Record<string, unknown> | undefined,
  mrn?: string,
): Record<string, unknown> {
  const { Header: _h, ...rest } = structuredClone(exampleMessage(type)) as unknown as Record<string, unknown>
  void _h
  const body = merge(rest, changes ?? {}) as Record<string, unknown>
  const op = body.TransitOperation as Record<string, unknown> | undefined
  if (op !== undefined) {
    if (mrn === undefined) delete op.MRN
    else op.MRN = mrn
  }
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>
}

/**
 * The guarantee the example declarations name (EXAMPLE_CONTEXT.grn, issued by China), as the
 * body of POST /v1/guarantees with its GRN kept: registered at its issuer before such a
 * transit is accepted, it lets the issuer reserve and record the coverage a release needs.
 */
export function exampleGuaranteeBody(referenceAmount = '10000000.00'): Record<string, unknown> {
  return exampleBody('GuaranteeRegistered', { Guarantee: { referenceAmount } })
}

/**
 * The example declaration under its own MRN (serial `serial`) and LRN, routed through `route`:
 * a second transit of the same goods, e.g. through a country that joins the federation later.
 */
export function declarationThrough(route: readonly string[], serial: string): { mrn: string; xml: string } {
  const mrn = allocateMrn({ year: 2026, country: 'CN', serial, procedure: 'J' })
  const m = JSON.parse(
    JSON.stringify(exampleMessage('DeclarationLodged'))
      .replaceAll(EXAMPLE_CONTEXT.mrn, mrn)
      .replaceAll(EXAMPLE_CONTEXT.lrn, `XJ-${serial}`),
  ) as { Consignment: { CountryOfRoutingOfConsignment: { sequenceNumber: string; country: string }[] } }
  m.Consignment.CountryOfRoutingOfConsignment = route.map((country, i) => ({ sequenceNumber: String(i + 1), country }))
  return { mrn, xml: encodeMessage('DeclarationLodged', m as never) }
}
