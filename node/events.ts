/**
 * The node's events (GET /v1/events, NodeService.subscribe, the adapters' `deliver`). Defined in
 * node/ so the node never imports adapters/; the adapter contract re-exports it from here.
 */

/** A server-sent event of GET /v1/events. */
export interface NodeEvent {
  readonly type: 'document-changed' | 'entry-refused' | 'peer-connected' | 'peer-disconnected'
  readonly documentId?: string
  /** The document's kind (document-changed), as protocol/kinds/registry.ts names it. */
  readonly kind?: string
  readonly status?: string
  readonly at: string
  readonly detail?: string
}
