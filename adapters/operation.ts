/**
 * What a national record asks of the node once decoded, whatever its format: lodge a
 * declaration, or act on a transit (by MRN or by the LRN the national system knows).
 */
import type { TransitAction } from './contract.ts'
import type { DeclarationBody } from './ncts/declaration.ts'

export type NodeOperation =
  | { readonly kind: 'lodge'; readonly lrn: string; readonly declaration: DeclarationBody }
  | {
      readonly kind: 'act'
      readonly action: TransitAction
      readonly documentId?: string
      readonly lrn?: string
      readonly body: Record<string, unknown>
    }
