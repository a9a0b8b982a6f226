/**
 * The NCTS messages of the office of departure: declaration, amendment and its acceptance,
 * MRN allocation, presentation of a pre-lodged declaration, release, rejection.
 */
import { fromCC028C, toCC028C } from './acceptance.ts'
import { fromCC013C, toCC004C, toCC013C } from './amendment.ts'
import { fromCC015C, toCC015C } from './cc015c.ts'
import { act, currentDeclaration, lacking, lodge, needing } from './mapping.ts'
import type { LogBodies } from './mapping.ts'
import type { DeclarationBody } from './declaration.ts'
import type { MapResult } from './envelope.ts'
import type { NctsMapping } from './mapping.ts'
import { fromCC170C } from './presentation.ts'
import { fromCC029C, toCC029C } from './release.ts'
import { fromCC056C, toCC056C } from './rejection.ts'

/**
 * What a declaration loses in CC015C and CC013C: NCTS writes the time the message was prepared,
 * not when the declaration was made; one language of each description (the partner's, else
 * English); supplementary units, which NCTS gives without their unit.
 */
const ITEM = 'Consignment.ConsignmentItem.Commodity'
const DECLARATION_LOSES = [
  `${ITEM}.descriptionOfGoods`,
  `${ITEM}.GoodsMeasure.supplementaryUnits`,
  `${ITEM}.GoodsMeasure.supplementaryUnitsCode`,
]

function withDeclaration(
  type: string,
  log: LogBodies,
  f: (d: DeclarationBody) => MapResult<string>,
): MapResult<string> {
  const d = currentDeclaration(log)
  return d === undefined ? lacking(type, 'declaration') : f(d)
}

export const DEPARTURE: readonly NctsMapping[] = [
  {
    type: 'CC015C',
    title: 'declaration data',
    sis: 'DeclarationLodged',
    read: (xml, opts) => lodge(fromCC015C(xml, opts)),
    lossy: ['TransitOperation.declarationDateAndTime', ...DECLARATION_LOSES],
    write: {
      outbound: true,
      render: (log, env, o) => needing('CC015C', log, 'DeclarationLodged', 'declaration', (d) => toCC015C(d, env, o)),
    },
  },
  {
    type: 'CC013C',
    title: 'declaration amendment',
    sis: 'DeclarationAmended',
    read: async (xml, opts) => act('amend', await fromCC013C(xml, opts)),
    lossy: ['TransitOperation.amendmentDateAndTime', 'TransitOperation.amendmentReason', ...DECLARATION_LOSES],
    write: {
      outbound: true,
      render: (log, env, o) => needing('CC013C', log, 'DeclarationAmended', 'amendment', (a) => toCC013C(a, env, o)),
    },
  },
  {
    type: 'CC004C',
    title: 'amendment acceptance',
    sis: 'DeclarationAmended',
    write: {
      outbound: false,
      render: (log, env) => needing('CC004C', log, 'DeclarationAmended', 'amendment', (a) => toCC004C(a, env)),
    },
  },
  {
    type: 'CC028C',
    title: 'MRN allocated (declaration accepted)',
    sis: 'DeclarationAccepted',
    read: (xml) => act('accept', fromCC028C(xml)),
    write: {
      outbound: true,
      render: (log, env) => needing('CC028C', log, 'DeclarationAccepted', 'acceptance', (a) => toCC028C(a, env)),
    },
  },
  {
    type: 'CC170C',
    title: 'presentation notification for a pre-lodged declaration',
    sis: 'DeclarationAmended',
    read: async (xml, opts) => act('amend', await fromCC170C(xml, opts)),
  },
  {
    type: 'CC029C',
    title: 'release for transit',
    sis: 'ReleasedForTransit',
    read: async (xml, opts) => act('release', await fromCC029C(xml, opts)),
    lossy: ['TransitOperation.releaseDateAndTime', 'ControlResult.remarks'],
    write: {
      outbound: true,
      render: (log, env, o) =>
        withDeclaration('CC029C', log, (d) =>
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
    read: (xml, opts) => act('reject', fromCC056C(xml, opts)),
    lossy: ['TransitOperation.rejectionReason', 'FunctionalError.errorReason'],
    write: {
      outbound: true,
      render: (log, env, o) =>
        needing('CC056C', log, 'DeclarationRejected', 'rejection', (r) => toCC056C(r, currentDeclaration(log), env, o)),
    },
  },
]
