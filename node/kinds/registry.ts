/**
 * The document kinds a running node serves: one line per kind (docs/kinds/adding-a-kind.md).
 * Every kind of protocol/kinds/registry.ts has its node side here (a test checks it).
 */
import type { NodeKind } from './kind.ts'
import { guaranteeNode } from './guarantee/index.ts'
import { transitNode } from './transit/index.ts'

export const NODE_KINDS: readonly NodeKind[] = [transitNode, guaranteeNode]

const BY_NAME = new Map(NODE_KINDS.map((k) => [k.kind.name, k]))

export function nodeKind(name: string): NodeKind | undefined {
  return BY_NAME.get(name)
}

/** Every search key any kind declares (the first declaration of a name wins). */
export function searchKeys(): Map<string, NodeKind['searchKeys'][string]> {
  const out = new Map<string, NodeKind['searchKeys'][string]>()
  for (const k of NODE_KINDS)
    for (const [name, key] of Object.entries(k.searchKeys)) if (!out.has(name)) out.set(name, key)
  return out
}
