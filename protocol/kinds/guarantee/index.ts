/**
 * The guarantee kind (documentId = GRN): registered, reserved per transit and released by the
 * issuing country's node only; valid in the countries it names. docs/kinds/guarantee.md.
 */
import { defineKind } from '../kind.ts'
import { GuaranteeMachine } from './machine.ts'
import type { GuaranteeFacts } from './machine.ts'
import { GUARANTEE_MESSAGES } from './messages.ts'

export const guaranteeKind = defineKind({
  name: 'guarantee',
  title: 'Guarantee',
  messages: GUARANTEE_MESSAGES,
  identifier: {
    name: 'GRN',
    field: 'Guarantee/GRN',
    documentIdOf: (m) => (m.Guarantee as { GRN?: string } | undefined)?.GRN,
  },
  // Reservations before releases when concurrent, so a release finds what it returns.
  ranks: { GuaranteeRegistered: 0, GuaranteeReserved: 4, GuaranteeReleased: 16 },
  machine: ({ offices }): GuaranteeMachine => new GuaranteeMachine(offices),
  status: (f: GuaranteeFacts) => (f.registered === undefined ? 'none' : 'registered'),
  // The issuer and the countries where the guarantee is valid.
  audience: (f: GuaranteeFacts) => (f.registered === undefined ? [] : [f.registered.issuer, ...f.registered.validIn]),
  authority: () => [],
})

export type { GuaranteeFacts } from './machine.ts'
export { mayReleaseGuarantee, toMinor, fromMinor } from './machine.ts'
export type { GuaranteeMessage, GuaranteeMessageType } from './messages.ts'
