/**
 * What local users write on a transit: the declaration (the node allocates the MRN for its
 * officers) and the officer actions, each one signed entry (protocol/kinds/transit/actions.ts).
 */
import { allocateMrn } from '../../../protocol/codes/index.ts'
import { validateMessage } from '../../../protocol/messages/index.ts'
import { ACTION_MESSAGE_TYPES, TRANSIT_ACTIONS } from '../../../protocol/kinds/transit/index.ts'
import type { TransitAction } from '../../../protocol/kinds/transit/index.ts'
import { SisError } from '../../../protocol/errors.ts'
import { NodeError } from '../../errors.ts'
import type { Principal, SubmitResult } from '../../service.ts'
import type { KindContext } from '../kind.ts'
import { actsAsOwnOffice, bodyObject } from '../scope.ts'
import { divertHere } from './diversion.ts'

/** Customs offices a transit message body names as the writer's office. */
export function officesNamed(body: unknown): string[] {
  const fields = [
    'CustomsOfficeOfDeparture',
    'CustomsOfficeOfTransitActual',
    'CustomsOfficeOfIncidentRegistration',
    'CustomsOfficeActual',
    'CustomsOfficeOfDestinationActual',
  ]
  const b = (body ?? {}) as Record<string, { referenceNumber?: unknown } | undefined>
  return fields.flatMap((f) => (typeof b[f]?.referenceNumber === 'string' ? [b[f].referenceNumber as string] : []))
}

/** `{ xml }` (an unsigned DeclarationLodged) or `{ json }` (its body). */
export async function lodge(ctx: KindContext, principal: Principal, input: unknown): Promise<SubmitResult> {
  const declaration = input as { xml: string } | { json: unknown }
  let body: Record<string, unknown>
  if ('xml' in declaration) {
    const v = validateMessage(declaration.xml)
    if (!v.ok) throw v.errors[0]!
    if (v.message.type !== 'DeclarationLodged')
      throw new NodeError('NODE_CONFLICT', `expected DeclarationLodged, got ${v.message.type}`, {
        type: v.message.type,
      })
    body = { ...v.message.message } as Record<string, unknown>
    delete body.Header
  } else {
    body = bodyObject(declaration.json)
  }
  const op = (body.TransitOperation ?? {}) as Record<string, unknown>
  if (typeof op.MRN !== 'string' || op.MRN === '' || principal.role === 'officer') {
    // The node allocates MRNs for its officers (never trust a typed one); unique per node.
    op.MRN = allocateMrn({ ...ctx.allocation(), procedure: 'J' })
    body.TransitOperation = op
  }
  const mrn = op.MRN as string
  actsAsOwnOffice(principal, officesNamed(body))
  if ((await ctx.record(mrn)) !== undefined || (await ctx.document(mrn)).log.size > 0) {
    // A replay of the same declaration: LOG_DUPLICATE, as for a replayed entry (adapters retry on it).
    throw new SisError('LOG_DUPLICATE', `a transit with MRN ${mrn} already exists`, { documentId: mrn })
  }
  return ctx.write('DeclarationLodged', mrn, body)
}

function isAction(a: unknown): a is TransitAction {
  return typeof a === 'string' && (TRANSIT_ACTIONS as readonly string[]).includes(a)
}

/** `{ documentId, action, body }`: an officer action on a transit. */
export async function act(ctx: KindContext, principal: Principal, input: unknown): Promise<SubmitResult> {
  const { documentId, action, body } = input as { documentId: string; action: unknown; body: unknown }
  if (!isAction(action))
    throw new NodeError('NODE_NOT_FOUND', `no transit action ${String(action)}`, { action: String(action) })
  const b = bodyObject(body)
  const record = await ctx.record(documentId)
  if (record === undefined && action === 'diversion') {
    actsAsOwnOffice(principal, officesNamed(b))
    return divertHere(ctx, documentId, b)
  }
  if (record === undefined || record.kind !== 'transit' || !ctx.sees(principal, record))
    throw new NodeError('NODE_NOT_FOUND', `no transit ${documentId} here`, { documentId })
  actsAsOwnOffice(principal, officesNamed(b))
  return ctx.write(ACTION_MESSAGE_TYPES[action], documentId, b)
}
