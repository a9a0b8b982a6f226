/** Registering a guarantee issued by this country (GuaranteeRegistered on its own document, GRN allocated by the node). */
import { allocateGrn } from '../../../protocol/codes/index.ts'
import { SisError } from '../../../protocol/errors.ts'
import { NodeError } from '../../errors.ts'
import type { Principal, SubmitResult } from '../../service.ts'
import type { KindContext } from '../kind.ts'
import { actsAsOwnOffice, bodyObject } from '../scope.ts'

export async function register(ctx: KindContext, principal: Principal, input: unknown): Promise<SubmitResult> {
  const body = bodyObject(input)
  const g = (body.Guarantee ?? {}) as Record<string, unknown>
  if (typeof g.GRN !== 'string' || g.GRN === '' || principal.role === 'officer') {
    g.GRN = allocateGrn(ctx.allocation())
    body.Guarantee = g
  }
  const grn = g.GRN as string
  if (grn.slice(2, 4) !== ctx.country)
    throw new NodeError(
      'NODE_FORBIDDEN',
      `guarantee ${grn} is issued by ${grn.slice(2, 4)}: only the issuing country registers it`,
      { documentId: grn },
    )
  const office = (body.GuaranteeOffice as { referenceNumber?: unknown } | undefined)?.referenceNumber
  actsAsOwnOffice(principal, typeof office === 'string' ? [office] : [])
  if ((await ctx.record(grn)) !== undefined)
    throw new SisError('LOG_DUPLICATE', `guarantee ${grn} is already registered`, { documentId: grn })
  return ctx.write('GuaranteeRegistered', grn, body)
}
