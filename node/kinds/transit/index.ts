/** The transit on the node: its search keys, commands, routes and the presentation protocol. */
import { transitKind } from '../../../protocol/kinds/transit/index.ts'
import type { NodeKind } from '../kind.ts'
import { act, lodge } from './commands.ts'
import { answerPresentation } from './diversion.ts'
import { TRANSIT_SEARCH_KEYS, transitKeys } from './keys.ts'
import { transitRoutes } from './routes.ts'

export const transitNode: NodeKind = {
  kind: transitKind,
  searchKeys: TRANSIT_SEARCH_KEYS,
  keys: transitKeys,
  commands: { lodge, act },
  routes: transitRoutes,
  protocols: { presentation: answerPresentation },
}
