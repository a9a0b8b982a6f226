/** The NCTS messages of the office of destination: arrival, unloading, goods release. */
import { act, needing } from './mapping.ts'
import type { NctsMapping } from './mapping.ts'
import { fromCC007C, toCC007C } from './arrival.ts'
import { fromCC025C, toCC025C } from './goods-release.ts'
import { fromCC044C, toCC043C, toCC044C } from './unloading.ts'

/** CC025C and CC044C say less of a control than CL047 does: a satisfactory result reads as A1. */
const CONTROL_LOSSY = ['ControlResult.code', 'ControlResult.controlledBy', 'ControlResult.remarks', 'Discrepancy']

export const DESTINATION: readonly NctsMapping[] = [
  {
    type: 'CC007C',
    title: 'arrival notification',
    sis: 'ArrivalNotified',
    read: (xml) => act('arrival', fromCC007C(xml)),
    // CC007C has no incident flag (it reads 0), and no free-text place for qualifiers Z and T.
    lossy: ['TransitOperation.incidentFlag', 'LocationOfGoods.location'],
    write: {
      outbound: true,
      render: (log, env) => needing('CC007C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC007C(a, env)),
    },
  },
  {
    type: 'CC043C',
    title: 'unloading permission',
    sis: 'ArrivalAdvised',
    write: {
      outbound: true,
      render: (log, env) =>
        needing('CC043C', log, 'ArrivalAdvised', 'arrival advice', (adv) =>
          needing('CC043C', log, 'DeclarationLodged', 'declaration', (d) =>
            needing('CC043C', log, 'ArrivalNotified', 'arrival notification', (a) =>
              toCC043C(adv, d, log.last('DeclarationAccepted'), a, env),
            ),
          ),
        ),
    },
  },
  {
    type: 'CC044C',
    title: 'unloading remarks',
    sis: 'ControlResultsRecorded',
    read: (xml, opts) => act('control', fromCC044C(xml, opts)),
    lossy: CONTROL_LOSSY,
    // The trader's message: the node answers it, it does not send it.
    write: {
      outbound: false,
      render: (log, env, o) =>
        needing('CC044C', log, 'ControlResultsRecorded', 'control results', (c) =>
          needing('CC044C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC044C(c, a, env, o)),
        ),
    },
  },
  {
    type: 'CC025C',
    title: 'goods release notification',
    sis: 'ControlResultsRecorded',
    read: (xml) => act('control', fromCC025C(xml)),
    lossy: CONTROL_LOSSY,
    write: {
      outbound: true,
      render: (log, env) =>
        needing('CC025C', log, 'ControlResultsRecorded', 'control results', (c) =>
          needing('CC025C', log, 'ArrivalNotified', 'arrival notification', (a) => toCC025C(c, a, env)),
        ),
    },
  },
]
