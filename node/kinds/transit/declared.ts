/**
 * A transit's declaration as it stands: the latest effective amendment, else the lodged
 * declaration (an amendment carries the whole declaration again). The search keys and the
 * guarantee issuer's duties both read it from here.
 */
import type { TransitMessage } from '../../../protocol/kinds/transit/index.ts'
import type { LogEntry } from '../../../protocol/log/index.ts'
import type { DocumentView } from '../kind.ts'

export function currentDeclaration(doc: DocumentView): LogEntry | undefined {
  const last = doc.state.entries
    .filter((e) => e.effect.effective && (e.type === 'DeclarationLodged' || e.type === 'DeclarationAmended'))
    .at(-1)
  return last === undefined ? undefined : doc.log.get(last.id)
}

/** The body of the current declaration (DeclarationLodged and DeclarationAmended share it). */
export function currentDeclarationBody(doc: DocumentView): TransitMessage<'DeclarationLodged'> | undefined {
  return currentDeclaration(doc)?.message as TransitMessage<'DeclarationLodged'> | undefined
}
