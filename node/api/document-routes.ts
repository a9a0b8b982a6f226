/**
 * The routes every document has, whatever its kind: the record with its state, the log with
 * each entry's verdict, the bundle for `sis log verify`, and the delivery receipts. Mounted at
 * /v1/documents; a kind may mount them again under a path of its own.
 */
import type { z } from 'zod'
import type { NodeService } from '../service.ts'
import { ROLES } from './auth.ts'
import { found } from './route-kit.ts'
import { DocumentParams, DocumentRecordSchema, LogViewSchema, ReceiptsViewSchema } from './schemas.ts'
import { defineRoute } from './table.ts'
import type { Route } from './table.ts'

/** `path` is the prefix before /:documentId; `operation` names the operationIds (getDocument, getDocumentLog, ...). */
export function documentRoutes(service: NodeService, at: { path: string; operation: string }): Route[] {
  const { path, operation } = at
  return [
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET',
      path: `${path}/:documentId`,
      operationId: `get${operation}`,
      access: ROLES,
      summary: 'A document with its computed state',
      params: DocumentParams,
      response: {
        status: 200,
        description: 'The document',
        contentType: 'application/json',
        schema: DocumentRecordSchema,
      },
      errors: [404],
      async handle({ params, principal }) {
        return found(await service.document(principal, params.documentId), params.documentId)
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET',
      path: `${path}/:documentId/log`,
      operationId: `get${operation}Log`,
      access: ROLES,
      summary: 'The signed entries of a document, each with its verdict',
      params: DocumentParams,
      response: { status: 200, description: 'The log', contentType: 'application/json', schema: LogViewSchema },
      errors: [404],
      async handle({ params, principal }) {
        return found(await service.log(principal, params.documentId), params.documentId)
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET',
      path: `${path}/:documentId/bundle`,
      operationId: `get${operation}Bundle`,
      access: ROLES,
      summary: "A tar archive of the document's signed entries, for `sis log verify`",
      params: DocumentParams,
      response: { status: 200, description: 'The bundle', contentType: 'application/x-tar' },
      errors: [404],
      async handle({ params, principal, reply }) {
        const tar = found(await service.exportBundle(principal, params.documentId), params.documentId)
        // The document id pattern has no quotes or separators, so it is safe as a file name.
        reply.type('application/x-tar').header('content-disposition', `attachment; filename="${params.documentId}.tar"`)
        return Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength)
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET',
      path: `${path}/:documentId/receipts`,
      operationId: `get${operation}Receipts`,
      access: ROLES,
      summary:
        "Which member holds which entry of the document, since when: the signed delivery receipts, each checked against its signer's pinned key",
      params: DocumentParams,
      response: {
        status: 200,
        description: 'The receipts',
        contentType: 'application/json',
        schema: ReceiptsViewSchema,
      },
      errors: [404],
      async handle({ params, principal }) {
        return found(await service.receipts(principal, params.documentId), params.documentId)
      },
    }),
  ]
}
