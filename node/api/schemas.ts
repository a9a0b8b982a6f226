/**
 * The zod schemas of the API: request parts are validated with them, and the OpenAPI document
 * is generated from them. Field formats come from the message layer (protocol/messages types)
 * so a search for an identifier, an office or a container accepts exactly what a message may carry.
 * The response schemas are checked against the service's TypeScript types with `satisfies`, so
 * the documentation cannot drift from what the handlers return.
 */
import { z } from 'zod'
import { Header } from '../../protocol/index.ts'
import { messageSchema } from '../../protocol/messages/index.ts'
import type { MessageTypeName } from '../../protocol/messages/index.ts'
import type { Problem, ProblemFault } from '../../shared/problem.ts'
import type { DocumentRecord } from '../storage/types.ts'
import type { LogView, NodeEvent, NodeStatus, OutboxView, ReceiptsView, SubmitResult } from '../service.ts'
import { PrincipalConfig, READINESS } from '../config.ts'
import { NewTokenPrincipal, TOKEN_ID } from '../tokens.ts'
import type { IssuedToken, TokenInfo } from '../tokens.ts'

export const DocumentParams = z.object({ documentId: Header.shape.documentId }).strict()

/** Query strings arrive as strings; a repeated parameter arrives as an array and is refused. */
export const Limit = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'a whole number from 1 to 500')
  .transform(Number)
  .pipe(z.number().int().min(1).max(500))
export const Time = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time with a zone, inclusive')

export const SEARCH_DEFAULT_LIMIT = 100

const Details = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))

const ProblemFaultSchema = z
  .object({
    code: z.string().describe('Stable error code of this fault'),
    detail: z.string(),
    details: Details,
  })
  .meta({ id: 'ProblemFault' }) satisfies z.ZodType<ProblemFault>

/** Every error body: an RFC 9457 problem (shared/problem.ts), served as application/problem+json. */
export const ProblemSchema = z
  .object({
    type: z
      .string()
      .regex(/^urn:carec-sis:problem:[A-Z0-9_]+$/)
      .describe('urn:carec-sis:problem:<CODE>, one per code (an identifier: it resolves nowhere)'),
    title: z.string().describe("The code's fixed description"),
    status: z.number().int().min(400).max(599).describe('The HTTP status'),
    detail: z.string().describe('What was wrong with this request'),
    instance: z.string().describe('The request path'),
    code: z.string().describe('Stable error code (SisError, NodeError or API_* code): what clients branch on'),
    details: Details.describe('Structured facts of the fault, e.g. field (the element path or request part at fault)'),
    errors: z
      .array(ProblemFaultSchema)
      .optional()
      .describe("Every fault, when the request had several (the first is the problem's own code and detail)"),
  })
  .meta({ id: 'Problem' }) satisfies z.ZodType<Problem>

/**
 * The JSON body the API takes for a message the node writes: the message without its Header
 * (the node fills it in), named `<type>Body` in the OpenAPI components.
 */
export function messageBodySchema(type: MessageTypeName): z.ZodType {
  return messageSchema(type)
    .omit({ Header: true })
    .meta({ id: `${type}Body`, title: `${type} without its Header` })
}

export const SubmitResultSchema = z
  .object({
    documentId: z.string(),
    entryId: z.string(),
    status: z.string(),
  })
  .meta({ id: 'SubmitResult' }) satisfies z.ZodType<SubmitResult>

export const DocumentRecordSchema = z
  .object({
    documentId: z.string(),
    kind: z.string().describe('The document kind (protocol/kinds/registry.ts)'),
    audience: z.array(z.string()),
    status: z.string(),
    stateHash: z.string(),
    updatedAt: z.string(),
    index: z.object({
      status: z.string(),
      keys: z
        .record(z.string(), z.array(z.string()))
        .describe("The search keys the document's kind declares, with their values"),
    }),
    state: z.unknown().describe('The computed document state'),
  })
  .meta({ id: 'DocumentRecord' }) satisfies z.ZodType<DocumentRecord>

export const ReceiptsViewSchema = z
  .object({
    documentId: z.string(),
    receipts: z.array(
      z.object({
        peer: z.string().describe('The member that signed the receipt'),
        receivedAt: z.string().describe('When it stored the entries, as it signed'),
        entryIds: z.array(z.string()).describe('The entries of this document it acknowledged'),
        verified: z.boolean().describe("The receipt's signature verifies against the peer's pinned key"),
        reason: z.string().optional().describe('Why it does not verify'),
        xml: z.string().optional().describe('The signed DeliveryReceipt (admin and integration only)'),
      }),
    ),
  })
  .meta({ id: 'ReceiptsView' }) satisfies z.ZodType<ReceiptsView>

