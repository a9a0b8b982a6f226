/** The guarantee on the node: its search keys, the register command and route, and the issuer's duties. */
import { guaranteeKind } from '../../../protocol/kinds/guarantee/index.ts'
import type { GuaranteeFacts, GuaranteeMessage } from '../../../protocol/kinds/guarantee/index.ts'
import { types } from '../../../protocol/messages/index.ts'
import type { DocumentView, NodeKind } from '../kind.ts'
import { register } from './commands.ts'
import { guaranteeDuties } from './duties.ts'
import { guaranteeRoutes } from './routes.ts'

function keys({ state, log }: DocumentView): Record<string, string[]> {
  const f = state.facts as GuaranteeFacts
  const reg =
    f.registered === undefined
      ? undefined
      : (log.get(f.registered.entry)?.message as GuaranteeMessage<'GuaranteeRegistered'> | undefined)
  const trader = reg?.Principal.identificationNumber
  return {
    grn: [state.documentId],
    office: reg === undefined ? [] : [reg.GuaranteeOffice.referenceNumber],
    trader: trader === undefined ? [] : [trader],
  }
}

export const guaranteeNode: NodeKind = {
  kind: guaranteeKind,
  searchKeys: { grn: { schema: types.Grn, description: 'GRN of a guarantee' } },
  keys,
  commands: { register },
  routes: guaranteeRoutes,
  react: guaranteeDuties,
}
