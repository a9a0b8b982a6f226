/** The transit's own routes: lodge a declaration, act on a transit (the generic document routes are node/api's). */
import { z } from 'zod'
import { Header } from '../../../protocol/messages/index.ts'
import { ACTION_MESSAGE_TYPES, TRANSIT_ACTIONS } from '../../../protocol/kinds/transit/index.ts'
import { isNodeError } from '../../errors.ts'
import { documentRoutes } from '../../api/document-routes.ts'
import { audit, found, jsonOnly, notFound, required, WRITERS } from '../../api/route-kit.ts'
import { messageBodySchema, SubmitResultSchema } from '../../api/schemas.ts'
import { defineRoute } from '../../api/table.ts'
import type { Route } from '../../api/table.ts'
import type { KindRouteDeps } from '../kind.ts'

const LodgeJson = z
  .object({
    declaration: z
      .record(z.string(), z.unknown())
      .describe('The DeclarationLodged message as JSON (the node fills the header)'),
  })
  .strict()

const ActionParams = z
  .object({
    documentId: Header.shape.documentId,
    action: z.enum(TRANSIT_ACTIONS).describe('The officer action, written as one signed entry by this node'),
  })
  .strict()

const ActionJson = z
  .record(z.string(), z.unknown())
  .describe('The action message body as JSON; the node fills the header and signs the entry')

/** Each action's body, as the OpenAPI document shows it: its message without the Header. */
const ACTION_BODIES = Object.fromEntries(TRANSIT_ACTIONS.map((a) => [a, messageBodySchema(ACTION_MESSAGE_TYPES[a])]))

export function transitRoutes({ service }: KindRouteDeps): Route[] {
  return [
    // The generic document routes, also under the transit's own path (kept since the first API).
    ...documentRoutes(service, { path: '/v1/transits', operation: 'Transit' }),
    defineRoute<undefined, undefined, z.output<typeof LodgeJson>>({
      method: 'POST',
      path: '/v1/transits',
      operationId: 'lodgeTransit',
      access: WRITERS,
      summary: 'Lodge a transit declaration (an officer of the office of departure, or the national system)',
      body: { json: LodgeJson, xml: 'An unsigned DeclarationLodged message (UTF-8); the node signs it' },
      response: {
        status: 201,
        description: 'The declaration was written as a signed entry',
        contentType: 'application/json',
        schema: SubmitResultSchema,
      },
      errors: [403, 409, 503],
      async handle({ body, principal, request, reply }) {
        const b = required(body)
        const result = await service.command(
          principal,
          'transit',
          'lodge',
          b.kind === 'xml' ? { xml: b.xml } : { json: b.value.declaration },
        )
        audit(request, principal, { documentId: result.documentId, entryId: result.entryId }, 'declaration lodged')
        reply.header('location', `/v1/transits/${encodeURIComponent(result.documentId)}`)
        return result
      },
    }),
    defineRoute<z.output<typeof ActionParams>, undefined, z.output<typeof ActionJson>>({
      method: 'POST',
      path: '/v1/transits/:documentId/actions/:action',
      operationId: 'actOnTransit',
      access: WRITERS,
      summary:
        "An officer action on a transit (accept, release, passage, arrival, write-off, ...); refused (403/409, nothing signed) when the transit's rules would judge it ineffective",
      params: ActionParams,
      body: { json: ActionJson, jsonByParam: { param: 'action', schemas: ACTION_BODIES } },
      response: {
        status: 201,
        description: 'The action was written as a signed entry',
        contentType: 'application/json',
        schema: SubmitResultSchema,
      },
      errors: [403, 404, 409, 503],
      async handle({ params, body, principal, request }) {
        // Checked here rather than left to the service, so an out-of-scope document is a 404
        // whatever error the service would have raised for it. A diversion may be written where
        // the document is not held yet (the node obtains it from the country of departure); a
        // refusal then reads as "not found" too.
        const held = await service.document(principal, params.documentId)
        if (params.action !== 'diversion') found(held, params.documentId)
        const value = jsonOnly(body)
        const result = await service
          .command(principal, 'transit', 'act', { documentId: params.documentId, action: params.action, body: value })
          .catch((e: unknown) => {
            throw held === undefined && isNodeError(e) && e.code === 'NODE_NOT_FOUND' ? notFound(params.documentId) : e
          })
        audit(
          request,
          principal,
          { documentId: params.documentId, action: params.action, entryId: result.entryId },
          'transit action',
        )
        return result
      },
    }),
  ]
}
