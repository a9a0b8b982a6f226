/**
 * The NCTS messages of an invalidation at the office of departure: the holder's request
 * (CC014C) and the office's decision (CC009C).
 */
import { fromCC009C, fromCC014C, toCC009C, toCC014C } from './invalidation.ts'
import { act, needing } from './mapping.ts'
import type { NctsMapping } from './mapping.ts'

export const INVALIDATION: readonly NctsMapping[] = [
  {
    type: 'CC014C',
    title: 'invalidation request',
    sis: 'InvalidationRequested',
    read: (xml, opts) => act('invalidation-request', fromCC014C(xml, opts)),
    // One language of the justification travels (the preferred one, else English, else the first).
    lossy: ['Invalidation.justification'],
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC014C', log, 'InvalidationRequested', 'invalidation request', (r) =>
          toCC014C(r, log.last('DeclarationLodged')?.HolderOfTheTransitProcedure, env, o),
        ),
    },
  },
  {
    type: 'CC009C',
    title: 'invalidation decision',
    sis: 'InvalidationDecided',
    read: (xml, opts) => act('invalidation-decision', fromCC009C(xml, opts)),
    lossy: ['Invalidation.justification'],
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC009C', log, 'InvalidationDecided', 'invalidation decision', (d) =>
          toCC009C(
            d,
            log.last('InvalidationRequested'),
            log.last('DeclarationLodged')?.HolderOfTheTransitProcedure,
            env,
            o,
          ),
        ),
    },
  },
]
