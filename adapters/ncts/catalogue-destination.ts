/** The NCTS messages of the office of destination: arrival, unloading, goods release. */
import { act, needing } from './mapping.ts'
import type { NctsMapping } from './mapping.ts'
import { fromCC007C, toCC007C } from './arrival.ts'
import { toCC025C } from './goods-release.ts'

export const DESTINATION: readonly NctsMapping[] = [
  {
    type: 'CC007C',
    title: 'arrival notification',
    sis: 'ArrivalNotified',
    read: (xml) => act('arrival', fromCC007C(xml)),
    // CC007C has no free-text location and no incident flag (incidents travel as their own messages).
    lossy: ['LocationOfGoods.location', 'TransitOperation.incidentFlag'],
    write: {
      outbound: true,
      render: (log, env) => needing('CC007C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC007C(a, env)),
    },
  },
  {
    type: 'CC025C',
    title: 'goods release notification',
    sis: 'ControlResultsRecorded',
    write: {
      outbound: true,
      render: (log, env) =>
        needing('CC025C', log, 'ControlResultsRecorded', 'control results', (c) =>
          needing('CC025C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC025C(c, a, env)),
        ),
    },
  },
]
