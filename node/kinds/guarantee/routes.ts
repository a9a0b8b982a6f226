/** The guarantee's own route: register one (the generic document routes are node/api's). */
import { z } from 'zod'
import { audit, jsonOnly, WRITERS } from '../../api/route-kit.ts'
import { SubmitResultSchema } from '../../api/schemas.ts'
import { defineRoute } from '../../api/table.ts'
import type { Route } from '../../api/table.ts'
import type { KindRouteDeps } from '../kind.ts'

const GuaranteeJson = z
  .object({
    guarantee: z
      .record(z.string(), z.unknown())
      .describe(
        'The GuaranteeRegistered message as JSON (the node fills the header; it allocates the GRN if none is given)',
      ),
  })
  .strict()

export function guaranteeRoutes({ service }: KindRouteDeps): Route[] {
  return [
    defineRoute<undefined, undefined, z.output<typeof GuaranteeJson>>({
      method: 'POST',
      path: '/v1/guarantees',
      operationId: 'registerGuarantee',
      access: WRITERS,
      summary:
        'Register a guarantee issued by this country; its node then reserves and releases it for the transits that name it',
      body: { json: GuaranteeJson },
      response: {
        status: 201,
        description: 'The guarantee was written as a signed entry',
        contentType: 'application/json',
        schema: SubmitResultSchema,
      },
      errors: [403, 409, 503],
      async handle({ body, principal, request, reply }) {
        const result = await service.command(principal, 'guarantee', 'register', jsonOnly(body).guarantee)
        audit(request, principal, { documentId: result.documentId, entryId: result.entryId }, 'guarantee registered')
        reply.header('location', `/v1/documents/${encodeURIComponent(result.documentId)}`)
        return result
      },
    }),
  ]
}
