/**
 * A transit's log as the NCTS writers and readers take it: the effective entries, decoded, the
 * last of each type winning (LogBodies), and from it the declaration as it stands now.
 */
import { decodeMessage } from '../protocol/index.ts'
import type { Message, MessageTypeName } from '../protocol/index.ts'
import type { LogEntryView, NodeClient } from './contract.ts'
import { currentDeclaration } from './ncts/index.ts'
import type { DeclarationBody, LogBodies } from './ncts/index.ts'

export function logBodies(log: readonly LogEntryView[]): LogBodies {
  const typed = log.filter((e) => e.effective).map((e) => decodeMessage(e.xml) as { type: string; message: Message })
  return {
    last<T extends MessageTypeName>(type: T) {
      const found = typed.findLast((e) => e.type === type)
      if (found === undefined) return undefined
      const { Header: _h, ...rest } = found.message as Message<T> & { Header: unknown }
      return rest as Omit<Message<T>, 'Header'>
    },
  }
}

/** The declaration of a transit as its node's log holds it now; undefined when the node has no such transit. */
export async function declarationOnNode(client: NodeClient, mrn: string): Promise<DeclarationBody | undefined> {
  const log = await client.log(mrn)
  return log === undefined ? undefined : currentDeclaration(logBodies(log))
}
