/**
 * The admin API for API tokens: create (the secret is in this one answer and nowhere else), list
 * (ids, principals and creation times; never a secret or its hash) and revoke. The token store
 * (node/tokens.ts) writes each change durably before the answer, and the authenticator reads the
 * store on every request, so a change counts from the next request on; revoking a token also
 * ends the event streams opened with it.
 */
import type { z } from 'zod'
import type { TokenStore } from '../tokens.ts'
import { describePrincipal } from './auth.ts'
import { ApiError } from './errors.ts'
import { IssuedTokenSchema, TokenInfoSchema, TokenListSchema, TokenParams, TokenPrincipalSchema } from './schemas.ts'
import type { EventStreams } from './sse.ts'
import type { Route } from './table.ts'
import { defineRoute } from './table.ts'

export interface TokenRouteDeps {
  readonly tokens: TokenStore
  readonly streams: EventStreams
}

export function tokenRoutes(deps: TokenRouteDeps): Route[] {
  const { tokens, streams } = deps
  return [
    defineRoute<undefined, undefined, z.output<typeof TokenPrincipalSchema>>({
      method: 'POST',
      path: '/v1/admin/tokens',
      operationId: 'createToken',
      access: ['admin'],
      summary: 'Create an API token; it authenticates from the next request on. The secret is in this answer only',
      body: { json: TokenPrincipalSchema },
      response: {
        status: 201,
        description: 'The new token, with its secret (store it now: the node keeps only its SHA-256)',
        contentType: 'application/json',
        schema: IssuedTokenSchema,
      },
      async handle({ body, principal, request, reply }) {
        if (body?.kind !== 'json')
          throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
        const issued = tokens.create(body.value)
        // Who made it and for whom; never the secret.
        request.log.info(
          { principal: describePrincipal(principal), tokenId: issued.id, holder: describePrincipal(issued.principal) },
          'token created',
        )
        reply.header('location', `/v1/admin/tokens/${issued.id}`)
        return issued
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/admin/tokens',
      operationId: 'listTokens',
      access: ['admin'],
      summary:
        'The API tokens in force: id, holder (role, name, office or trader) and creation time; never a secret or its hash',
      response: {
        status: 200,
        description: 'The tokens, oldest first',
        contentType: 'application/json',
        schema: TokenListSchema,
      },
      async handle() {
        return { tokens: tokens.list() }
      },
    }),
    defineRoute<z.output<typeof TokenParams>>({
      method: 'DELETE',
      path: '/v1/admin/tokens/:id',
      operationId: 'revokeToken',
      access: ['admin'],
      summary: 'Revoke an API token: refused from the next request on; its open event streams end',
      params: TokenParams,
      response: {
        status: 200,
        description: 'The token revoked',
        contentType: 'application/json',
        schema: TokenInfoSchema,
      },
      errors: [404],
      async handle({ params, principal, request }) {
        const revoked = tokens.revoke(params.id)
        if (revoked === undefined) throw new ApiError('API_NOT_FOUND', `no token ${params.id}`, { tokenId: params.id })
        const streamsClosed = streams.closeFor(revoked.principal)
        request.log.info(
          {
            principal: describePrincipal(principal),
            tokenId: revoked.id,
            holder: describePrincipal(revoked.principal),
            streamsClosed,
          },
          'token revoked',
        )
        return revoked
      },
    }),
  ]
}
