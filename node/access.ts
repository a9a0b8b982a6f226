/**
 * Access control of the node's local users (THREATS 28, deny by default): who sees which held
 * document (data scope: a trader its own documents, an officer its office's, the others all),
 * the scope a search runs in, which events a subscriber gets, and who may run an operator's
 * operation. Who may write is the principal's side of a command: mayWrite and actsAsOwnOffice
 * in node/kinds/scope.ts, which the kinds' commands call.
 */
import { NodeError } from './errors.ts'
import type { NodeEvent, Principal } from './service.ts'
import type { DocumentRecord, DocumentSlice, SearchQuery } from './storage/types.ts'

/** Data scope (THREATS 28): a trader its own documents, an officer its office's, the rest all. */
export function sees(p: Principal, r: DocumentRecord): boolean {
  if (p.role === 'trader') return (r.index.keys.trader ?? []).includes(p.traderId)
  if (p.role === 'officer') return (r.index.keys.office ?? []).includes(p.office)
  return true
}

/**
 * The query a principal's search runs as: its scope is part of the query (indexed), so a limit
 * counts documents the caller may see. Undefined when the query asks outside the scope (nothing
 * can match).
 */
export function scopedQuery(p: Principal, query: SearchQuery): SearchQuery | undefined {
  const keys = query.keys ?? {}
  const scope: Record<string, string> =
    p.role === 'trader' ? { trader: p.traderId } : p.role === 'officer' ? { office: p.office } : {}
  if (Object.entries(scope).some(([k, v]) => keys[k] !== undefined && keys[k] !== v)) return undefined
  return { ...query, keys: { ...keys, ...scope } }
}

/** An operator's operation: the API checks roles first; this is the second lock on the same door. */
export function mayOperate(p: Principal, roles: readonly Principal['role'][]): void {
  if (!roles.includes(p.role))
    throw new NodeError('NODE_FORBIDDEN', `the role ${p.role} may not run this operation`, { role: p.role })
}

/** The held documents and events as one principal may see them. */
export class Access {
  readonly #store: Pick<DocumentSlice, 'getDocument' | 'search'>

  constructor(store: Pick<DocumentSlice, 'getDocument' | 'search'>) {
    this.#store = store
  }

  /** A held document's record, if the principal may see it (otherwise as if not held). */
  async document(p: Principal, documentId: string): Promise<DocumentRecord | undefined> {
    const r = await this.#store.getDocument(documentId)
    return r !== undefined && sees(p, r) ? r : undefined
  }

  async search(p: Principal, query: SearchQuery): Promise<DocumentRecord[]> {
    const scoped = scopedQuery(p, query)
    if (scoped === undefined) return []
    return (await this.#store.search(scoped)).filter((r) => sees(p, r))
  }

  /**
   * The listener a subscriber gets events through: admins and the national system every event,
   * officers and traders only the changes of documents they see.
   */
  filter(p: Principal, listener: (event: NodeEvent) => void): (event: NodeEvent) => void {
    return (e) => {
      if (p.role === 'admin' || p.role === 'integration') {
        listener(e)
        return
      }
      if (e.type !== 'document-changed' || e.documentId === undefined) return
      void this.#store.getDocument(e.documentId).then(
        (r) => {
          if (r !== undefined && sees(p, r)) listener(e)
        },
        () => undefined,
      )
    }
  }
}
