/**
 * The node's own refusals of what a local user asked: not protocol codes (those judge messages
 * and entries from anywhere), but what this node will or will not do for this caller now. Each
 * code has one HTTP status (node/api/errors.ts) and is listed in docs/errors.md.
 */
import type { ErrorDetails } from '../protocol/errors.ts'

export const NODE_ERROR_CODES = {
  NODE_FORBIDDEN:
    'the caller may not do this: its role, its office, or the rules of the document (the entry would not take effect)',
  NODE_NOT_FOUND: "no such document here (a document outside the caller's scope is not found either)",
  NODE_CONFLICT:
    'the document is not in a state where this can be done (the entry would not take effect), or it exists already',
  NODE_UNAVAILABLE: 'the node cannot do this now: a peer it needs did not answer, or the store cannot take a snapshot',
} as const

export type NodeErrorCode = keyof typeof NODE_ERROR_CODES

export const NODE_ERROR_STATUS: Readonly<Record<NodeErrorCode, number>> = {
  NODE_FORBIDDEN: 403,
  NODE_NOT_FOUND: 404,
  NODE_CONFLICT: 409,
  NODE_UNAVAILABLE: 503,
}

export class NodeError extends Error {
  override readonly name = 'NodeError'
  readonly code: NodeErrorCode
  readonly details: ErrorDetails

  constructor(code: NodeErrorCode, message: string, details: ErrorDetails = {}) {
    super(message)
    this.code = code
    this.details = details
  }
}

export function isNodeError(e: unknown): e is NodeError {
  return e instanceof NodeError
}