export const LogViewSchema = z
  .object({
    documentId: z.string(),
    entries: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        author: z.string(),
        seq: z.number(),
        verified: z.boolean(),
        effective: z.boolean(),
        reason: z.string().optional(),
        xml: z.string().describe('The signed entry as stored'),
      }),
    ),
  })
  .meta({ id: 'LogView' }) satisfies z.ZodType<LogView>

export const NodeEventSchema = z
  .object({
    type: z.enum(['document-changed', 'entry-refused', 'peer-connected', 'peer-disconnected']),
    documentId: z.string().optional(),
    kind: z.string().optional().describe('The document kind, for document-changed'),
    status: z.string().optional(),
    at: z.string(),
    detail: z.string().optional(),
  })
  .meta({ id: 'NodeEvent' }) satisfies z.ZodType<NodeEvent>

export const HealthSchema = z
  .object({
    live: z.boolean(),
    ready: z.boolean(),
    reasons: z.array(z.string()).describe('Why the node is not ready; empty when it is'),
    readiness: z.enum(READINESS).describe("node.json `readiness`: 'peer' waits for a connected member"),
    peers: z.number(),
    members: z.number(),
    membershipVersion: z.number().optional(),
    membershipValidUntil: z.string().optional(),
  })
  .meta({ id: 'Health' })

const Country = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .describe('ISO 3166-1 alpha-2 code of a member')

export const NodeStatusSchema = z
  .object({
    country: z.string(),
    softwareVersion: z.string(),
    keyId: z.string().describe('The key id this node signs with'),
    keys: z
      .array(
        z.object({ keyId: z.string(), publicKey: z.string(), validFrom: z.string(), revokedAt: z.string().optional() }),
      )
      .describe("This country's keys pinned in the membership in force"),
    membership: z.object({
      version: z.number(),
      validFrom: z.string(),
      validUntil: z.string(),
      valid: z.boolean(),
      members: z.number(),
      quorum: z.number(),
    }),
    peers: z.array(
      z.object({
        country: z.string(),
        connected: z.boolean(),
        outboxDepth: z.number().describe('Entries waiting for this member'),
        replicationLagSeconds: z.number().describe('How long the oldest of them has waited'),
      }),
    ),
    outboxTotal: z.number(),
    startedAt: z.string(),
    uptimeSeconds: z.number(),
  })
  .meta({ id: 'NodeStatus' }) satisfies z.ZodType<NodeStatus>

export const OUTBOX_DEFAULT_LIMIT = 1000

export const OutboxParams = z
  .object({
    peer: Country.optional(),
    limit: z
      .string()
      .regex(/^[0-9]{1,5}$/, 'a whole number from 1 to 10000')
      .transform(Number)
      .pipe(z.number().int().min(1).max(10_000))
      .optional()
      .describe(`At most this many items (1 to 10000, default ${OUTBOX_DEFAULT_LIMIT})`),
  })
  .strict()

export const OutboxViewSchema = z
  .object({
    total: z.number().describe('Items waiting (for the peer asked, or for all)'),
    items: z.array(
      z.object({
        peer: z.string(),
        documentId: z.string(),
        entryId: z.string(),
        enqueuedAt: z.string(),
        attempts: z.number(),
        nextAttemptAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'OutboxView' }) satisfies z.ZodType<OutboxView>

export const RetryJson = z.object({ peer: Country.optional() }).strict()

/** Who a new API token is for: role, name, and the office of an officer or the id of a trader. */
export const TokenPrincipalSchema = NewTokenPrincipal.meta({ id: 'TokenPrincipal' })

export const TokenInfoSchema = z
  .object({
    id: z.string().describe("The token's id, for revoking it; random, it says nothing about the secret"),
    principal: PrincipalConfig.meta({ id: 'Principal' }),
    created: z.string(),
  })
  .meta({ id: 'TokenInfo' }) satisfies z.ZodType<TokenInfo>

export const IssuedTokenSchema = TokenInfoSchema.extend({
  token: z.string().describe('The secret, shown this once: the node keeps only its SHA-256'),
}).meta({ id: 'IssuedToken' }) satisfies z.ZodType<IssuedToken>

export const TokenListSchema = z.object({ tokens: z.array(TokenInfoSchema) }).meta({ id: 'TokenList' })

export const TokenParams = z.object({ id: z.string().regex(TOKEN_ID, '16 lowercase hex digits') }).strict()
