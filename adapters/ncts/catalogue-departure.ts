/** The NCTS messages of the office of departure: declaration, acceptance, release, rejection. */
import { fromCC015C, toCC015C } from './cc015c.ts'
import { lodge, needing } from './mapping.ts'
import type { NctsMapping } from './mapping.ts'
import { toCC029C } from './release.ts'
import { toCC056C } from './rejection.ts'

export const DEPARTURE: readonly NctsMapping[] = [
  {
    type: 'CC015C',
    title: 'declaration data',
    sis: 'DeclarationLodged',
    read: (xml, opts) => lodge(fromCC015C(xml, opts)),
    write: {
      outbound: true,
      render: (log, env, o) => needing('CC015C', log, 'DeclarationLodged', 'declaration', (d) => toCC015C(d, env, o)),
    },
  },
  {
    type: 'CC029C',
    title: 'release for transit',
    sis: 'ReleasedForTransit',
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC029C', log, 'DeclarationLodged', 'declaration', (d) =>
          needing('CC029C', log, 'DeclarationAccepted', 'acceptance', (a) =>
            needing('CC029C', log, 'ReleasedForTransit', 'release', (r) => toCC029C(d, a, r, env, o)),
          ),
        ),
    },
  },
  {
    type: 'CC056C',
    title: 'rejection from the office of departure',
    sis: 'DeclarationRejected',
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC056C', log, 'DeclarationRejected', 'rejection', (r) =>
          toCC056C(r, log.last('DeclarationLodged'), env, o),
        ),
    },
  },
]
