/**
 * What local users write on a transit: the declaration (the node allocates the MRN when none is
 * given, and always for its officers) and the officer actions, each one signed entry (protocol/kinds/transit/actions.ts).
 */
import { allocateMrn } from '../../../protocol/codes/index.ts'
import { decodeBody } from '../../../protocol/messages/index.ts'
import { ACTION_MESSAGE_TYPES, TRANSIT_ACTIONS } from '../../../protocol/kinds/transit/index.ts'
import type { TransitAction } from '../../../protocol/kinds/transit/index.ts'
import { boundValue, SisError } from '../../../protocol/errors.ts'
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

/**
 * The MRN of a declaration lodged here: a given one must be of this node's country (the country
 * of departure allocates it); without one, or for an officer (whose typed MRN is never trusted),
 * the node allocates one. Unique per node.
 */
function mrnFor(ctx: KindContext, principal: Principal, given: unknown): string {
  if (typeof given === 'string' && given !== '') {
    const country = /^[0-9]{2}([A-Z]{2})/.exec(given)?.[1]
    if (country !== undefined && country !== ctx.country)
      throw new SisError(
        'MRN_INVALID',
        `the MRN ${boundValue(given)} belongs to ${country}; this node allocates MRNs of ${ctx.country}; leave the MRN out`,
        { field: 'DeclarationLodged/TransitOperation/MRN', value: boundValue(given), reason: 'other-country' },
      )
    if (principal.role !== 'officer') return given
  }
  return allocateMrn({ ...ctx.allocation(), procedure: 'J' })
}

/** The office of departure is one of this node's country with the departure role (the transit's rule). */
function departsHere(ctx: KindContext, body: Record<string, unknown>): void {
  const office = (body.CustomsOfficeOfDeparture as { referenceNumber?: unknown } | undefined)?.referenceNumber
  if (typeof office !== 'string') return // left to the message check, which names the missing field
  const info = ctx.membership().office(office)
  if (info === undefined) return // an unknown office: the code list check names it
  if (info.country !== ctx.country)
    throw new NodeError(
      'NODE_FORBIDDEN',
      `the office of departure ${office} is in ${info.country}: a node lodges declarations departing from its own country (${ctx.country})`,
      { office, country: info.country },
    )
  if (!info.roles.includes('departure'))
    throw new NodeError('NODE_FORBIDDEN', `the office ${office} has no departure role: choose an office of departure`, {
      office,
    })
}

/**
 * `{ xml }` (an unsigned DeclarationLodged) or `{ json }` (its body). Neither needs a Header
 * (the node writes it) nor an MRN (the node allocates one of its country).
 */
export async function lodge(ctx: KindContext, principal: Principal, input: unknown): Promise<SubmitResult> {
  const declaration = input as { xml: string } | { json: unknown }
  const body =
    'xml' in declaration
      ? decodeBody('DeclarationLodged', declaration.xml, ['TransitOperation/MRN'])
      : bodyObject(declaration.json)
  delete body.Header
  const given = body.TransitOperation
  const op =
    given !== null && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {}
  const mrn = mrnFor(ctx, principal, op.MRN)
  body.TransitOperation = { ...op, MRN: mrn }
  actsAsOwnOffice(principal, officesNamed(body))
  departsHere(ctx, body)
  if ((await ctx.record(mrn)) !== undefined || (await ctx.document(mrn)).log.size > 0) {
    // A replay of the same declaration: LOG_DUPLICATE, as for a replayed entry (adapters retry on it).
    throw new SisError('LOG_DUPLICATE', `a transit with MRN ${mrn} already exists`, { documentId: mrn })
  }
  return ctx.write('DeclarationLodged', mrn, body)
}

/** An action's body names the transit of the path: its MRN may be left out (the node fills it in), never another. */
function withMrn(body: Record<string, unknown>, mrn: string): Record<string, unknown> {
  const op = body.TransitOperation
  if (op === null || typeof op !== 'object' || Array.isArray(op)) return body
  const given = (op as Record<string, unknown>).MRN
  if (given !== undefined && given !== mrn)
    throw new SisError(
      'MSG_HEADER_MISMATCH',
      `the body's MRN ${JSON.stringify(typeof given === 'string' ? boundValue(given) : given)} is not the transit ${mrn} it is written on; leave the MRN out`,
      { field: 'TransitOperation/MRN', documentId: mrn },
    )
  return { ...body, TransitOperation: { ...op, MRN: mrn } }
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
  return ctx.write(ACTION_MESSAGE_TYPES[action], documentId, withMrn(b, documentId))
}
